/** A JSON scalar found at an event leaf; objects are never leaves. */
export type EventScalar = string | number | boolean | null;

/** One compiled value matcher (exact, prefix, numeric, …) applied to one event scalar. */
export type ScalarTest = (value: EventScalar) => boolean;

/** A compiled leaf: the pattern's array of values, matched when any of them matches. */
export interface CompiledLeaf {
  readonly kind: 'leaf';
  readonly tests: readonly ScalarTest[];
  /** `{ "exists": true }` is among the values. */
  readonly matchesPresent: boolean;
  /** `{ "exists": false }` is among the values. */
  readonly matchesAbsent: boolean;
}

/** A compiled pattern object: every field matches and, for each `$or`, one alternative does. */
export interface CompiledNode {
  readonly kind: 'node';
  readonly fields: readonly (readonly [name: string, child: CompiledLeaf | CompiledNode])[];
  /** One entry per `$or` at this level; each alternative is matched against the same object. */
  readonly alternatives: readonly (readonly CompiledNode[])[];
}

type JsonObject = Record<string, unknown>;

const EMPTY_OBJECT: JsonObject = Object.freeze({});

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function collectObjects(value: unknown, out: JsonObject[]): void {
  if (Array.isArray(value)) for (const element of value) collectObjects(element, out);
  else if (isObject(value)) out.push(value);
}

function collectScalars(value: unknown, out: EventScalar[]): void {
  if (Array.isArray(value)) for (const element of value) collectScalars(element, out);
  else if (!isObject(value) && value !== undefined) out.push(value as EventScalar);
}

function field(object: JsonObject, name: string): unknown {
  return Object.hasOwn(object, name) ? object[name] : undefined;
}

/**
 * Matches a compiled pattern object against the event value at its path.
 * Array-consistent (event-ruler `Machine.rulesForJSONEvent`): when the value is an array
 * (nested arrays are flattened), one element must satisfy the whole sub-pattern, so two fields
 * never match from different elements of the same array. A missing or non-object value has no
 * fields, so only `exists: false` can match inside it.
 */
export function matchesNodeAt(node: CompiledNode, value: unknown): boolean {
  if (isObject(value)) return matchesObject(node, value);
  const objects: JsonObject[] = [];
  collectObjects(value, objects);
  if (objects.length === 0) return matchesObject(node, EMPTY_OBJECT);
  return objects.some((object) => matchesObject(node, object));
}

function matchesObject(node: CompiledNode, object: JsonObject): boolean {
  for (const [name, child] of node.fields) {
    const value = field(object, name);
    const ok = child.kind === 'leaf' ? matchesLeaf(child, value) : matchesNodeAt(child, value);
    if (!ok) return false;
  }
  return node.alternatives.every((alternatives) => alternatives.some((alternative) => matchesObject(alternative, object)));
}

/**
 * A leaf matches when any pattern value matches any event scalar at the path (an array's
 * elements, flattened). Objects are not leaves: a field holding only objects or an empty array
 * counts as absent, as in EventBridge, where `exists` applies to leaf nodes only.
 */
export function matchesLeaf(leaf: CompiledLeaf, value: unknown): boolean {
  let scalars: EventScalar[];
  if (value === undefined || isObject(value)) scalars = [];
  else if (Array.isArray(value)) {
    scalars = [];
    collectScalars(value, scalars);
  } else scalars = [value as EventScalar];
  if (scalars.length === 0) return leaf.matchesAbsent;
  if (leaf.matchesPresent) return true;
  for (const scalar of scalars) {
    for (const test of leaf.tests) if (test(scalar)) return true;
  }
  return false;
}

/** The numeric range event-ruler (and so EventBridge) can compare: −5.0e9 to +5.0e9 inclusive. */
export const NUMERIC_LIMIT = 5e9;

/**
 * The key event-ruler compares numbers by (`ComparableNumber`): `(long) (1e6 * (5e9 + n))`,
 * i.e. precise to six decimal places; `undefined` outside ±5.0e9. The double arithmetic is the
 * same in JavaScript, and every key is an exact integer, so keys compare exactly as in Java.
 */
export function comparableNumber(n: number): number | undefined {
  if (!(n >= -NUMERIC_LIMIT && n <= NUMERIC_LIMIT)) return undefined;
  return Math.trunc(1e6 * (NUMERIC_LIMIT + n));
}

/** One end of a numeric range, as a comparable key. */
export interface NumericBound {
  readonly key: number;
  readonly open: boolean;
}

/** A test for numbers inside a range with optional lower and upper bounds (keys compared). */
export function numericRangeTest(lower: NumericBound | undefined, upper: NumericBound | undefined): ScalarTest {
  return (value) => {
    if (typeof value !== 'number') return false;
    const key = comparableNumber(value);
    if (key === undefined) return false;
    if (lower && (lower.open ? key <= lower.key : key < lower.key)) return false;
    if (upper && (upper.open ? key >= upper.key : key > upper.key)) return false;
    return true;
  };
}

/** An IPv4 or IPv6 address as an unsigned integer. */
export interface IpAddress {
  readonly version: 4 | 6;
  readonly value: bigint;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

function parseIpv4(text: string): bigint | undefined {
  const m = IPV4.exec(text);
  if (!m) return undefined;
  let value = 0n;
  for (const part of m.slice(1)) {
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

function parseIpv6Groups(text: string): number[] | undefined {
  if (text === '') return [];
  const groups: number[] = [];
  const parts = text.split(':');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    if (i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (v4 === undefined) return undefined;
      groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
    } else if (HEX_GROUP.test(part)) groups.push(parseInt(part, 16));
    else return undefined;
  }
  return groups;
}

/** Parses a dotted IPv4 or an IPv6 address (with `::` and an embedded IPv4 tail); `undefined` if neither. */
export function parseIpAddress(text: string): IpAddress | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { version: 4, value: v4 };
  if (!text.includes(':')) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseIpv6Groups(halves[0] ?? '');
  const tail = halves.length === 2 ? parseIpv6Groups(halves[1] ?? '') : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  let value = 0n;
  for (const group of [...head, ...new Array<number>(missing).fill(0), ...tail]) value = (value << 16n) | BigInt(group);
  return { version: 6, value };
}

/**
 * A test for string IP addresses of the same version in event-ruler's CIDR range: from the
 * address as written (host bits are not cleared) up to it with every host bit set.
 */
export function cidrTest(base: IpAddress, prefixBits: number): ScalarTest {
  const hostBits = BigInt((base.version === 4 ? 32 : 128) - prefixBits);
  const top = base.value | ((1n << hostBits) - 1n);
  return (value) => {
    if (typeof value !== 'string') return false;
    const ip = parseIpAddress(value);
    return ip !== undefined && ip.version === base.version && ip.value >= base.value && ip.value <= top;
  };
}

/** A test for one IP address written in any notation (`::1` equals `0:0:0:0:0:0:0:1`), as event-ruler compares IP literals. */
export function ipEqualsTest(address: IpAddress, text: string): ScalarTest {
  return (value) => {
    if (value === text) return true;
    if (typeof value !== 'string') return false;
    const ip = parseIpAddress(value);
    return ip !== undefined && ip.version === address.version && ip.value === address.value;
  };
}
