import { ConflictError, NotFoundError, ValidationError } from '../../errors.ts';
import { validateNewDataFile } from '../catalog-validation.ts';
import type { CheckpointWrite, CommitRequest, LedgerWrite, NewDataFile, TableChange } from '../metadata-store.ts';
import type { SqliteCatalogDb } from './sqlite-catalog-db.ts';
import { readAnyTableRow, readColumnRows, readTableRowById, type TableRow } from './sqlite-catalog-reader.ts';
import type { ColumnRow } from './sqlite-column-rows.ts';
import type { PendingSnapshot } from './sqlite-snapshot-writer.ts';
import { mergeTableColumnStats, type TableColumnStatsMerger } from './sqlite-table-stats.ts';

/**
 * The data half of a commit, inside the write transaction: add and remove files per table,
 * keep DuckLake's table and column statistics, then compare-and-set the checkpoints. Any
 * error rolls the whole transaction back.
 */
export function writeCommit(cat: SqliteCatalogDb, snap: PendingSnapshot, request: CommitRequest): number[] {
  const added: number[] = [];
  for (const change of request.tables) added.push(...writeTableChange(cat, snap, change));
  writeCheckpoints(cat, request.checkpoints ?? [], snap.snapshotId);
  writeLedger(cat, request.ledger ?? [], snap.snapshotId);
  return added;
}

/** Upserts processed-file ledger entries, stamped with `snapshotId`. */
function writeLedger(cat: SqliteCatalogDb, writes: readonly LedgerWrite[], snapshotId: number): void {
  const now = new Date().toISOString();
  for (const w of writes) {
    if (!w.consumer || !w.key || typeof w.etag !== 'string' || !Number.isInteger(w.size) || w.size < 0) {
      throw new ValidationError('LEDGER_ENTRY_INVALID', `ledger entry ${JSON.stringify(w)} needs a consumer, a key, an etag and a size >= 0`);
    }
    cat
      .stmt(
        `INSERT INTO lakestack_processed_file (consumer, key, etag, size_bytes, snapshot_id, processed_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (consumer, key) DO UPDATE SET etag = excluded.etag, size_bytes = excluded.size_bytes, snapshot_id = excluded.snapshot_id, processed_at = excluded.processed_at`,
      )
      .run(w.consumer, w.key, w.etag, w.size, snapshotId, now);
  }
}

interface TableStatsRow {
  record_count: number;
  next_row_id: number;
  file_size_bytes: number;
}

function writeTableChange(cat: SqliteCatalogDb, snap: PendingSnapshot, change: TableChange): number[] {
  const table = requireCommitTable(cat, change.tableId, snap.baseSnapshotId);
  const label = `"${table.schema_name}"."${table.table_name}"`;
  const stats = cat.stmt<TableStatsRow>('SELECT record_count, next_row_id, file_size_bytes FROM ducklake_table_stats WHERE table_id = ?').get(table.table_id) ?? {
    record_count: 0,
    next_row_id: 0,
    file_size_bytes: 0,
  };
  const removes = change.remove ?? [];
  const adds = change.add ?? [];
  for (const fileId of removes) removeFile(cat, snap, table, label, fileId, stats);
  const ids: number[] = [];
  if (adds.length > 0) {
    const partitionColumns = JSON.parse(table.partition_columns) as string[];
    const partitionId =
      partitionColumns.length === 0
        ? null
        : (cat.stmt<{ id: number }>('SELECT partition_id AS id FROM ducklake_partition_info WHERE table_id = ? AND end_snapshot IS NULL').get(table.table_id)?.id ?? null);
    const columns = adds.some((f) => (f.columnStats?.length ?? 0) > 0) ? columnsByPath(readColumnRows(cat, table.table_id, snap.baseSnapshotId)) : new Map<string, ColumnRow>();
    const merger = mergeTableColumnStats(cat, table.table_id);
    for (const file of adds) {
      validateNewDataFile(file, partitionColumns, label);
      ids.push(addFile(cat, snap, table, label, file, partitionColumns, partitionId, columns, merger, stats));
    }
    merger.flush();
  }
  cat
    .stmt('UPDATE ducklake_table_stats SET record_count = ?, next_row_id = ?, file_size_bytes = ? WHERE table_id = ?')
    .run(stats.record_count, stats.next_row_id, stats.file_size_bytes, table.table_id);
  if (adds.length > 0) snap.change(`inserted_into_table:${table.table_id}`);
  if (removes.length > 0) snap.change(`deleted_from_table:${table.table_id}`);
  snap.touch(table.table_id);
  return ids;
}

function requireCommitTable(cat: SqliteCatalogDb, tableId: number, s: number): TableRow {
  const table = readTableRowById(cat, tableId, s);
  if (table !== undefined) return table;
  const any = readAnyTableRow(cat, tableId);
  if (any === undefined) {
    throw new NotFoundError('TABLE_NOT_FOUND', `commit names table id ${tableId}, which does not exist; nothing was committed`, { fields: { tableId } });
  }
  throw new ConflictError(
    'TABLE_DROPPED',
    `commit to table "${any.schema_name}"."${any.table_name}" (id ${tableId}) failed: the table was dropped at snapshot ${any.end_snapshot ?? '?'}; look the table up again and retry`,
    { fields: { tableId, database: any.schema_name, table: any.table_name, droppedAt: any.end_snapshot } },
  );
}

interface FileStateRow {
  table_id: number;
  end_snapshot: number | null;
  record_count: number;
  file_size_bytes: number;
}

function removeFile(cat: SqliteCatalogDb, snap: PendingSnapshot, table: TableRow, label: string, fileId: number, stats: TableStatsRow): void {
  const file = cat.stmt<FileStateRow>('SELECT table_id, end_snapshot, record_count, file_size_bytes FROM ducklake_data_file WHERE data_file_id = ?').get(fileId);
  if (file === undefined || file.table_id !== table.table_id) {
    throw new NotFoundError('FILE_NOT_FOUND', `commit to table ${label} removes data file ${fileId}, which is not a file of that table; re-read the table's files and retry`, {
      fields: { tableId: table.table_id, dataFileId: fileId },
    });
  }
  if (file.end_snapshot !== null) {
    throw new ConflictError(
      'FILE_ALREADY_REMOVED',
      `commit to table ${label} removes data file ${fileId}, but snapshot ${file.end_snapshot} already removed it; re-read the table's files and retry`,
      { fields: { tableId: table.table_id, dataFileId: fileId, removedAt: file.end_snapshot } },
    );
  }
  cat.stmt('UPDATE ducklake_data_file SET end_snapshot = ? WHERE data_file_id = ?').run(snap.snapshotId, fileId);
  stats.record_count -= file.record_count;
  stats.file_size_bytes -= file.file_size_bytes;
}

function addFile(
  cat: SqliteCatalogDb,
  snap: PendingSnapshot,
  table: TableRow,
  label: string,
  file: NewDataFile,
  partitionColumns: readonly string[],
  partitionId: number | null,
  columns: Map<string, ColumnRow>,
  merger: TableColumnStatsMerger,
  stats: TableStatsRow,
): number {
  const relative = file.path.startsWith(table.path) && file.path.length > table.path.length;
  const storedPath = relative ? file.path.slice(table.path.length) : file.path;
  const live = cat
    .stmt<{ id: number }>('SELECT data_file_id AS id FROM ducklake_data_file WHERE table_id = ? AND path = ? AND path_is_relative = ? AND end_snapshot IS NULL')
    .get(table.table_id, storedPath, relative ? 1 : 0);
  if (live !== undefined) {
    throw new ConflictError('FILE_ALREADY_PRESENT', `commit to table ${label} adds "${file.path}", which is already live as data file ${live.id}; a retried commit must not add a file twice`, {
      fields: { tableId: table.table_id, path: file.path, dataFileId: live.id },
    });
  }
  const fileId = snap.fileId();
  cat
    .stmt(
      `INSERT INTO ducklake_data_file (data_file_id, table_id, begin_snapshot, end_snapshot, file_order, path, path_is_relative, file_format, record_count,
         file_size_bytes, footer_size, row_id_start, partition_id, encryption_key, mapping_id, partial_max) VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, NULL, ?, ?, NULL, NULL, NULL)`,
    )
    .run(fileId, table.table_id, snap.snapshotId, fileId, storedPath, relative ? 1 : 0, file.format, file.recordCount, file.sizeBytes, stats.next_row_id, partitionId);
  stats.record_count += file.recordCount;
  stats.next_row_id += file.recordCount;
  stats.file_size_bytes += file.sizeBytes;
  const value = cat.stmt('INSERT INTO ducklake_file_partition_value (data_file_id, table_id, partition_key_index, partition_value) VALUES (?, ?, ?, ?)');
  partitionColumns.forEach((name, index) => value.run(fileId, table.table_id, index, file.partitionValues[name]));
  const stat = cat.stmt(
    `INSERT INTO ducklake_file_column_stats (data_file_id, table_id, column_id, column_size_bytes, value_count, null_count, min_value, max_value, contains_nan, extra_stats)
       VALUES (?, ?, ?, NULL, ?, ?, ?, ?, NULL, NULL)`,
  );
  for (const s of file.columnStats ?? []) {
    const column = columns.get(s.column);
    if (column === undefined) {
      throw new ValidationError('COLUMN_STATS_UNKNOWN_COLUMN', `data file "${file.path}" for table ${label} has stats for column "${s.column}", which the table does not have; send stats only for table columns (struct fields as "a.b")`, {
        fields: { path: 'columnStats', file: file.path, column: s.column },
      });
    }
    stat.run(fileId, table.table_id, column.columnId, s.valueCount ?? null, s.nullCount ?? null, s.minValue ?? null, s.maxValue ?? null);
    merger.add(column, s);
  }
  return fileId;
}

/** Visible column rows by dotted path (`a`, `a.b`). */
function columnsByPath(rows: readonly ColumnRow[]): Map<string, ColumnRow> {
  const byId = new Map(rows.map((r) => [r.columnId, r]));
  const paths = new Map<string, ColumnRow>();
  const pathOf = (row: ColumnRow): string => {
    const parent = row.parentColumn === null ? undefined : byId.get(row.parentColumn);
    return parent === undefined ? row.name : `${pathOf(parent)}.${row.name}`;
  };
  for (const row of rows) paths.set(pathOf(row), row);
  return paths;
}

/**
 * Compare-and-set of each checkpoint, stamped with `snapshotId`.
 * Errors: `ConflictError` code `CHECKPOINT_FENCED` when `expected` does not hold.
 */
export function writeCheckpoints(cat: SqliteCatalogDb, writes: readonly CheckpointWrite[], snapshotId: number): void {
  const now = new Date().toISOString();
  for (const write of writes) {
    const current = cat
      .stmt<{ position: string }>('SELECT position FROM lakestack_stream_checkpoint WHERE consumer = ? AND stream = ? AND shard = ?')
      .get(write.consumer, write.stream, write.shard);
    const actual = current?.position ?? null;
    if (write.expected !== undefined && write.expected !== actual) {
      const show = (v: string | null): string => (v === null ? 'no checkpoint' : `position ${JSON.stringify(v)}`);
      throw new ConflictError(
        'CHECKPOINT_FENCED',
        `checkpoint of consumer "${write.consumer}" on stream "${write.stream}" shard "${write.shard}" is fenced: expected ${show(write.expected)} but found ${show(actual)}; another worker moved it — re-read the checkpoints and resume from there`,
        { fields: { consumer: write.consumer, stream: write.stream, shard: write.shard, expected: write.expected, actual } },
      );
    }
    cat
      .stmt(
        `INSERT INTO lakestack_stream_checkpoint (consumer, stream, shard, position, snapshot_id, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (consumer, stream, shard) DO UPDATE SET position = excluded.position, snapshot_id = excluded.snapshot_id, updated_at = excluded.updated_at`,
      )
      .run(write.consumer, write.stream, write.shard, write.position, snapshotId, now);
  }
}

/**
 * Deletes retired files' rows (data file, partition values, stats).
 * Errors: `ValidationError` code `FILE_NOT_RETIRED` when a file is still live; nothing is deleted.
 */
export function writeForgetFiles(cat: SqliteCatalogDb, dataFileIds: readonly number[]): void {
  if (dataFileIds.length === 0) return;
  const ids = JSON.stringify(dataFileIds);
  const live = cat
    .stmt<{ id: number }>('SELECT data_file_id AS id FROM ducklake_data_file WHERE end_snapshot IS NULL AND data_file_id IN (SELECT value FROM json_each(?))')
    .all(ids)
    .map((r) => r.id);
  if (live.length > 0) {
    throw new ValidationError('FILE_NOT_RETIRED', `cannot forget data files [${live.join(', ')}]: they are still live in their tables; remove them in a commit first`, {
      fields: { dataFileIds: live },
    });
  }
  for (const table of ['ducklake_file_partition_value', 'ducklake_file_column_stats', 'ducklake_files_scheduled_for_deletion', 'ducklake_data_file']) {
    cat.stmt(`DELETE FROM ${table} WHERE data_file_id IN (SELECT value FROM json_each(?))`).run(ids);
  }
}
