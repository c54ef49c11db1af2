import type { ColumnSpec, ColumnType } from '../../catalog/column-types.ts';
import { invalidSchemaError } from './avro-errors.ts';
import type { AvroSchema } from './avro-schema.ts';
import type { AvroLogical, AvroLogicalTypeName, AvroNode, AvroNodeKind, AvroRecordNode, AvroUnionNode } from './avro-schema-tree.ts';

/** A column type plus whether the Avro type admits null. */
export interface AvroColumnShape {
  type: ColumnType;
  nullable: boolean;
}

/** DuckDB's widest DECIMAL; wider Avro decimals become `varchar` (the exact digits as text). */
export const MAX_DECIMAL_PRECISION = 38;

const JSON_TYPE: ColumnType = { kind: 'json' };

/**
 * How a union maps: `[null, X]` (either order) and `[X]` are X, nullable when null is a branch;
 * any other union (`["int","string"]`, two records, …) is one `json` column holding the value
 * of whichever branch was written, converted as that branch would be (see `avroRecordToRow`).
 */
export type AvroUnionShape = { kind: 'single'; branch: AvroNode; nullable: boolean } | { kind: 'json'; nullable: boolean };

/** Classifies a union the way `avroToColumns` and `avroRecordToRow` both treat it. */
export function avroUnionShape(node: AvroUnionNode): AvroUnionShape {
  const nonNull = node.branches.filter((b) => b.kind !== 'null');
  const nullable = nonNull.length !== node.branches.length;
  const only = nonNull[0];
  return nonNull.length === 1 && only !== undefined ? { kind: 'single', branch: only, nullable } : { kind: 'json', nullable };
}

type KindMapper<K extends AvroNodeKind> = (node: Extract<AvroNode, { kind: K }>, open: Set<AvroRecordNode>) => AvroColumnShape;

const scalar = (kind: Extract<ColumnType, { kind: string }>['kind']): AvroColumnShape => ({ type: { kind } as ColumnType, nullable: false });

/**
 * Avro type -> catalog column type. Exhaustive: a new Avro kind does not compile until mapped.
 * | null -> json (nullable, always null) | boolean -> boolean | int -> int32 | long -> int64 |
 * | float -> float32 | double -> float64 | bytes -> blob | string -> varchar | enum -> varchar |
 * | fixed -> blob | array -> list | map -> map<varchar, …> | record -> struct |
 * | union -> see `avroUnionShape` | a record inside itself (recursion) -> json |
 */
const BY_KIND: { [K in AvroNodeKind]: KindMapper<K> } = {
  null: () => ({ type: JSON_TYPE, nullable: true }),
  boolean: () => scalar('boolean'),
  int: () => scalar('int32'),
  long: () => scalar('int64'),
  float: () => scalar('float32'),
  double: () => scalar('float64'),
  bytes: () => scalar('blob'),
  string: () => scalar('varchar'),
  enum: () => scalar('varchar'),
  fixed: () => scalar('blob'),
  array: (node, open) => ({ type: { kind: 'list', element: shapeOf(node.items, open).type }, nullable: false }),
  map: (node, open) => ({ type: { kind: 'map', key: { kind: 'varchar' }, value: shapeOf(node.values, open).type }, nullable: false }),
  record: (node, open) => {
    // a struct cannot contain itself: the recursive reference is stored as JSON
    if (open.has(node)) return { type: JSON_TYPE, nullable: false };
    open.add(node);
    const fields = node.fields.map((f) => columnOf(f.name, f.type, f.doc, open));
    open.delete(node);
    return { type: { kind: 'struct', fields }, nullable: false };
  },
  union: (node, open) => {
    const shape = avroUnionShape(node);
    if (shape.kind === 'json') return { type: JSON_TYPE, nullable: shape.nullable };
    const inner = shapeOf(shape.branch, open);
    return { type: inner.type, nullable: shape.nullable || inner.nullable };
  },
};

/**
 * Avro logical type -> catalog column type. Exhaustive like `BY_KIND`.
 * Instants (`timestamp-*`) are UTC and map to `timestamptz`, except nanoseconds: DuckDB has no
 * nanosecond TIMESTAMPTZ, so `timestamp-nanos` is `timestamp_ns` holding UTC wall-clock time.
 */
const BY_LOGICAL: Record<AvroLogicalTypeName, (logical: AvroLogical) => ColumnType> = {
  date: () => ({ kind: 'date' }),
  'time-millis': () => ({ kind: 'time' }),
  'time-micros': () => ({ kind: 'time' }),
  'timestamp-millis': () => ({ kind: 'timestamptz' }),
  'timestamp-micros': () => ({ kind: 'timestamptz' }),
  'timestamp-nanos': () => ({ kind: 'timestamp_ns' }),
  'local-timestamp-millis': () => ({ kind: 'timestamp' }),
  'local-timestamp-micros': () => ({ kind: 'timestamp' }),
  'local-timestamp-nanos': () => ({ kind: 'timestamp_ns' }),
  decimal: ({ precision = 1, scale = 0 }) => (precision <= MAX_DECIMAL_PRECISION ? { kind: 'decimal', precision, scale } : { kind: 'varchar' }),
  uuid: () => ({ kind: 'uuid' }),
  duration: () => ({ kind: 'interval' }),
};

/** Column type and nullability of one Avro type (logical annotations applied). */
export function avroColumnShape(node: AvroNode): AvroColumnShape {
  return shapeOf(node, new Set());
}

function shapeOf(node: AvroNode, open: Set<AvroRecordNode>): AvroColumnShape {
  if ('logical' in node && node.logical !== undefined) return { type: BY_LOGICAL[node.logical.name](node.logical), nullable: false };
  return (BY_KIND[node.kind] as KindMapper<AvroNodeKind>)(node as never, open);
}

function columnOf(name: string, node: AvroNode, doc: string | undefined, open: Set<AvroRecordNode>): ColumnSpec {
  const { type, nullable } = shapeOf(node, open);
  return doc === undefined ? { name, type, nullable } : { name, type, nullable, doc };
}

/**
 * Catalog columns of a record schema: one per field, in field order, with the field's doc.
 * @throws ValidationError `AVRO_INVALID_SCHEMA` when the schema is not a record.
 */
export function avroToColumns(schema: AvroSchema): ColumnSpec[] {
  const root = schema.root;
  if (root.kind !== 'record') {
    throw invalidSchemaError(`a table needs a record schema, but this schema is a ${root.kind}`, schema.source);
  }
  const open = new Set<AvroRecordNode>([root]);
  return root.fields.map((f) => columnOf(f.name, f.type, f.doc, open));
}
