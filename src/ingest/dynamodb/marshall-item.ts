import { ValidationError } from '../../errors.ts';
import { describeFound, indexPath, memberPath } from './attribute-path.ts';
import type { AttributeMap, AttributeValue, DynamoValue } from './attribute-value.ts';
import { DynamoNumber } from './dynamo-number.ts';
import { DynamoSet } from './dynamo-set.ts';

/**
 * What `marshallValue` accepts: every `DynamoValue`, plus JS numbers and bigints (→ N),
 * Uint8Array (→ B) and, inside maps, `undefined` (the attribute is left out).
 */
export type MarshallInput =
  | DynamoValue
  | number
  | bigint
  | Uint8Array
  | undefined
  | MarshallInput[]
  | { [name: string]: MarshallInput };

function cannotMarshall(path: string, problem: string, found: unknown): ValidationError {
  return new ValidationError('DDB_CANNOT_MARSHALL', `cannot marshall ${path}: ${problem}, found ${describeFound(found)}`, {
    fields: { path, found: describeFound(found, 200) },
  });
}

function numberText(value: number | bigint | DynamoNumber, path: string): string {
  if (value instanceof DynamoNumber) return value.text;
  if (typeof value === 'number' && !Number.isFinite(value)) throw cannotMarshall(path, 'DynamoDB numbers must be finite', value);
  const text = String(value);
  const reason = DynamoNumber.invalidReason(text);
  if (reason !== undefined) throw cannotMarshall(path, `number ${reason}`, text);
  return text;
}

function setValue(set: DynamoSet, path: string): AttributeValue {
  const elements = [...set];
  switch (set.setType) {
    case 'SS':
      return { SS: elements.map((e, i) => (typeof e === 'string' ? e : badElement(set, e, indexPath(path, i)))) };
    case 'NS':
      return { NS: elements.map((e, i) => (e instanceof DynamoNumber ? e.text : badElement(set, e, indexPath(path, i)))) };
    case 'BS':
      return { BS: elements.map((e, i) => (Buffer.isBuffer(e) ? e.toString('base64') : badElement(set, e, indexPath(path, i)))) };
  }
}

function badElement(set: DynamoSet, element: unknown, path: string): never {
  throw cannotMarshall(path, `element does not belong in a ${set.setType} set`, element);
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Marshalls one value to DynamoDB JSON — the inverse of `unmarshallAttributeValue`, so
 * `marshallValue(unmarshallAttributeValue(av))` deep-equals `av`. `DynamoSet`s become SS/NS/BS,
 * other arrays L, plain objects M. Errors: `ValidationError` `DDB_CANNOT_MARSHALL` (field `path`)
 * for undefined outside a map, non-finite numbers, and objects that are not plain (Date, Map, …).
 */
export function marshallValue(value: MarshallInput, path = '$'): AttributeValue {
  if (value === null) return { NULL: true };
  switch (typeof value) {
    case 'string':
      return { S: value };
    case 'boolean':
      return { BOOL: value };
    case 'number':
    case 'bigint':
      return { N: numberText(value, path) };
    case 'undefined':
      throw cannotMarshall(path, 'undefined is only allowed as a map member (it is left out)', value);
    case 'object':
      break;
    default:
      throw cannotMarshall(path, `a ${typeof value} has no DynamoDB type`, String(value));
  }
  if (value instanceof DynamoNumber) return { N: value.text };
  if (value instanceof DynamoSet) return setValue(value, path);
  if (value instanceof Uint8Array) return { B: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (Array.isArray(value)) return { L: value.map((element, i) => marshallValue(element, indexPath(path, i))) };
  if (!isPlainObject(value)) {
    throw cannotMarshall(path, `a ${value.constructor?.name ?? 'non-plain object'} has no DynamoDB type; convert it first (a Date to an ISO string or epoch millis)`, value);
  }
  return { M: marshallMap(value as Record<string, MarshallInput>, path) };
}

function marshallMap(map: Record<string, MarshallInput>, path: string): AttributeMap {
  const entries: Array<[string, AttributeValue]> = [];
  for (const [name, member] of Object.entries(map)) {
    if (member !== undefined) entries.push([name, marshallValue(member, memberPath(path, name))]);
  }
  return Object.fromEntries(entries);
}

/** Marshalls an item to a DynamoDB JSON image; `undefined` members are left out. Errors: as `marshallValue`. */
export function marshallItem(item: Record<string, MarshallInput>, path = 'Item'): AttributeMap {
  return marshallMap(item, path);
}
