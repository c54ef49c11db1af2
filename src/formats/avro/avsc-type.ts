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

function typeHook(schema: unknown, opts: ForSchemaOptions): avsc.Type | undefined {
  if (schema === 'long' || (typeof schema === 'object' && schema !== null && (schema as { type?: unknown }).type === 'long')) {
    return AVRO_LONG_TYPE;
  }
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
