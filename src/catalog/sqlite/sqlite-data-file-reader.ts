import type { ColumnStats, DataFileInfo, TableFormat } from '../metadata-store.ts';
import type { SqliteCatalogDb } from './sqlite-catalog-db.ts';

/** A data file row with its table's path (to rebuild relative paths into object keys). */
export interface DataFileRow {
  data_file_id: number;
  table_id: number;
  begin_snapshot: number;
  end_snapshot: number | null;
  path: string;
  path_is_relative: number;
  file_format: string;
  record_count: number;
  file_size_bytes: number;
  table_path: string | null;
}

/** Select list for `DataFileRow`; append a WHERE clause over `df`. */
export const DATA_FILE_SELECT = `SELECT df.data_file_id, df.table_id, df.begin_snapshot, df.end_snapshot, df.path, df.path_is_relative,
    df.file_format, df.record_count, df.file_size_bytes,
    (SELECT t.path FROM ducklake_table t WHERE t.table_id = df.table_id ORDER BY t.begin_snapshot DESC LIMIT 1) AS table_path
  FROM ducklake_data_file df`;

/** The object key of a file row: relative paths hang off the table's path. */
export function fileKey(row: Pick<DataFileRow, 'path' | 'path_is_relative' | 'table_path'>): string {
  return row.path_is_relative ? `${row.table_path ?? ''}${row.path}` : row.path;
}

interface PartitionValueRow {
  data_file_id: number;
  partition_key_index: number;
  partition_value: string;
}

interface FileStatsRow {
  data_file_id: number;
  column_id: number;
  value_count: number | null;
  null_count: number | null;
  min_value: string | null;
  max_value: string | null;
}

/**
 * Completes file rows into `DataFileInfo`s: partition values by the table's partition column
 * names, column stats by column path (`a` or `a.b` for a struct field). Three queries in all.
 */
export function hydrateDataFiles(cat: SqliteCatalogDb, rows: readonly DataFileRow[]): DataFileInfo[] {
  if (rows.length === 0) return [];
  const ids = JSON.stringify(rows.map((r) => r.data_file_id));
  const values = groupBy(
    cat
      .stmt<PartitionValueRow>(
        'SELECT data_file_id, partition_key_index, partition_value FROM ducklake_file_partition_value WHERE data_file_id IN (SELECT value FROM json_each(?)) ORDER BY partition_key_index',
      )
      .all(ids),
  );
  const stats = groupBy(
    cat
      .stmt<FileStatsRow>(
        'SELECT data_file_id, column_id, value_count, null_count, min_value, max_value FROM ducklake_file_column_stats WHERE data_file_id IN (SELECT value FROM json_each(?)) ORDER BY rowid',
      )
      .all(ids),
  );
  const partitionNames = new Map<number, string[]>();
  const columnPaths = new Map<number, Map<number, string>>();
  return rows.map((row) => {
    let names = partitionNames.get(row.table_id);
    if (names === undefined) {
      names = readPartitionColumns(cat, row.table_id);
      partitionNames.set(row.table_id, names);
    }
    const partitionValues: Record<string, string> = {};
    for (const value of values.get(row.data_file_id) ?? []) {
      partitionValues[names[value.partition_key_index] ?? String(value.partition_key_index)] = value.partition_value;
    }
    const info: DataFileInfo = {
      dataFileId: row.data_file_id,
      tableId: row.table_id,
      beginSnapshot: row.begin_snapshot,
      path: fileKey(row),
      format: row.file_format as TableFormat,
      recordCount: row.record_count,
      sizeBytes: row.file_size_bytes,
      partitionValues,
    };
    if (row.end_snapshot !== null) info.endSnapshot = row.end_snapshot;
    const fileStats = stats.get(row.data_file_id);
    if (fileStats !== undefined) {
      let paths = columnPaths.get(row.table_id);
      if (paths === undefined) {
        paths = readColumnPaths(cat, row.table_id);
        columnPaths.set(row.table_id, paths);
      }
      const byId = paths;
      info.columnStats = fileStats.map((s) => toColumnStats(s, byId.get(s.column_id) ?? `#${s.column_id}`));
    }
    return info;
  });
}

/** The table's partition column names, in key index order. */
export function readPartitionColumns(cat: SqliteCatalogDb, tableId: number): string[] {
  const row = cat.stmt<{ partition_columns: string }>('SELECT partition_columns FROM lakestack_table WHERE table_id = ?').get(tableId);
  return row === undefined ? [] : (JSON.parse(row.partition_columns) as string[]);
}

/** Every column id the table has had, to its dotted path (latest name of each id). */
export function readColumnPaths(cat: SqliteCatalogDb, tableId: number): Map<number, string> {
  const rows = cat
    .stmt<{ column_id: number; column_name: string; parent_column: number | null }>(
      'SELECT column_id, column_name, parent_column FROM ducklake_column WHERE table_id = ? ORDER BY begin_snapshot',
    )
    .all(tableId);
  const latest = new Map<number, { name: string; parent: number | null }>();
  for (const row of rows) latest.set(row.column_id, { name: row.column_name, parent: row.parent_column });
  const paths = new Map<number, string>();
  const pathOf = (id: number, depth = 0): string => {
    const known = paths.get(id);
    if (known !== undefined) return known;
    const entry = latest.get(id);
    if (entry === undefined) return `#${id}`;
    const path = entry.parent === null || depth > 64 ? entry.name : `${pathOf(entry.parent, depth + 1)}.${entry.name}`;
    paths.set(id, path);
    return path;
  };
  for (const id of latest.keys()) pathOf(id);
  return paths;
}

function toColumnStats(row: FileStatsRow, column: string): ColumnStats {
  const stats: ColumnStats = { column };
  if (row.value_count !== null) stats.valueCount = row.value_count;
  if (row.null_count !== null) stats.nullCount = row.null_count;
  if (row.min_value !== null) stats.minValue = row.min_value;
  if (row.max_value !== null) stats.maxValue = row.max_value;
  return stats;
}

function groupBy<T extends { data_file_id: number }>(rows: T[]): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const row of rows) {
    const list = groups.get(row.data_file_id);
    if (list === undefined) groups.set(row.data_file_id, [row]);
    else list.push(row);
  }
  return groups;
}
