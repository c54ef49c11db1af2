import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { NotFoundError, ValidationError } from '../../errors.ts';
import type {
  AlterTableSpec,
  Checkpoint,
  CheckpointWrite,
  CommitRequest,
  CommitResult,
  CreateTableSpec,
  DatabaseInfo,
  DataFileInfo,
  LedgerEntry,
  ListDataFilesOptions,
  MetadataStore,
  QueryRecord,
  RunRecord,
  SnapshotInfo,
  TableInfo,
} from '../metadata-store.ts';
import { SqliteCatalogDb } from './sqlite-catalog-db.ts';
import {
  assembleTable,
  readAnyTableRow,
  readCurrentSnapshot,
  readDatabase,
  readDatabases,
  readSnapshot,
  readSnapshotAsOf,
  readSnapshots,
  readTableRowById,
  readTableRowByName,
  readTableRows,
  resolveSnapshotId,
} from './sqlite-catalog-reader.ts';
import { writeCheckpoints, writeCommit, writeForgetFiles } from './sqlite-commit-writer.ts';
import { DATA_FILE_SELECT, fileKey, hydrateDataFiles, type DataFileRow } from './sqlite-data-file-reader.ts';
import { translateSqliteError } from './sqlite-errors.ts';
import { readQueries, readQuery, readRuns, writeQuery, writeRun } from './sqlite-history.ts';
import { migrateSqliteCatalog } from './sqlite-migrate.ts';
import { PendingSnapshot } from './sqlite-snapshot-writer.ts';
import { writeAlterTable, writeCreateDatabase, writeCreateTable, writeDropTable } from './sqlite-table-writer.ts';

/** How long a writer waits for another process's write lock before SQLite reports busy. */
export const SQLITE_BUSY_TIMEOUT_MS = 10_000;

/**
 * The embedded `MetadataStore`: a DuckLake v1.0 catalog in one SQLite file, shared safely by
 * several processes. Every change is one `BEGIN IMMEDIATE` transaction that writes the next
 * snapshot; reads at a snapshot see the catalog as it was then (time travel).
 *
 * Durability: WAL with `synchronous=NORMAL`. A commit is in the WAL (the OS page cache) when
 * `commit()` resolves, so it survives the process being killed (SIGKILL); only an OS crash or
 * power loss can undo the newest commits, and then data and checkpoints roll back together —
 * the catalog stays consistent and replay starts from the older checkpoint.
 */
export class SqliteMetadataStore implements MetadataStore {
  readonly kind = 'sqlite';
  private readonly cat: SqliteCatalogDb;

  constructor(cat: SqliteCatalogDb) {
    this.cat = cat;
  }

  /** The catalog file (or `:memory:`). */
  get path(): string {
    return this.cat.path;
  }

  async currentSnapshot(): Promise<SnapshotInfo> {
    return this.cat.read('read the current snapshot', () => readCurrentSnapshot(this.cat));
  }

  async getSnapshot(snapshotId: number): Promise<SnapshotInfo | undefined> {
    return this.cat.read('read a snapshot', () => readSnapshot(this.cat, snapshotId));
  }

  async snapshotAsOf(time: Date): Promise<SnapshotInfo | undefined> {
    return this.cat.read('find a snapshot by time', () => readSnapshotAsOf(this.cat, time));
  }

  async listSnapshots(options: { tableId?: number; limit?: number } = {}): Promise<SnapshotInfo[]> {
    return this.cat.read('list snapshots', () => readSnapshots(this.cat, options));
  }

  async createDatabase(name: string, properties: Record<string, string> = {}): Promise<DatabaseInfo> {
    return this.cat.write(`create database "${name}"`, () => {
      const snap = new PendingSnapshot(this.cat);
      const info = writeCreateDatabase(this.cat, snap, name, properties);
      snap.publish();
      return info;
    });
  }

  async getDatabase(name: string, snapshotId?: number): Promise<DatabaseInfo | undefined> {
    return this.cat.read('read a database', () => readDatabase(this.cat, name, resolveSnapshotId(this.cat, snapshotId)));
  }

  async listDatabases(snapshotId?: number): Promise<DatabaseInfo[]> {
    return this.cat.read('list databases', () => readDatabases(this.cat, resolveSnapshotId(this.cat, snapshotId)));
  }

  async createTable(spec: CreateTableSpec): Promise<TableInfo> {
    return this.cat.write(`create table "${spec.database}"."${spec.name}"`, () => {
      const snap = new PendingSnapshot(this.cat);
      const info = writeCreateTable(this.cat, snap, spec);
      snap.publish();
      return info;
    });
  }

  /** A spec that changes nothing publishes no snapshot and returns the table as it is. */
  async alterTable(tableId: number, spec: AlterTableSpec): Promise<TableInfo> {
    return this.cat.write(`alter table id ${tableId}`, () => {
      const snap = new PendingSnapshot(this.cat);
      const info = writeAlterTable(this.cat, snap, tableId, spec);
      if (info === undefined) {
        const row = readTableRowById(this.cat, tableId, snap.baseSnapshotId);
        return assembleTable(this.cat, row as NonNullable<typeof row>, snap.baseSnapshotId);
      }
      snap.publish();
      return info;
    });
  }

  async dropTable(tableId: number): Promise<SnapshotInfo> {
    return this.cat.write(`drop table id ${tableId}`, () => {
      const snap = new PendingSnapshot(this.cat);
      writeDropTable(this.cat, snap, tableId);
      return snap.publish();
    });
  }

  async getTable(database: string, name: string, snapshotId?: number): Promise<TableInfo | undefined> {
    return this.cat.read('read a table', () => {
      const s = resolveSnapshotId(this.cat, snapshotId);
      const row = readTableRowByName(this.cat, database, name, s);
      return row === undefined ? undefined : assembleTable(this.cat, row, s);
    });
  }

  async getTableById(tableId: number, snapshotId?: number): Promise<TableInfo | undefined> {
    return this.cat.read('read a table', () => {
      const s = resolveSnapshotId(this.cat, snapshotId);
      const row = readTableRowById(this.cat, tableId, s);
      return row === undefined ? undefined : assembleTable(this.cat, row, s);
    });
  }

  async listTables(database?: string, snapshotId?: number): Promise<TableInfo[]> {
    return this.cat.read('list tables', () => {
      const s = resolveSnapshotId(this.cat, snapshotId);
      return readTableRows(this.cat, database, s).map((row) => assembleTable(this.cat, row, s));
    });
  }

  async commit(request: CommitRequest): Promise<CommitResult> {
    const tables = request.tables.map((t) => t.tableId).join(', ');
    return this.cat.write(`commit to table ids [${tables}]`, () => {
      const snap = new PendingSnapshot(this.cat);
      const addedFileIds = writeCommit(this.cat, snap, request);
      return { snapshot: snap.publish(request.author, request.message), addedFileIds };
    });
  }

  /** Errors: `NotFoundError` (`TABLE_NOT_FOUND`, `SNAPSHOT_NOT_FOUND`). */
  async listDataFiles(tableId: number, options: ListDataFilesOptions = {}): Promise<DataFileInfo[]> {
    const files = this.cat.read('list data files', () => {
      const s = resolveSnapshotId(this.cat, options.snapshotId);
      if (readAnyTableRow(this.cat, tableId) === undefined) {
        throw new NotFoundError('TABLE_NOT_FOUND', `cannot list data files of table id ${tableId}: no table has this id`, { fields: { tableId } });
      }
      const rows = this.cat
        .stmt<DataFileRow>(
          `${DATA_FILE_SELECT} WHERE df.table_id = @tableId AND df.begin_snapshot <= @s AND (df.end_snapshot IS NULL OR df.end_snapshot > @s) ORDER BY df.data_file_id`,
        )
        .all({ tableId, s });
      return hydrateDataFiles(this.cat, rows);
    });
    const filter = options.partitionFilter;
    return filter === undefined ? files : files.filter((f) => filter(f.partitionValues));
  }

  async listFileChanges(tableId: number, window: { after: number; upTo?: number }): Promise<{ upTo: number; added: DataFileInfo[]; removed: DataFileInfo[] }> {
    return this.cat.read('list file changes', () => {
      const upTo = resolveSnapshotId(this.cat, window.upTo);
      if (readAnyTableRow(this.cat, tableId) === undefined) {
        throw new NotFoundError('TABLE_NOT_FOUND', `cannot list changes of table id ${tableId}: no table has this id`, { fields: { tableId } });
      }
      const params = { tableId, after: window.after, upTo };
      const added = this.cat
        .stmt<DataFileRow>(`${DATA_FILE_SELECT} WHERE df.table_id = @tableId AND df.begin_snapshot > @after AND df.begin_snapshot <= @upTo ORDER BY df.data_file_id`)
        .all(params);
      const removed = this.cat
        .stmt<DataFileRow>(`${DATA_FILE_SELECT} WHERE df.table_id = @tableId AND df.end_snapshot > @after AND df.end_snapshot <= @upTo ORDER BY df.data_file_id`)
        .all(params);
      return { upTo, added: hydrateDataFiles(this.cat, added), removed: hydrateDataFiles(this.cat, removed) };
    });
  }

  /** A retired file whose object key is live again (a table re-added it) is not a candidate. */
  async listRetiredFiles(before: Date): Promise<DataFileInfo[]> {
    return this.cat.read('list retired files', () => {
      const rows = this.cat
        .stmt<DataFileRow>(
          `${DATA_FILE_SELECT} JOIN ducklake_snapshot s ON s.snapshot_id = df.end_snapshot WHERE df.end_snapshot IS NOT NULL AND s.snapshot_time < ? ORDER BY df.data_file_id`,
        )
        .all(before.toISOString());
      if (rows.length === 0) return [];
      const live = new Set(
        this.cat
          .stmt<Pick<DataFileRow, 'path' | 'path_is_relative' | 'table_path'>>(`${DATA_FILE_SELECT} WHERE df.end_snapshot IS NULL`)
          .all()
          .map(fileKey),
      );
      return hydrateDataFiles(
        this.cat,
        rows.filter((row) => !live.has(fileKey(row))),
      );
    });
  }

  async listKnownFilePaths(): Promise<Set<string>> {
    return this.cat.read('list known file paths', () => {
      const rows = this.cat
        .stmt<Pick<DataFileRow, 'path' | 'path_is_relative' | 'table_path'>>(
          `SELECT df.path, df.path_is_relative, (SELECT t.path FROM ducklake_table t WHERE t.table_id = df.table_id ORDER BY t.begin_snapshot DESC LIMIT 1) AS table_path
           FROM ducklake_data_file df`,
        )
        .all();
      return new Set(rows.map(fileKey));
    });
  }

  /** Unknown ids are ignored. Errors: `ValidationError` code `FILE_NOT_RETIRED`. */
  async forgetFiles(dataFileIds: number[]): Promise<void> {
    for (const id of dataFileIds) {
      if (!Number.isSafeInteger(id)) throw new ValidationError('DATA_FILE_ID_INVALID', `forgetFiles got data file id ${String(id)}; pass integer ids from listRetiredFiles`, { fields: { id } });
    }
    await this.cat.write('forget retired files', () => writeForgetFiles(this.cat, dataFileIds));
  }

  async getCheckpoints(consumer: string, stream: string): Promise<Checkpoint[]> {
    return this.cat.read('read checkpoints', () =>
      this.cat
        .stmt<{ consumer: string; stream: string; shard: string; position: string; snapshot_id: number; updated_at: string }>(
          'SELECT consumer, stream, shard, position, snapshot_id, updated_at FROM lakestack_stream_checkpoint WHERE consumer = ? AND stream = ? ORDER BY shard',
        )
        .all(consumer, stream)
        .map((r) => ({ consumer: r.consumer, stream: r.stream, shard: r.shard, position: r.position, snapshotId: r.snapshot_id, updatedAt: new Date(r.updated_at) })),
    );
  }

  async getLedgerEntries(consumer: string, keys?: string[]): Promise<LedgerEntry[]> {
    return this.cat.read('read the processed-file ledger', () => {
      type Row = { consumer: string; key: string; etag: string; size_bytes: number; snapshot_id: number; processed_at: string };
      const rows = keys
        ? this.cat
            .stmt<Row>('SELECT * FROM lakestack_processed_file WHERE consumer = ? AND key IN (SELECT value FROM json_each(?)) ORDER BY key')
            .all(consumer, JSON.stringify(keys))
        : this.cat.stmt<Row>('SELECT * FROM lakestack_processed_file WHERE consumer = ? ORDER BY key').all(consumer);
      return rows.map((r) => ({ consumer: r.consumer, key: r.key, etag: r.etag, size: r.size_bytes, snapshotId: r.snapshot_id, processedAt: new Date(r.processed_at) }));
    });
  }

  /** Checkpoints set here carry the current snapshot id; no snapshot is created. */
  async putCheckpoints(checkpoints: CheckpointWrite[]): Promise<void> {
    await this.cat.write('put checkpoints', () => writeCheckpoints(this.cat, checkpoints, resolveSnapshotId(this.cat, undefined)));
  }

  async recordQuery(record: QueryRecord): Promise<void> {
    await this.cat.write(`record query "${record.queryId}"`, () => writeQuery(this.cat, record));
  }

  /** Newest first; all of them unless `limit`. */
  async listQueries(options: { workgroup?: string; limit?: number } = {}): Promise<QueryRecord[]> {
    return this.cat.read('list queries', () => readQueries(this.cat, options));
  }

  async getQuery(queryId: string): Promise<QueryRecord | undefined> {
    return this.cat.read('read a query', () => readQuery(this.cat, queryId));
  }

  async recordRun(run: RunRecord): Promise<void> {
    await this.cat.write(`record run "${run.runId}"`, () => writeRun(this.cat, run));
  }

  /** Newest first; all of them unless `limit`. */
  async listRuns(options: { pipeline?: string; limit?: number } = {}): Promise<RunRecord[]> {
    return this.cat.read('list runs', () => readRuns(this.cat, options));
  }

  async close(): Promise<void> {
    if (this.cat.db.open) this.cat.close();
  }
}

/**
 * Opens (creating and migrating as needed) the SQLite catalog at `path`, or an in-memory one
 * for `':memory:'`. The parent directory is created if missing.
 * Errors: `TerminalError` codes `CATALOG_SQLITE_ERROR` (cannot open), `CATALOG_TOO_NEW`.
 */
export async function openSqliteMetadataStore(path: string): Promise<SqliteMetadataStore> {
  let db: Database.Database | undefined;
  try {
    db = openSqliteConnection(path);
    migrateSqliteCatalog(db);
    return new SqliteMetadataStore(new SqliteCatalogDb(db, path));
  } catch (err) {
    db?.close();
    throw translateSqliteError(err, path, 'open the catalog');
  }
}

/**
 * A connection configured the way the catalog needs it: WAL (readers never block the writer),
 * `synchronous=NORMAL` (see `SqliteMetadataStore` on durability), a 10 s busy timeout.
 */
export function openSqliteConnection(path: string): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
