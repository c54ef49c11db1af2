import avsc from 'avsc';

/** The slice of avsc's internal `Tap` (a cursor over a buffer) that the long type uses. */
interface TapLike {
  buf: Buffer;
  pos: number;
  readLong(): number;
  writeLong(n: number): void;
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
// avsc's own writeLong is exact up to here (its float path computes -2n-1 for negatives)
const TAP_EXACT = 9007199254740990;
const TWO_POW_28 = 268435456;
const TWO_POW_53 = 9007199254740992;

/** An Avro long as this layer hands it out: a number when it is a safe integer, a bigint otherwise. */
export type AvroLong = number | bigint;

/** True for the values an Avro long accepts: a safe integer number, or a bigint within int64. */
export function isAvroLong(value: unknown): value is AvroLong {
  if (typeof value === 'number') return Number.isSafeInteger(value);
  return typeof value === 'bigint' && value >= INT64_MIN && value <= INT64_MAX;
}

/**
 * Reads a zigzag varint long exactly. Kept free of `this`: avsc's resolvers borrow `_read`
 * unbound. Runs in int32 arithmetic for up to 4 bytes, doubles while the value stays below
 * 2^53 (every microsecond timestamp does), and BigInt only beyond.
 */
function readAvroLong(tap: TapLike): AvroLong {
  const buf = tap.buf;
  const start = tap.pos;
  let pos = start;
  let b = buf[pos++] as number;
  let n = b & 0x7f;
  let shift = 7;
  while (b & 0x80 && shift < 28) {
    b = buf[pos++] as number;
    n |= (b & 0x7f) << shift;
    shift += 7;
  }
  if (!(b & 0x80)) {
    tap.pos = pos;
    return (n >>> 1) ^ -(n & 1);
  }
  let f = n;
  let scale = TWO_POW_28;
  do {
    b = buf[pos++] as number;
    f += (b & 0x7f) * scale;
    scale *= 128;
  } while (b & 0x80 && scale <= TWO_POW_53);
  if (!(b & 0x80) && f < TWO_POW_53) {
    tap.pos = pos;
    return f % 2 ? -(f + 1) / 2 : f / 2;
  }
  return readBigLong(tap, start);
}

function readBigLong(tap: TapLike, start: number): AvroLong {
  const buf = tap.buf;
  let pos = start;
  let z = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    const b = buf[pos++];
    if (b === undefined) {
      // past the end: leave the tap invalid so the caller reports a truncated buffer
      tap.pos = buf.length + 1;
      return 0;
    }
    z |= BigInt(b & 0x7f) << shift;
    shift += 7n;
    if (!(b & 0x80)) {
      tap.pos = pos;
      z = BigInt.asUintN(64, z);
      const v = (z >> 1n) ^ -(z & 1n);
      return v >= MIN_SAFE && v <= MAX_SAFE ? Number(v) : v;
    }
  }
  throw new Error('invalid long: varint longer than 10 bytes');
}

function writeBigLong(tap: TapLike, value: bigint): void {
  const buf = tap.buf;
  let pos = tap.pos;
  let z = BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
  while (z >= 0x80n) {
    // writes past the end are dropped by Buffer; avsc then grows the buffer and retries
    buf[pos++] = Number(z & 0x7fn) | 0x80;
    z >>= 7n;
  }
  buf[pos++] = Number(z);
  tap.pos = pos;
}

function invalid(value: unknown): Error {
  const shown = typeof value === 'bigint' ? `${value}n` : JSON.stringify(value);
  return new Error(`invalid "long": ${shown}`);
}

/**
 * Avro `long` without precision loss: decodes to a number when the value is a safe integer
 * and to a bigint otherwise; encodes numbers (safe integers) and bigints (int64 range).
 *
 * Why a subclass of avsc's `LongType` rather than `LongType.__with`: the `__with` abstract long
 * unpacks every value through an 8-byte buffer (slow on the CDC hot path) and is a "dynamic"
 * union branch, so a union holding `int` and `long` throws "ambiguous conversion" on write.
 * Keeping the type name `long` keeps avsc's union, resolution and promotion logic intact.
 * Relies on avsc 5 internals (`_read`, `_write`, `_check`, `Tap`); pinned by the unit tests.
 */
class SafeLongType extends avsc.types.LongType {
  _check(value: unknown, _flags: unknown, hook?: (value: unknown, type: unknown) => void): boolean {
    const ok = isAvroLong(value);
    if (!ok && hook) hook(value, this);
    return ok;
  }

  _read(tap: TapLike): AvroLong {
    return readAvroLong(tap);
  }

  _write(tap: TapLike, value: unknown): void {
    if (typeof value === 'number') {
      if (value >= -TAP_EXACT && value <= TAP_EXACT && Number.isInteger(value)) tap.writeLong(value);
      else if (Number.isSafeInteger(value)) writeBigLong(tap, BigInt(value));
      else throw invalid(value);
    } else if (typeof value === 'bigint' && value >= INT64_MIN && value <= INT64_MAX) {
      if (value >= -TAP_EXACT && value <= TAP_EXACT) tap.writeLong(Number(value));
      else writeBigLong(tap, value);
    } else {
      throw invalid(value);
    }
  }

  override compare(a: AvroLong, b: AvroLong): number {
    return a < b ? -1 : a > b ? 1 : 0;
  }
}

/** The shared long type every parsed schema uses (avsc types are immutable, so one suffices). */
export const AVRO_LONG_TYPE: avsc.Type = new SafeLongType();
