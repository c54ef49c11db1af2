import { quoteIdent } from '../catalog/column-types.ts';
import type { DataFileInfo, MetadataStore, NewDataFile, TableInfo } from '../catalog/metadata-store.ts';
import { ValidationError } from '../errors.ts';
import { readBoundFilesSql } from '../query/file-binder.ts';
import type { FileBinder } from '../query/file-binder.ts';
import type { QueryEngine } from '../query/query-engine.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import { writeParquetDataFiles } from './parquet-data-writer.ts';

export interface MergeDeps {
  engine: QueryEngine;
  store: ObjectStore;
  catalog: MetadataStore;
  binder: FileBinder;
  scratchDir: string;
}

export interface MergeSpec {
  table: TableInfo;
  /** A SELECT giving source rows with the table's columns (extra columns are ignored). */
  sourceSql: string;
  /** Record key columns. */
  keys: string[];
  /** Ordering field: among source rows of one key, the greatest wins. Default: the last row read. */
  orderBy?: string;
  /** SQL condition over a source row meaning "delete this key", e.g. `op = 'D'` or `is_deleted`. */
  deleteWhen?: string;
  /** Prefix of the new files' names (the run id). */
  namePrefix?: string;
}

export interface MergeResult {
  /** New files, to add in the same commit as `remove`. */
  add: NewDataFile[];
  /** Data file ids this merge replaces: the commit fails if another commit removed one first. */
  remove: number[];
  /** The snapshot the merge read: commit against it. */
  baseSnapshotId: number;
  inserted: number;
  updated: number;
  deleted: number;
  filesRewritten: number;
}

/**
 * Merge (upsert) into a Parquet table, copy-on-write at file granularity: the latest source row
 * per key wins; files holding any merged key are rewritten without those keys' old rows, the new
 * and updated rows are added, deleted keys are left out; files without merged keys are not
 * touched. Nothing is committed: publish `add` and `remove` in one `catalog.commit` (together
 * with the ledger entries that produced the source); a concurrent merge that rewrote one of the
 * same files first makes that commit fail with `FILE_ALREADY_REMOVED`, and the merge is redone.
 */
export async function mergeIntoTable(deps: MergeDeps, spec: MergeSpec): Promise<MergeResult> {
  const { table } = spec;
  const columns = table.columns.map((c) => c.name);
  for (const key of spec.keys) {
    if (!columns.includes(key)) throw new ValidationError('MERGE_UNKNOWN_KEY', `merge key "${key}" is not a column of ${table.database}.${table.name} (${columns.join(', ')})`);
  }
  if (spec.keys.length === 0) throw new ValidationError('MERGE_NO_KEY', `merge into ${table.database}.${table.name} needs at least one record key column`);

  const base = await deps.catalog.currentSnapshot();
  const files = await deps.catalog.listDataFiles(table.tableId, { snapshotId: base.snapshotId });
  const session = await deps.engine.openSession();
  const keyList = spec.keys.map(quoteIdent).join(', ');
  const colList = columns.map(quoteIdent).join(', ');
  try {
    const order = spec.orderBy ? `${quoteIdent(spec.orderBy)} DESC NULLS LAST` : 'src_row DESC';
    const del = spec.deleteWhen ? `(${spec.deleteWhen})` : 'false';
    await session.run(
      `CREATE TEMP TABLE merge_src AS SELECT ${colList}, coalesce(${del}, false) AS merge_delete FROM (
         SELECT *, row_number() OVER () AS src_row FROM (${spec.sourceSql})
       ) QUALIFY row_number() OVER (PARTITION BY ${keyList} ORDER BY ${order}) = 1`,
    );

    let affected: DataFileInfo[] = [];
    let targetSql = '';
    if (files.length > 0) {
      const bound = await deps.binder.bind(table, files);
      const byPath = new Map(bound.paths.map((p, i) => [p, files[i]!]));
      const read = (paths: string[]) => readBoundFilesSql(bound, table.partitionColumns, { paths, filename: true });
      const hits = await session.all(`SELECT DISTINCT filename FROM ${read(bound.paths)} t SEMI JOIN merge_src s USING (${keyList})`);
      affected = hits.map((h) => byPath.get(String(h.filename))!).filter(Boolean);
      if (affected.length > 0) {
        const affectedPaths = affected.map((f) => bound.paths[files.indexOf(f)]!);
        targetSql = `SELECT ${colList} FROM ${read(affectedPaths)} t ANTI JOIN merge_src s USING (${keyList})`;
        await session.run(`CREATE TEMP TABLE merge_hits AS SELECT DISTINCT ${keyList} FROM ${read(affectedPaths)}`);
      }
    }
    if (affected.length === 0) await session.run(`CREATE TEMP TABLE merge_hits AS SELECT ${keyList} FROM merge_src WHERE false`);

    const counts = await session.all(
      `SELECT count(*) FILTER (WHERE h.present AND NOT s.merge_delete) AS updated,
              count(*) FILTER (WHERE h.present IS NULL AND NOT s.merge_delete) AS inserted,
              count(*) FILTER (WHERE h.present AND s.merge_delete) AS deleted
       FROM merge_src s LEFT JOIN (SELECT *, true AS present FROM merge_hits) h USING (${keyList})`,
    );
    const newRows = `SELECT ${colList} FROM merge_src WHERE NOT merge_delete`;
    const selectSql = targetSql ? `${targetSql} UNION ALL ${newRows}` : newRows;
    const add = await writeParquetDataFiles(deps, table, selectSql, { session, ...(spec.namePrefix ? { namePrefix: spec.namePrefix } : {}) });
    const c = counts[0] ?? {};
    return {
      add,
      remove: affected.map((f) => f.dataFileId),
      baseSnapshotId: base.snapshotId,
      inserted: Number(c.inserted ?? 0),
      updated: Number(c.updated ?? 0),
      deleted: Number(c.deleted ?? 0),
      filesRewritten: affected.length,
    };
  } finally {
    session.close();
  }
}
