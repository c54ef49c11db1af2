import avsc from 'avsc';
import { AVRO_LONG_TYPE } from './avro-long-type.ts';

type ForSchemaOptions = Parameters<typeof avsc.Type.forSchema>[1];

const baseGetIndex = (avsc.types.UnwrappedUnionType.prototype as unknown as { _getIndex(value: unknown): number | undefined })._getIndex;

/**
 * avsc's unwrapped union picks a branch by the JavaScript type of the value; a bigint has no
 * bucket of its own, so it is sent to the union's numeric branch (which then validates it).
 */
class BigIntAwareUnion extends avsc.types.UnwrappedUnionType {
  _getIndex(value: unknown): number | undefined {
    if (typeof value === 'bigint') return (this as unknown as { _bucketIndices: Record<string, number | undefined> })._bucketIndices.number;
    return baseGetIndex.call(this, value);
  }
}

/**
 * avsc's grouping of union branches by JavaScript representation: an unwrapped union cannot
 * hold two branches of one bucket, so such a union is "ambiguous" and gets wrapped values.
 * Keyed by avsc type name, which is the schema's type name (`error` is a record).
 */
export const UNION_BUCKETS: Record<string, string> = {
  int: 'number',
  long: 'number',
  float: 'number',
  double: 'number',
  bytes: 'buffer',
  fixed: 'buffer',
  string: 'string',
  enum: 'string',
  record: 'object',
  error: 'object',
  map: 'object',
};

function isAmbiguous(types: avsc.Type[]): boolean {
  const seen = new Set<string>();
  for (const t of types) {
    const bucket = UNION_BUCKETS[t.typeName] ?? t.typeName;
    if (seen.has(bucket)) return true;
    seen.add(bucket);
  }
  return false;
}

/** The slice of avsc's internal `Tap` that the guarded readers use. */
interface TapLike {
  buf: Buffer;
  pos: number;
  readLong(): number;
  skipLong(): void;
  readString(): string;
}

interface Readable {
  _read(tap: TapLike): unknown;
}

// More zero-byte items than this in one array block, beyond what the bytes could hold, is corrupt.
const MAX_ZERO_SIZE_ITEMS = 1 << 24;

function blockCount(tap: TapLike): number {
  const n = tap.readLong();
  if (n >= 0) return n;
  tap.skipLong(); // a negative count is followed by the block's byte size
  return -n;
}

/**
 * avsc's array reader trusts the item count: a corrupt count makes it loop (and allocate)
 * billions of times past the end of the data. This one stops once the data has run out and
 * refuses counts the remaining bytes cannot hold. `_read` is shared with avsc's resolvers,
 * which call it with themselves as `this` (same `itemsType` slot).
 */
class GuardedArrayType extends avsc.types.ArrayType {
  _read(tap: TapLike): unknown[] {
    const items = (this as unknown as { itemsType: Readable }).itemsType;
    const out: unknown[] = [];
    let n: number;
    while ((n = blockCount(tap))) {
      if (n > tap.buf.length - tap.pos && n > MAX_ZERO_SIZE_ITEMS) {
        throw new Error(`array block of ${n} items cannot fit in the ${tap.buf.length - tap.pos} bytes left`);
      }
      while (n--) {
        out.push(items._read(tap));
        if (tap.pos > tap.buf.length) return out; // truncated: the caller reports it
      }
    }
    return out;
  }
}

/** Map counterpart of `GuardedArrayType`; every entry has a key, so it needs at least a byte. */
class GuardedMapType extends avsc.types.MapType {
  _read(tap: TapLike): Record<string, unknown> {
    const values = (this as unknown as { valuesType: Readable }).valuesType;
    const out: Record<string, unknown> = {};
    let n: number;
    while ((n = blockCount(tap))) {
      if (n > tap.buf.length - tap.pos) throw new Error(`map block of ${n} entries cannot fit in the ${tap.buf.length - tap.pos} bytes left`);
      while (n--) {
        const key = tap.readString();
        const value = values._read(tap);
        // a "__proto__" key must stay data, not replace the object's prototype
        if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
        else out[key] = value;
        if (tap.pos > tap.buf.length) return out;
      }
    }
    return out;
  }
}

function typeHook(schema: unknown, opts: ForSchemaOptions): avsc.Type | undefined {
  const type = typeof schema === 'object' && schema !== null ? (schema as { type?: unknown }).type : undefined;
  if (schema === 'long' || type === 'long') return AVRO_LONG_TYPE;
  if (type === 'array') return new GuardedArrayType(schema as avsc.schema.AvroSchema, opts);
  if (type === 'map') return new GuardedMapType(schema as avsc.schema.AvroSchema, opts);
  if (Array.isArray(schema) && schema.length > 0) {
    const branches = schema.map((s) => avsc.Type.forSchema(s as avsc.schema.AvroSchema, opts));
    // avsc's union constructors accept built types; its typings only admit schemas
    const built = branches as unknown as avsc.schema.AvroSchema;
    return isAmbiguous(branches) ? new avsc.types.WrappedUnionType(built, opts) : new BigIntAwareUnion(built, opts);
  }
  return undefined;
}

/**
 * Builds the avsc type of a schema with lakestack's value conventions:
 * - `long` decodes to a number when safe and a bigint otherwise (see `avro-long-type.ts`);
 * - unions are unwrapped (`null`, `42`, `"x"`) unless two branches share a JavaScript
 *   representation (e.g. `["int","long"]`, two records), in which case values are wrapped as
 *   in Avro's JSON encoding (`{"long": 42}`) — avsc's `wrapUnions: "auto"`;
 * - records are plain data objects (no avsc helper methods on their prototype);
 * - logical types are not interpreted: values stay in their underlying type (see
 *   `avroRecordToRow` for the conversion to column values).
 * Throws avsc's own `Error` on an invalid schema; callers translate it.
 */
export function createAvscType(schema: unknown): avsc.Type {
  return avsc.Type.forSchema(schema as avsc.schema.AvroSchema, { typeHook, omitRecordMethods: true, registry: {} });
}
