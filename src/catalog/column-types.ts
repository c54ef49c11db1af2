/**
 * Column types as the catalog stores them. Scalar names are DuckLake v1.0's type names
 * (`int64`, `varchar`, `timestamptz`, …) so the catalog stays readable by DuckDB's `ducklake`
 * extension; nested types are trees, stored by the adapters as parent/child column rows.
 */
export const SCALAR_TYPES = [
  'boolean',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'float32',
  'float64',
  'date',
  'time',
  'timestamp',
  'timestamptz',
  'timestamp_ms',
  'timestamp_ns',
  'interval',
  'varchar',
  'blob',
  'uuid',
  'json',
] as const;

export type ScalarTypeName = (typeof SCALAR_TYPES)[number];

export type ColumnType =
  | { kind: ScalarTypeName }
  | { kind: 'decimal'; precision: number; scale: number }
  | { kind: 'struct'; fields: ColumnSpec[] }
  | { kind: 'list'; element: ColumnType }
  | { kind: 'map'; key: ColumnType; value: ColumnType };

/** A column as declared: name, type, nullability and an optional description. */
export interface ColumnSpec {
  name: string;
  type: ColumnType;
  nullable: boolean;
  doc?: string;
}

/** DuckDB SQL spelling of a column type, e.g. `STRUCT("a" VARCHAR, "b" BIGINT[])`. */
export function duckDbTypeOf(type: ColumnType): string {
  switch (type.kind) {
    case 'decimal':
      return `DECIMAL(${type.precision},${type.scale})`;
    case 'struct':
      return `STRUCT(${type.fields.map((f) => `${quoteIdent(f.name)} ${duckDbTypeOf(f.type)}`).join(', ')})`;
    case 'list':
      return `${duckDbTypeOf(type.element)}[]`;
    case 'map':
      return `MAP(${duckDbTypeOf(type.key)}, ${duckDbTypeOf(type.value)})`;
    default:
      return DUCKDB_SCALAR[type.kind];
  }
}

const DUCKDB_SCALAR: Record<ScalarTypeName, string> = {
  boolean: 'BOOLEAN',
  int8: 'TINYINT',
  int16: 'SMALLINT',
  int32: 'INTEGER',
  int64: 'BIGINT',
  uint8: 'UTINYINT',
  uint16: 'USMALLINT',
  uint32: 'UINTEGER',
  uint64: 'UBIGINT',
  float32: 'FLOAT',
  float64: 'DOUBLE',
  date: 'DATE',
  time: 'TIME',
  timestamp: 'TIMESTAMP',
  timestamptz: 'TIMESTAMPTZ',
  timestamp_ms: 'TIMESTAMP_MS',
  timestamp_ns: 'TIMESTAMP_NS',
  interval: 'INTERVAL',
  varchar: 'VARCHAR',
  blob: 'BLOB',
  uuid: 'UUID',
  json: 'JSON',
};

/** Short readable spelling for CLI output and messages, e.g. `list<struct<a:int64>>`. */
export function formatColumnType(type: ColumnType): string {
  switch (type.kind) {
    case 'decimal':
      return `decimal(${type.precision},${type.scale})`;
    case 'struct':
      return `struct<${type.fields.map((f) => `${f.name}:${formatColumnType(f.type)}`).join(',')}>`;
    case 'list':
      return `list<${formatColumnType(type.element)}>`;
    case 'map':
      return `map<${formatColumnType(type.key)},${formatColumnType(type.value)}>`;
    default:
      return type.kind;
  }
}

/** Double-quotes an identifier for DuckDB / SQLite / PostgreSQL. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
