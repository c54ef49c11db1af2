import { ValidationError } from '../../errors.ts';
import { avroUnionShape } from './avro-columns.ts';
import { AvroErrorCode } from './avro-errors.ts';
import { isAvroLong } from './avro-long-type.ts';
import type { AvroSchema } from './avro-schema.ts';
import type { AvroLogical, AvroLogicalTypeName, AvroNode, AvroNodeKind, AvroUnionNode } from './avro-schema-tree.ts';
import { UNION_BUCKETS } from './avsc-type.ts';

/** A JSON value, as a row for DuckDB's `read_json` holds it. */
export type AvroRowValue = null | boolean | number | string | AvroRowValue[] | { [key: string]: AvroRowValue };

/**
 * DuckDB expression turning a row's bytes value back into a BLOB. Bytes and fixed values are
 * base64 text in rows (JSON has no binary), so read such a column as VARCHAR and wrap it:
 * `blobFromRowSql('"payload"')` -> `from_base64("payload")`.
 */
export function blobFromRowSql(expression: string): string {
  return `from_base64(${expression})`;
}

/**
 * Converts a decoded record into a plain JSON-serializable row whose values DuckDB's
 * `read_json` parses into the column types of `avroToColumns`:
 * - long: a number when safe, else its decimal digits as a string (DuckDB casts them to BIGINT);
 * - float/double: numbers; NaN and ±Infinity as the strings "NaN", "Infinity", "-Infinity";
 * - bytes/fixed: base64 (see `blobFromRowSql`);
 * - date: `YYYY-MM-DD`; time-*: `HH:MM:SS.fff[fff]`;
 * - timestamp-millis/micros: ISO 8601 in UTC with `Z` (TIMESTAMPTZ); local-timestamp-* and
 *   timestamp-nanos: ISO 8601 without zone (TIMESTAMP / TIMESTAMP_NS);
 * - decimal: its exact decimal digits as a string; uuid: canonical text; duration: an interval
 *   string `N months N days N milliseconds`;
 * - map: a JSON object; record: a JSON object; `[null, X]`: null or X's value;
 * - other unions (`json` columns): the written branch's value converted as above, unwrapped.
 * @throws ValidationError `AVRO_INVALID_RECORD` naming the field when a value does not fit.
 */
export function avroRecordToRow(schema: AvroSchema, record: unknown): Record<string, AvroRowValue> {
  const root = schema.root;
  if (root.kind !== 'record') throw mismatch('', `the schema is a ${root.kind}, not a record`);
  return toRow(root, record, '') as Record<string, AvroRowValue>;
}

type KindConverter<K extends AvroNodeKind> = (node: Extract<AvroNode, { kind: K }>, value: unknown, path: string) => AvroRowValue;

/** Avro kind -> row value. Exhaustive, like the column mapping it mirrors. */
const BY_KIND: { [K in AvroNodeKind]: KindConverter<K> } = {
  null: () => null,
  boolean: (_n, v, path) => (typeof v === 'boolean' ? v : bad(path, 'boolean', v)),
  int: (_n, v, path) => (typeof v === 'number' && Number.isInteger(v) ? v : bad(path, 'int', v)),
  long: (_n, v, path) => longValue(v, path),
  float: (_n, v, path) => floatValue(v, path),
  double: (_n, v, path) => floatValue(v, path),
  bytes: (_n, v, path) => bytesOf(v, path).toString('base64'),
  string: (_n, v, path) => (typeof v === 'string' ? v : bad(path, 'string', v)),
  enum: (_n, v, path) => (typeof v === 'string' ? v : bad(path, 'enum symbol', v)),
  fixed: (_n, v, path) => bytesOf(v, path).toString('base64'),
  array: (node, v, path) => (Array.isArray(v) ? v.map((item, i) => toRow(node.items, item, `${path}[${i}]`)) : bad(path, 'array', v)),
  map: (node, v, path) => {
    if (!isPlainObject(v)) return bad(path, 'map', v);
    const out: Record<string, AvroRowValue> = {};
    for (const [key, item] of Object.entries(v)) out[key] = toRow(node.values, item, `${path}[${JSON.stringify(key)}]`);
    return out;
  },
  record: (node, v, path) => {
    if (!isPlainObject(v)) return bad(path, `record "${node.name}"`, v);
    const out: Record<string, AvroRowValue> = {};
    for (const f of node.fields) out[f.name] = toRow(f.type, v[f.name], path === '' ? f.name : `${path}.${f.name}`);
    return out;
  },
  union: (node, v, path) => unionValue(node, v, path),
};

/** Logical type -> row value, from the underlying value. Exhaustive. */
const BY_LOGICAL: Record<AvroLogicalTypeName, (value: unknown, logical: AvroLogical, path: string) => AvroRowValue> = {
  date: (v, _l, path) => isoDate(intOf(v, path), path),
  'time-millis': (v, _l, path) => timeOfDay(intOf(v, path), 1000, path),
  'time-micros': (v, _l, path) => timeOfDay(longOf(v, path), 1_000_000, path),
  'timestamp-millis': (v, _l, path) => isoTimestamp(longOf(v, path), 1000, true, path),
  'timestamp-micros': (v, _l, path) => isoTimestamp(longOf(v, path), 1_000_000, true, path),
  'timestamp-nanos': (v, _l, path) => isoTimestamp(longOf(v, path), 1_000_000_000, false, path),
  'local-timestamp-millis': (v, _l, path) => isoTimestamp(longOf(v, path), 1000, false, path),
  'local-timestamp-micros': (v, _l, path) => isoTimestamp(longOf(v, path), 1_000_000, false, path),
  'local-timestamp-nanos': (v, _l, path) => isoTimestamp(longOf(v, path), 1_000_000_000, false, path),
  decimal: (v, l, path) => decimalText(bytesOf(v, path), l.scale ?? 0),
  uuid: (v, _l, path) => (typeof v === 'string' ? v : uuidText(bytesOf(v, path))),
  duration: (v, _l, path) => {
    const b = bytesOf(v, path);
    return `${b.readUInt32LE(0)} months ${b.readUInt32LE(4)} days ${b.readUInt32LE(8)} milliseconds`;
  },
};

function toRow(node: AvroNode, value: unknown, path: string): AvroRowValue {
  if ('logical' in node && node.logical !== undefined) return BY_LOGICAL[node.logical.name](value, node.logical, path);
  return (BY_KIND[node.kind] as KindConverter<AvroNodeKind>)(node as never, value, path);
}

function unionValue(node: AvroUnionNode, value: unknown, path: string): AvroRowValue {
  if (value === null || value === undefined) {
    if (node.branches.some((b) => b.kind === 'null')) return null;
    return bad(path, 'a non-null union value', value);
  }
  const shape = avroUnionShape(node);
  if (shape.kind === 'single') return toRow(shape.branch, value, path);
  if (isWrapped(node)) {
    // an ambiguous union's value is wrapped as in Avro's JSON encoding: {"<branch name>": value}
    const entries = isPlainObject(value) ? Object.entries(value) : [];
    const entry = entries.length === 1 ? entries[0] : undefined;
    const branch = entry === undefined ? undefined : node.branches.find((b) => branchName(b) === entry[0]);
    if (entry === undefined || branch === undefined) return bad(path, `a wrapped union value {"<branch>": value} for ${unionLabel(node)}`, value);
    return toRow(branch, entry[1], path);
  }
  const branch = node.branches.find((b) => (UNION_BUCKETS[b.kind] ?? b.kind) === bucketOf(value));
  return branch === undefined ? bad(path, unionLabel(node), value) : toRow(branch, value, path);
}

function isWrapped(node: AvroUnionNode): boolean {
  const buckets = node.branches.map((b) => UNION_BUCKETS[b.kind] ?? b.kind);
  return new Set(buckets).size !== buckets.length;
}

function branchName(node: AvroNode): string {
  return 'name' in node ? node.name : node.kind;
}

function unionLabel(node: AvroUnionNode): string {
  return `one of union [${node.branches.map(branchName).join(', ')}]`;
}

function bucketOf(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'bigint') return 'number';
  if (Buffer.isBuffer(value)) return 'buffer';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function longValue(value: unknown, path: string): AvroRowValue {
  if (!isAvroLong(value)) return bad(path, 'long', value);
  return typeof value === 'bigint' ? (Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()) : value;
}

function floatValue(value: unknown, path: string): AvroRowValue {
  if (typeof value !== 'number') return bad(path, 'number', value);
  return Number.isFinite(value) ? value : String(value);
}

function intOf(value: unknown, path: string): number {
  return typeof value === 'number' && Number.isInteger(value) ? value : bad(path, 'int', value);
}

function longOf(value: unknown, path: string): number | bigint {
  return isAvroLong(value) ? value : bad(path, 'long', value);
}

function bytesOf(value: unknown, path: string): Buffer {
  return Buffer.isBuffer(value) ? value : value instanceof Uint8Array ? Buffer.from(value) : bad(path, 'bytes', value);
}

const DAY_MS = 86_400_000;

function isoDate(days: number, path: string): string {
  return isoOf(days * DAY_MS, path).slice(0, 10);
}

/** `HH:MM:SS.fff` (perSecond 1000) or `HH:MM:SS.ffffff` (1e6) from a count since midnight. */
function timeOfDay(value: number | bigint, perSecond: number, path: string): string {
  const v = Number(value);
  const unitsPerDay = 86_400 * perSecond;
  if (v < 0 || v >= unitsPerDay) return bad(path, 'a time of day', value);
  const seconds = Math.floor(v / perSecond);
  const fraction = String(v - seconds * perSecond).padStart(String(perSecond).length - 1, '0');
  const hh = String(Math.floor(seconds / 3600)).padStart(2, '0');
  const mm = String(Math.floor(seconds / 60) % 60).padStart(2, '0');
  const ss = String(seconds % 60).padStart(2, '0');
  return `${hh}:${mm}:${ss}.${fraction}`;
}

/** ISO 8601 with all the precision of the unit (perSecond 1e3, 1e6 or 1e9) since the epoch. */
function isoTimestamp(value: number | bigint, perSecond: number, utc: boolean, path: string): string {
  const perMs = perSecond / 1000;
  let ms: number;
  let sub: number;
  if (typeof value === 'number' && Number.isSafeInteger(value)) {
    ms = Math.floor(value / perMs);
    sub = value - ms * perMs;
  } else {
    const big = BigInt(value);
    const div = BigInt(perMs);
    let q = big / div;
    if (big % div < 0n) q -= 1n;
    ms = Number(q);
    sub = Number(big - q * div);
  }
  const iso = isoOf(ms, path).slice(0, -1);
  const digits = perMs === 1 ? '' : String(sub).padStart(String(perMs).length - 1, '0');
  return `${iso}${digits}${utc ? 'Z' : ''}`;
}

function isoOf(ms: number, path: string): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? bad(path, 'a date within ±275,000 years', ms) : date.toISOString();
}

/** A two's-complement big-endian unscaled integer as exact decimal text. */
function decimalText(bytes: Buffer, scale: number): string {
  let unscaled = bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString('hex')}`);
  if (bytes.length > 0 && (bytes[0] as number) & 0x80) unscaled -= 1n << BigInt(bytes.length * 8);
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const whole = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${whole}` : whole;
}

function uuidText(bytes: Buffer): string {
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

function bad(path: string, expected: string, value: unknown): never {
  const shown = typeof value === 'bigint' ? `${value}n` : Buffer.isBuffer(value) ? `${value.length} bytes` : (JSON.stringify(value) ?? String(value));
  throw mismatch(path, `expected ${expected}, got ${shown.length > 80 ? `${shown.slice(0, 77)}...` : shown}`);
}

function mismatch(path: string, detail: string): ValidationError {
  const where = path === '' ? 'record' : `field "${path}"`;
  return new ValidationError(AvroErrorCode.invalidRecord, `cannot convert Avro ${where} to a row: ${detail}; the record does not match its schema`, {
    fields: { path },
  });
}
