import type { JsonValue, QuerySession } from '../../query/query-engine.ts';
import { quoteIdent, type ColumnSpec } from '../column-types.ts';
import { columnTypeOfDuckDb } from './duckdb-column-type.ts';

/** Source file formats the crawler reads. */
export type SourceFormat = 'parquet' | 'csv' | 'jsonl';

/** What one file holds: its columns and how many rows were read. */
export interface FileSchema {
  columns: ColumnSpec[];
  rowCount: number;
  /**
   * CSV / JSON columns without a single non-null value: their type is only DuckDB's fallback
   * guess (`varchar`), so merging should not let it widen the other files' type.
   */
  untyped: string[];
}

/** The DuckDB table function reading `path` in `format`, every row (no sampling). */
export function sourceReader(path: string, format: SourceFormat): string {
  switch (format) {
    case 'parquet':
      return `read_parquet(${sqlString(path)})`;
    case 'csv':
      // sample_size=-1: types come from every row, so a late "1.5" cannot break an int column
      return `read_csv(${sqlString(path)}, auto_detect = true, sample_size = -1)`;
    case 'jsonl':
      return `read_json(${sqlString(path)}, format = 'newline_delimited', sample_size = -1)`;
  }
}

/**
 * Infers the catalog columns of one local file with DuckDB. Types come from DuckDB's detection
 * (`DESCRIBE`), mapped by `columnTypeOfDuckDb`. A top-level column is non-null only when the
 * file has rows and none of them is null there: Parquet answers from its schema (`REQUIRED`)
 * or its row-group null counts, otherwise the nulls are counted. Fields inside nested values
 * are always nullable. CSV / JSON columns that are null in every row are listed as `untyped`.
 * Errors: `ValidationError` (unreadable file, unsupported type).
 */
export async function inferFileSchema(session: QuerySession, path: string, format: SourceFormat): Promise<FileSchema> {
  const reader = sourceReader(path, format);
  const described = await session.all(`DESCRIBE SELECT * FROM ${reader}`);
  const columns = described.map((row) => ({ name: String(row.column_name), type: columnTypeOfDuckDb(String(row.column_type)), nullable: true }));
  if (columns.length === 0) return { columns, rowCount: 0, untyped: [] };
  const known = format === 'parquet' ? await parquetNonNull(session, path) : new Set<string>();
  const unknown = columns.filter((c) => !known.has(c.name));
  const counts = await session.all(`SELECT count(*) AS "rows"${unknown.map((c, i) => `, count(*) - count(${quoteIdent(c.name)}) AS "n${i}"`).join('')} FROM ${reader}`);
  const row = counts[0] ?? {};
  const rowCount = toCount(row.rows);
  const nulls = new Map(unknown.map((c, i) => [c.name, toCount(row[`n${i}`])]));
  for (const column of columns) column.nullable = rowCount === 0 || (nulls.get(column.name) ?? 0) > 0;
  const untyped = format === 'parquet' ? [] : columns.filter((c) => nulls.get(c.name) === rowCount).map((c) => c.name);
  return { columns, rowCount, untyped };
}

/** Top-level Parquet columns known to hold no null: declared REQUIRED, or leaf columns with zero nulls in every row group's statistics. */
async function parquetNonNull(session: QuerySession, path: string): Promise<Set<string>> {
  const nonNull = new Set<string>();
  const schema = await session.all(`SELECT name, repetition_type, num_children FROM parquet_schema(${sqlString(path)})`);
  // the first row is the root; its direct children are the columns (skip each child's subtree)
  let i = 1;
  while (i < schema.length) {
    const entry = schema[i] ?? {};
    if (entry.repetition_type === 'REQUIRED') nonNull.add(String(entry.name));
    i += subtreeSize(schema, i);
  }
  const stats = await session.all(
    `SELECT path_in_schema AS p, bool_and(stats_null_count IS NOT NULL) AS complete, sum(stats_null_count) AS nulls, sum(row_group_num_rows) AS r ` +
      `FROM parquet_metadata(${sqlString(path)}) GROUP BY path_in_schema`,
  );
  for (const s of stats) {
    if (s.complete === true && toCount(s.nulls) === 0 && toCount(s.r) > 0 && !String(s.p).includes(', ')) nonNull.add(String(s.p));
  }
  return nonNull;
}

function subtreeSize(schema: Record<string, JsonValue>[], at: number): number {
  let size = 1;
  const children = toCount(schema[at]?.num_children ?? 0);
  for (let c = 0; c < children; c += 1) size += subtreeSize(schema, at + size);
  return size;
}

function toCount(value: JsonValue | undefined): number {
  return Number(value ?? 0);
}

/** A SQL string literal (local: the catalog layer takes only types from the query layer). */
function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
