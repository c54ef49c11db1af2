/**
 * DynamoDB change records: cut inputs into records, decode them (unmarshalled keys and images, DMS op),
 * and conform items to Avro schemas. Pure functions; the delivery worker wires them to streams and tables.
 */
export { ATTRIBUTE_TYPES, unmarshallAttributeValue, unmarshallItem } from './attribute-value.ts';
export type { AttributeMap, AttributeType, AttributeValue, DynamoItem, DynamoValue } from './attribute-value.ts';
export { marshallItem, marshallValue } from './marshall-item.ts';
export type { MarshallInput } from './marshall-item.ts';
export { DynamoNumber } from './dynamo-number.ts';
export { DynamoSet } from './dynamo-set.ts';
export type { DynamoSetElement, DynamoSetType } from './dynamo-set.ts';
export { attributeAs, dataTypeOf } from './data-type.ts';
export type { DynamoDataType, DynamoDataTypeValue } from './data-type.ts';
export { OP_OF_EVENT, decodeChangeRecord } from './change-record.ts';
export type { ChangeEventName, ChangeRecord, ChangeRecordFormat, DecodeChangeRecordOptions, DmsOp } from './change-record.ts';
export { parseChangeInput, splitChangeInput } from './change-input.ts';
export type { ChangeInputError, ChangeInputRecord, SplitChangeInput } from './change-input.ts';
export { conformToAvro, createAvroConformer } from './conform.ts';
export type { AvroConformer, AvroSchemaInput, ConformOptions, ConformResult } from './conform.ts';
export type { ConformProblem } from './scalar-conform.ts';
export { decodeAvroDecimal, encodeAvroDecimal } from './avro-decimal.ts';
export { partitionDateOf } from './partition-date.ts';
