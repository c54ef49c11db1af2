import type { AvroLong } from '../../formats/avro/index.ts';
import { encodeAvroDecimal } from './avro-decimal.ts';
import { DynamoNumber } from './dynamo-number.ts';
import { parseIsoDateDays, parseIsoTimestampMicros } from './iso-time.ts';

/** Why a value does not fit: `fields.problem` of a conform error. */
export type ConformProblem = 'missing' | 'type' | 'range' | 'integral' | 'precision' | 'format';

/**
 * A value that does not fit its schema. Not an Error: union branches are tried by catching these,
 * and a stack trace per failed try would be waste. `conformToAvro` turns it into a ValidationError.
 */
export class Mismatch {
  constructor(
    readonly path: string,
    readonly problem: ConformProblem,
    readonly detail: string,
    readonly found: unknown,
  ) {}
}

/** Conversion context: `strict` turns off cross-type coercions (numbers as strings, numeric strings as decimals). */
export interface ConformContext {
  dropped: string[];
  strict: boolean;
}

const INT_MIN = -(2n ** 31n);
const INT_MAX = 2n ** 31n - 1n;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const FLOAT_MAX = 3.4028234663852886e38;

function isNumeric(value: unknown): value is DynamoNumber | number | bigint {
  return value instanceof DynamoNumber || typeof value === 'number' || typeof value === 'bigint';
}

/** A JS number or bigint as an exact DynamoNumber, or undefined when it has no exact decimal. */
function exactNumber(value: DynamoNumber | number | bigint): DynamoNumber | undefined {
  if (value instanceof DynamoNumber) return value;
  if (typeof value === 'number' && !Number.isFinite(value)) return undefined;
  const text = String(value);
  return DynamoNumber.invalidReason(text) === undefined ? new DynamoNumber(text) : undefined;
}

function integer(value: unknown, path: string, label: string): bigint {
  if (!isNumeric(value)) throw new Mismatch(path, 'type', `${label} needs a number`, value);
  const n = exactNumber(value);
  if (n === undefined) throw new Mismatch(path, 'range', `${label}: the value is not finite or has over 38 digits`, value);
  if (!n.isInteger) throw new Mismatch(path, 'integral', `${label} needs an integer, not a number with a fractional part`, value);
  return n.toBigInt();
}

function inRange(n: bigint, min: bigint, max: bigint, path: string, label: string, found: unknown): bigint {
  if (n < min || n > max) throw new Mismatch(path, 'range', `${label} holds ${min} to ${max}`, found);
  return n;
}

/** A 64-bit value as the Avro layer represents longs: a number when safe, else a bigint. */
export function toAvroLong(n: bigint): AvroLong {
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

// plain integer text of up to 15 digits: a safe integer, converted without BigInt
const SHORT_INTEGER = /^-?\d{1,15}$/;

/** Avro int from an integral number in 32-bit range. */
export function conformInt(value: unknown, path: string): number {
  if (value instanceof DynamoNumber && SHORT_INTEGER.test(value.text)) {
    const n = Number(value.text);
    if (n >= -2147483648 && n <= 2147483647) return n;
  }
  return Number(inRange(integer(value, path, 'int'), INT_MIN, INT_MAX, path, 'int', value));
}

/** Avro long from an integral number in 64-bit range: a number when safe, else a bigint. */
export function conformLong(value: unknown, path: string): AvroLong {
  if (value instanceof DynamoNumber && SHORT_INTEGER.test(value.text)) return Number(value.text);
  return toAvroLong(inRange(integer(value, path, 'long'), LONG_MIN, LONG_MAX, path, 'long', value));
}

/** Avro float/double from any number (the nearest double); float also checks its range. */
export function conformFloating(value: unknown, path: string, kind: 'float' | 'double'): number {
  if (!isNumeric(value)) throw new Mismatch(path, 'type', `${kind} needs a number`, value);
  const n = value instanceof DynamoNumber ? value.toNumber() : Number(value);
  if (!Number.isFinite(n) || (kind === 'float' && Math.abs(n) > FLOAT_MAX)) {
    throw new Mismatch(path, 'range', `${kind} cannot hold this value`, value);
  }
  return n;
}

/** Avro string from a string, or (unless strict) a number's exact text. */
export function conformString(value: unknown, path: string, ctx: ConformContext): string {
  if (typeof value === 'string') return value;
  if (!ctx.strict && isNumeric(value)) return value instanceof DynamoNumber ? value.text : String(value);
  throw new Mismatch(path, 'type', 'string needs a string (or a number)', value);
}

/** Avro bytes, or fixed of `size` bytes, from binary. */
export function conformBytes(value: unknown, path: string, size?: number): Buffer {
  if (!(value instanceof Uint8Array)) throw new Mismatch(path, 'type', `${size === undefined ? 'bytes' : `fixed(${size})`} needs binary (B)`, value);
  if (size !== undefined && value.length !== size) throw new Mismatch(path, 'format', `fixed(${size}) needs exactly ${size} bytes, not ${value.length}`, value);
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/** Avro decimal (on bytes, or on fixed when `size` is given) from an exact number or numeric string. */
export function conformDecimal(value: unknown, path: string, ctx: ConformContext, precision: number, scale: number, size?: number): Buffer {
  const label = `decimal(${precision},${scale})`;
  let n: DynamoNumber | undefined;
  if (isNumeric(value)) n = exactNumber(value);
  else if (typeof value === 'string' && !ctx.strict) {
    const reason = DynamoNumber.invalidReason(value);
    if (reason !== undefined) throw new Mismatch(path, 'format', `${label} needs a decimal number; the string ${reason}`, value);
    n = new DynamoNumber(value);
  } else {
    throw new Mismatch(path, 'type', `${label} needs a number`, value);
  }
  if (n === undefined) throw new Mismatch(path, 'range', `${label}: the value is not finite or has over 38 digits`, value);
  if (n.scale > scale) throw new Mismatch(path, 'precision', `${label} keeps ${scale} fractional digits, the value has ${n.scale}`, value);
  const unscaled = n.toScaled(scale);
  const limit = 10n ** BigInt(precision);
  const bytes = unscaled > -limit && unscaled < limit ? encodeAvroDecimal(unscaled, size) : undefined;
  if (bytes === undefined) throw new Mismatch(path, 'range', `${label} holds at most ${precision - scale} integer digits`, value);
  return bytes;
}

/**
 * timestamp-millis / timestamp-micros from an ISO-8601 string, a Date, or a number of epoch
 * MILLISECONDS (fractions allowed down to the microsecond for timestamp-micros).
 */
export function conformTimestamp(value: unknown, path: string, unit: 'millis' | 'micros'): AvroLong {
  const label = `timestamp-${unit}`;
  let micros: bigint;
  if (typeof value === 'string') {
    const parsed = parseIsoTimestampMicros(value);
    if (typeof parsed === 'string') throw new Mismatch(path, 'format', `${label}: the string ${parsed}`, value);
    micros = parsed;
  } else if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new Mismatch(path, 'format', `${label}: invalid Date`, value);
    micros = BigInt(value.getTime()) * 1000n;
  } else if (isNumeric(value)) {
    const n = exactNumber(value);
    if (n === undefined) throw new Mismatch(path, 'range', `${label} needs finite epoch milliseconds`, value);
    const fractionDigits = unit === 'millis' ? 0 : 3;
    if (n.scale > fractionDigits) {
      const problem = unit === 'millis' ? 'integral' : 'precision';
      throw new Mismatch(path, problem, `${label} from a number needs whole epoch ${unit === 'millis' ? 'milliseconds' : 'microseconds'}`, value);
    }
    if (unit === 'millis' && SHORT_INTEGER.test(n.text)) return Number(n.text);
    micros = n.toScaled(3);
  } else {
    throw new Mismatch(path, 'type', `${label} needs an ISO-8601 string or epoch milliseconds`, value);
  }
  const result = unit === 'micros' ? micros : micros >= 0n ? micros / 1000n : -((-micros + 999n) / 1000n);
  return toAvroLong(inRange(result, LONG_MIN, LONG_MAX, path, label, value));
}

/** Avro `date` (days since 1970-01-01) from a `YYYY-MM-DD` string. */
export function conformDate(value: unknown, path: string): number {
  if (typeof value !== 'string') throw new Mismatch(path, 'type', 'date needs a YYYY-MM-DD string', value);
  const days = parseIsoDateDays(value);
  if (typeof days === 'string') throw new Mismatch(path, 'format', `date: the string ${days}`, value);
  return days;
}
