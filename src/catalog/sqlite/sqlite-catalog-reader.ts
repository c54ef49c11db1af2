import { NotFoundError } from '../../errors.ts';
import type { DatabaseInfo, SnapshotInfo, TableFormat, TableInfo } from '../metadata-store.ts';
import type { SqliteCatalogDb } from './sqlite-catalog-db.ts';
import { buildColumns, type ColumnRow } from './sqlite-column-rows.ts';

/** Rows visible at snapshot `@s` (DuckLake: begin inclusive, end exclusive). */
export const VISIBLE = 'begin_snapshot <= @s AND (end_snapshot IS NULL OR end_snapshot > @s)';

interface SnapshotJoinRow {
  snapshot_id: number;
  snapshot_time: string;
  schema_version: number;
  changes_made: string | null;
  author: string | null;
  commit_message: string | null;
}

const SNAPSHOT_SELECT = `SELECT s.snapshot_id, s.snapshot_time, s.schema_version, c.changes_made, c.author, c.commit_message
  FROM ducklake_snapshot s LEFT JOIN ducklake_snapshot_changes c ON c.snapshot_id = s.snapshot_id`;

function toSnapshotInfo(row: SnapshotJoinRow): SnapshotInfo {
  const info: SnapshotInfo = { snapshotId: row.snapshot_id, time: new Date(row.snapshot_time), schemaVersion: row.schema_version, changes: row.changes_made ?? '' };
  if (row.author !== null) info.author = row.author;
  if (row.commit_message !== null) info.message = row.commit_message;
  return info;
}

export function readCurrentSnapshot(cat: SqliteCatalogDb): SnapshotInfo {
  return toSnapshotInfo(cat.stmt<SnapshotJoinRow>(`${SNAPSHOT_SELECT} ORDER BY s.snapshot_id DESC LIMIT 1`).get() as SnapshotJoinRow);
}

export function readSnapshot(cat: SqliteCatalogDb, snapshotId: number): SnapshotInfo | undefined {
  const row = cat.stmt<SnapshotJoinRow>(`${SNAPSHOT_SELECT} WHERE s.snapshot_id = ?`).get(snapshotId);
  return row === undefined ? undefined : toSnapshotInfo(row);
}

export function readSnapshotAsOf(cat: SqliteCatalogDb, time: Date): SnapshotInfo | undefined {
  const row = cat.stmt<SnapshotJoinRow>(`${SNAPSHOT_SELECT} WHERE s.snapshot_time <= ? ORDER BY s.snapshot_id DESC LIMIT 1`).get(time.toISOString());
  return row === undefined ? undefined : toSnapshotInfo(row);
}

export function readSnapshots(cat: SqliteCatalogDb, options: { tableId?: number; limit?: number }): SnapshotInfo[] {
  const limit = options.limit ?? -1;
  const rows =
    options.tableId === undefined
      ? cat.stmt<SnapshotJoinRow>(`${SNAPSHOT_SELECT} ORDER BY s.snapshot_id DESC LIMIT ?`).all(limit)
      : cat
          .stmt<SnapshotJoinRow>(
            `${SNAPSHOT_SELECT} WHERE s.snapshot_id IN (SELECT snapshot_id FROM lakestack_snapshot_table WHERE table_id = ?) ORDER BY s.snapshot_id DESC LIMIT ?`,
          )
          .all(options.tableId, limit);
  return rows.map(toSnapshotInfo);
}

/**
 * The snapshot a read runs at: the given one (which must exist) or the latest.
 * Errors: `NotFoundError` code `SNAPSHOT_NOT_FOUND`.
 */
export function resolveSnapshotId(cat: SqliteCatalogDb, snapshotId: number | undefined): number {
  if (snapshotId === undefined) {
    return (cat.stmt<{ id: number }>('SELECT max(snapshot_id) AS id FROM ducklake_snapshot').get() as { id: number }).id;
  }
  const found = cat.stmt<{ id: number }>('SELECT snapshot_id AS id FROM ducklake_snapshot WHERE snapshot_id = ?').get(snapshotId);
  if (found === undefined) {
    const latest = resolveSnapshotId(cat, undefined);
    throw new NotFoundError('SNAPSHOT_NOT_FOUND', `snapshot ${snapshotId} does not exist in catalog "${cat.path}" (latest is ${latest}); read at an existing snapshot`, {
      fields: { snapshotId, latest },
    });
  }
  return snapshotId;
}

interface SchemaRow {
  schema_id: number;
  schema_name: string;
  begin_snapshot: number;
}

function toDatabaseInfo(cat: SqliteCatalogDb, row: SchemaRow, s: number): DatabaseInfo {
  const tags = cat.stmt<{ key: string; value: string }>(`SELECT key, value FROM ducklake_tag WHERE object_id = @id AND ${VISIBLE} ORDER BY rowid`).all({ id: row.schema_id, s });
  const properties: Record<string, string> = {};
  for (const tag of tags) properties[tag.key] = tag.value;
  return { databaseId: row.schema_id, name: row.schema_name, beginSnapshot: row.begin_snapshot, properties };
}

export function readDatabase(cat: SqliteCatalogDb, name: string, s: number): DatabaseInfo | undefined {
  const row = cat.stmt<SchemaRow>(`SELECT schema_id, schema_name, begin_snapshot FROM ducklake_schema WHERE schema_name = @name AND ${VISIBLE}`).get({ name, s });
  return row === undefined ? undefined : toDatabaseInfo(cat, row, s);
}

export function readDatabases(cat: SqliteCatalogDb, s: number): DatabaseInfo[] {
  const rows = cat.stmt<SchemaRow>(`SELECT schema_id, schema_name, begin_snapshot FROM ducklake_schema WHERE ${VISIBLE} ORDER BY schema_name`).all({ s });
  return rows.map((row) => toDatabaseInfo(cat, row, s));
}

/** A `ducklake_table` row joined with its schema name and lakestack's table record. */
export interface TableRow {
  table_id: number;
  table_uuid: string;
  begin_snapshot: number;
  end_snapshot: number | null;
  schema_id: number;
  schema_name: string;
  table_name: string;
  path: string;
  format: TableFormat;
  table_version: number;
  partition_columns: string;
  properties: string;
}

// Tables another DuckLake writer created have no lakestack_table row: read them with defaults.
const TABLE_SELECT = `SELECT t.table_id, t.table_uuid, t.begin_snapshot, t.end_snapshot, t.schema_id, s.schema_name, t.table_name, t.path,
    coalesce(lt.format, 'parquet') AS format, coalesce(lt.table_version, 1) AS table_version,
    coalesce(lt.partition_columns, '[]') AS partition_columns, coalesce(lt.properties, '{}') AS properties
  FROM ducklake_table t
  JOIN ducklake_schema s ON s.schema_id = t.schema_id
  LEFT JOIN lakestack_table lt ON lt.table_id = t.table_id`;

const TABLE_VISIBLE = 't.begin_snapshot <= @s AND (t.end_snapshot IS NULL OR t.end_snapshot > @s)';

export function readTableRowByName(cat: SqliteCatalogDb, database: string, name: string, s: number): TableRow | undefined {
  return cat.stmt<TableRow>(`${TABLE_SELECT} WHERE s.schema_name = @database AND t.table_name = @name AND ${TABLE_VISIBLE}`).get({ database, name, s });
}

export function readTableRowById(cat: SqliteCatalogDb, tableId: number, s: number): TableRow | undefined {
  return cat.stmt<TableRow>(`${TABLE_SELECT} WHERE t.table_id = @tableId AND ${TABLE_VISIBLE}`).get({ tableId, s });
}

/** The newest row of a table id whatever its state (live or dropped), or undefined if never created. */
export function readAnyTableRow(cat: SqliteCatalogDb, tableId: number): TableRow | undefined {
  return cat.stmt<TableRow>(`${TABLE_SELECT} WHERE t.table_id = ? ORDER BY t.begin_snapshot DESC LIMIT 1`).get(tableId);
}

export function readTableRows(cat: SqliteCatalogDb, database: string | undefined, s: number): TableRow[] {
  if (database === undefined) return cat.stmt<TableRow>(`${TABLE_SELECT} WHERE ${TABLE_VISIBLE} ORDER BY s.schema_name, t.table_name`).all({ s });
  return cat.stmt<TableRow>(`${TABLE_SELECT} WHERE s.schema_name = @database AND ${TABLE_VISIBLE} ORDER BY t.table_name`).all({ database, s });
}

interface ColumnDbRow {
  column_id: number;
  column_order: number;
  column_name: string;
  column_type: string;
  nulls_allowed: number | null;
  parent_column: number | null;
  doc: string | null;
}

/** The `ducklake_column` rows of a table visible at `s`, with their `comment` tags. */
export function readColumnRows(cat: SqliteCatalogDb, tableId: number, s: number): ColumnRow[] {
  const rows = cat
    .stmt<ColumnDbRow>(
      `SELECT c.column_id, c.column_order, c.column_name, c.column_type, c.nulls_allowed, c.parent_column,
         (SELECT g.value FROM ducklake_column_tag g WHERE g.table_id = c.table_id AND g.column_id = c.column_id AND g.key = 'comment'
            AND g.begin_snapshot <= @s AND (g.end_snapshot IS NULL OR g.end_snapshot > @s)) AS doc
       FROM ducklake_column c WHERE c.table_id = @tableId AND c.begin_snapshot <= @s AND (c.end_snapshot IS NULL OR c.end_snapshot > @s)`,
    )
    .all({ tableId, s });
  return rows.map((r) => {
    const row: ColumnRow = {
      columnId: r.column_id,
      columnOrder: r.column_order,
      name: r.column_name,
      type: r.column_type,
      nullable: r.nulls_allowed !== 0,
      parentColumn: r.parent_column,
    };
    if (r.doc !== null) row.doc = r.doc;
    return row;
  });
}

/** The table's schema version at `s`: how many column sets it has had up to then. */
export function readTableSchemaVersion(cat: SqliteCatalogDb, tableId: number, s: number): number {
  const row = cat.stmt<{ n: number }>('SELECT count(*) AS n FROM ducklake_schema_versions WHERE table_id = ? AND begin_snapshot <= ?').get(tableId, s);
  return Math.max(1, row?.n ?? 0);
}

/** The full table description as of snapshot `s`. */
export function assembleTable(cat: SqliteCatalogDb, row: TableRow, s: number): TableInfo {
  const label = `"${row.schema_name}"."${row.table_name}"`;
  return {
    tableId: row.table_id,
    uuid: row.table_uuid,
    database: row.schema_name,
    name: row.table_name,
    beginSnapshot: row.begin_snapshot,
    schemaVersion: readTableSchemaVersion(cat, row.table_id, s),
    tableVersion: row.table_version,
    format: row.format,
    path: row.path,
    columns: buildColumns(readColumnRows(cat, row.table_id, s), label),
    partitionColumns: JSON.parse(row.partition_columns) as string[],
    properties: JSON.parse(row.properties) as Record<string, string>,
  };
}
