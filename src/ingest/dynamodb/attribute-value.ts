import { ValidationError } from '../../errors.ts';
import { describeFound, indexPath, memberPath } from './attribute-path.ts';
import { DynamoNumber } from './dynamo-number.ts';
import { DynamoSet } from './dynamo-set.ts';
import { decodeStrictBase64 } from './strict-base64.ts';

/** DynamoDB JSON for one attribute (`{"S": "x"}`, `{"N": "1.5"}`, …), as streams and Kinesis carry it. */
export type AttributeValue =
  | { S: string }
  | { N: string }
  | { B: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { M: AttributeMap }
  | { L: AttributeValue[] }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: string[] };

/** A marshalled item or image: attribute name to AttributeValue. */
export interface AttributeMap {
  [name: string]: AttributeValue;
}

/** The ten AttributeValue type keys. */
export const ATTRIBUTE_TYPES = ['S', 'N', 'B', 'BOOL', 'NULL', 'M', 'L', 'SS', 'NS', 'BS'] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

/**
 * An unmarshalled attribute: S → string, N → DynamoNumber (exact text), B → Buffer, BOOL → boolean,
 * NULL → null, M → object, L → array, SS/NS/BS → DynamoSet.
 */
export type DynamoValue = string | DynamoNumber | Buffer | boolean | null | DynamoSet | DynamoValue[] | DynamoItem;

/** An unmarshalled item or map. */
export interface DynamoItem {
  [name: string]: DynamoValue;
}

/** DynamoDB's nesting limit; deeper input is rejected before it can exhaust the stack. */
const MAX_DEPTH = 32;

function badAttribute(path: string, problem: string, found: unknown): ValidationError {
  return new ValidationError(
    'DDB_BAD_ATTRIBUTE',
    `bad DynamoDB attribute at ${path}: ${problem}, found ${describeFound(found)}; check the producer that wrote this item`,
    { fields: { path, found: describeFound(found, 200) } },
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Where a value sits: its parent's path and its key. The string is only built for an error or a container. */
type Key = string | number | undefined;

function pathOf(parent: string, key: Key): string {
  if (key === undefined) return parent;
  return typeof key === 'number' ? indexPath(parent, key) : memberPath(parent, key);
}

function stringArray(value: unknown, parent: string, key: Key, typeKey: string): string[] {
  if (!Array.isArray(value)) throw badAttribute(pathOf(parent, key), `${typeKey} must be an array of strings`, value);
  for (let i = 0; i < value.length; i++) {
    if (typeof value[i] !== 'string') throw badAttribute(indexPath(pathOf(parent, key), i), `${typeKey} elements must be strings`, value[i]);
  }
  return value as string[];
}

function toNumber(text: unknown, parent: string, key: Key): DynamoNumber {
  if (typeof text !== 'string') throw badAttribute(pathOf(parent, key), 'N must be a decimal number string', text);
  const reason = DynamoNumber.invalidReason(text);
  if (reason !== undefined) throw badAttribute(pathOf(parent, key), `N ${reason}`, text);
  return new DynamoNumber(text);
}

function toBinary(text: unknown, parent: string, key: Key): Buffer {
  if (typeof text !== 'string') throw badAttribute(pathOf(parent, key), 'B must be a base64 string', text);
  const decoded = decodeStrictBase64(text);
  if (typeof decoded === 'string') throw badAttribute(pathOf(parent, key), `B is not valid base64 (${decoded})`, text);
  return decoded;
}

function unmarshallMap(map: unknown, path: string, depth: number): DynamoItem {
  if (!isPlainObject(map)) throw badAttribute(path, 'expected a map of attribute name to AttributeValue', map);
  const entries: Array<[string, DynamoValue]> = [];
  for (const name in map) {
    if (Object.hasOwn(map, name)) entries.push([name, unmarshallAt(map[name], path, name, depth)]);
  }
  // fromEntries defines own properties, so a "__proto__" attribute stays data
  return Object.fromEntries(entries);
}

function unmarshallAt(av: unknown, parent: string, key: Key, depth: number): DynamoValue {
  if (depth > MAX_DEPTH) throw badAttribute(pathOf(parent, key), `nested deeper than DynamoDB's ${MAX_DEPTH} levels`, '…');
  if (!isPlainObject(av)) throw badAttribute(pathOf(parent, key), 'expected an AttributeValue object such as {"S": "…"}', av);
  let typeKey: string | undefined;
  let count = 0;
  for (const k in av) {
    if (!Object.hasOwn(av, k)) continue;
    typeKey = k;
    count++;
  }
  if (count !== 1 || typeKey === undefined) {
    const keys = Object.keys(av);
    throw badAttribute(pathOf(parent, key), `an AttributeValue has exactly one type key, not ${keys.length} (${keys.join(', ') || 'none'})`, av);
  }
  const value = av[typeKey];
  switch (typeKey) {
    case 'S':
      if (typeof value !== 'string') throw badAttribute(pathOf(parent, key), 'S must be a string', value);
      return value;
    case 'N':
      return toNumber(value, parent, key);
    case 'B':
      return toBinary(value, parent, key);
    case 'BOOL':
      if (typeof value !== 'boolean') throw badAttribute(pathOf(parent, key), 'BOOL must be true or false', value);
      return value;
    case 'NULL':
      if (value !== true) throw badAttribute(pathOf(parent, key), 'NULL must be true', value);
      return null;
    case 'M':
      return unmarshallMap(value, pathOf(parent, key), depth + 1);
    case 'L': {
      const path = pathOf(parent, key);
      if (!Array.isArray(value)) throw badAttribute(path, 'L must be an array of AttributeValues', value);
      return value.map((element, i) => unmarshallAt(element, path, i, depth + 1));
    }
    case 'SS':
      return new DynamoSet('SS', stringArray(value, parent, key, 'SS'));
    case 'NS': {
      const texts = stringArray(value, parent, key, 'NS');
      const path = pathOf(parent, key);
      return new DynamoSet('NS', texts.map((text, i) => toNumber(text, path, i)));
    }
    case 'BS': {
      const texts = stringArray(value, parent, key, 'BS');
      const path = pathOf(parent, key);
      return new DynamoSet('BS', texts.map((text, i) => toBinary(text, path, i)));
    }
    default:
      throw badAttribute(pathOf(parent, key), `unknown type key ${JSON.stringify(typeKey)} (expected one of ${ATTRIBUTE_TYPES.join(', ')})`, av);
  }
}

/**
 * Unmarshalls one AttributeValue. `path` names it in errors (`NewImage.items[2].price`).
 * Errors: `ValidationError` `DDB_BAD_ATTRIBUTE` (fields `path`, `found`) for an unknown type key,
 * a value of the wrong JSON type, a bad number or base64 string, or nesting beyond 32 levels.
 */
export function unmarshallAttributeValue(av: unknown, path = '$'): DynamoValue {
  return unmarshallAt(av, path, undefined, 0);
}

/**
 * Unmarshalls an item or image (`NewImage`, `OldImage`, `Keys`); `path` is the name used in errors.
 * Errors: as `unmarshallAttributeValue`.
 */
export function unmarshallItem(image: unknown, path = 'Item'): DynamoItem {
  return unmarshallMap(image, path, 0);
}
