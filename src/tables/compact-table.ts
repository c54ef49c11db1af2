import type { DataFileInfo, NewDataFile, TableInfo } from '../catalog/metadata-store.ts';
import { quoteIdent } from '../catalog/column-types.ts';
import { readBoundFilesSql } from '../query/file-binder.ts';
import type { MergeDeps } from './merge-into-table.ts';
import { writeParquetDataFiles } from './parquet-data-writer.ts';

export interface CompactOptions {
  /** Files smaller than this are candidates (default 32 MiB). */
  smallFileBytes?: number;
  /** A partition is compacted only when it has at least this many small files (default 4). */
  minFiles?: number;
  namePrefix?: string;
}

export interface CompactionPlan {
  add: NewDataFile[];
  remove: number[];
  baseSnapshotId: number;
  partitions: { values: Record<string, string>; filesBefore: number; filesAfter: number; rows: number }[];
}

/**
 * Rewrites each partition's small Parquet files into one file (same rows, same partition), so
 * reads open fewer files. Like a merge, nothing is committed here: publish `add` and `remove`
 * in one commit; a concurrent commit that removed one of the same files makes it fail with
 * `FILE_ALREADY_REMOVED` and compaction simply runs again later. Avro tables are left alone
 * (their files are the landed record of the stream).
 */
export async function compactTable(deps: MergeDeps, table: TableInfo, options: CompactOptions = {}): Promise<CompactionPlan> {
  const base = await deps.catalog.currentSnapshot();
  const plan: CompactionPlan = { add: [], remove: [], baseSnapshotId: base.snapshotId, partitions: [] };
  if (table.format !== 'parquet') return plan;
  const small = options.smallFileBytes ?? 32 * 1024 * 1024;
  const minFiles = options.minFiles ?? 4;
  const files = await deps.catalog.listDataFiles(table.tableId, { snapshotId: base.snapshotId });
  const groups = new Map<string, DataFileInfo[]>();
  for (const f of files) {
    if (f.sizeBytes >= small) continue;
    const key = JSON.stringify(table.partitionColumns.map((c) => f.partitionValues[c]));
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const columns = table.columns.map((c) => quoteIdent(c.name)).join(', ');
  for (const group of groups.values()) {
    if (group.length < minFiles) continue;
    const bound = await deps.binder.bind(table, group);
    const sql = `SELECT ${columns} FROM ${readBoundFilesSql(bound, table.partitionColumns)}`;
    const written = await writeParquetDataFiles(deps, table, sql, { namePrefix: options.namePrefix ?? 'compacted' });
    plan.add.push(...written);
    plan.remove.push(...group.map((f) => f.dataFileId));
    plan.partitions.push({
      values: group[0]!.partitionValues,
      filesBefore: group.length,
      filesAfter: written.length,
      rows: group.reduce((n, f) => n + f.recordCount, 0),
    });
  }
  return plan;
}
