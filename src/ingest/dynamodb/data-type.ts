import { ValidationError } from '../../errors.ts';
import type { DynamoItem, DynamoValue } from './attribute-value.ts';
import { DynamoNumber } from './dynamo-number.ts';
import { DynamoSet } from './dynamo-set.ts';

/** The data type names of aws-lambda-go's `DynamoDBAttributeValue.DataType()`. */
export type DynamoDataType = 'Binary' | 'Boolean' | 'BinarySet' | 'List' | 'Map' | 'Number' | 'NumberSet' | 'Null' | 'String' | 'StringSet';

/** The unmarshalled value each data type holds. */
export interface DynamoDataTypeValue {
  Binary: Buffer;
  Boolean: boolean;
  BinarySet: DynamoSet<'BS'>;
  List: DynamoValue[];
  Map: DynamoItem;
  Number: DynamoNumber;
  NumberSet: DynamoSet<'NS'>;
  Null: null;
  String: string;
  StringSet: DynamoSet<'SS'>;
}

const SET_DATA_TYPES = { SS: 'StringSet', NS: 'NumberSet', BS: 'BinarySet' } as const;

/** The data type of an unmarshalled value. */
export function dataTypeOf(value: DynamoValue): DynamoDataType {
  if (value === null) return 'Null';
  if (typeof value === 'string') return 'String';
  if (typeof value === 'boolean') return 'Boolean';
  if (value instanceof DynamoNumber) return 'Number';
  if (value instanceof DynamoSet) return SET_DATA_TYPES[(value as DynamoSet).setType];
  if (Buffer.isBuffer(value)) return 'Binary';
  if (Array.isArray(value)) return 'List';
  return 'Map';
}

/**
 * Reads a value as the `requested` data type, like the Go accessors (`av.Number()`, `av.Boolean()`).
 * Errors: `ValidationError` `DDB_INCOMPATIBLE_TYPE` with fields `requested`, `actual`, `path` — the
 * equivalent of Go's `IncompatibleDynamoDBTypeError{Requested, Actual}` (which Go raises as a panic).
 */
export function attributeAs<T extends DynamoDataType>(value: DynamoValue, requested: T, path = '$'): DynamoDataTypeValue[T] {
  const actual = dataTypeOf(value);
  if (actual !== requested) {
    throw new ValidationError('DDB_INCOMPATIBLE_TYPE', `attribute ${path} is a ${actual}, not a ${requested}; read it as ${actual} or fix the producer`, {
      fields: { requested, actual, path },
    });
  }
  return value as DynamoDataTypeValue[T];
}
