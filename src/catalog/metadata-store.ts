/**
 * The metadata store port: the catalog (databases, tables, columns, snapshots, data files,
 * partition values, column stats) plus the control-plane records the platform keeps beside it
 * (stream checkpoints, query history, run history).
 *
 * The catalog tables follow the DuckLake v1.0 layout (`ducklake_snapshot`, `ducklake_table`,
 * `ducklake_column`, `ducklake_data_file`, …) so DuckDB's `ducklake` extension can later read
 * them; what DuckLake lacks lives in `lakestack_*` tables.
 *
 * Every catalog change is one snapshot. `commit` publishes data files **and** stream
 * checkpoints in one transaction: either all of it is visible or none of it.
 * Adapters: `sqlite/` (embedded default); `postgres/` later. All pass
 * `test/contracts/metadata-store.contract.ts`.
 */
import type { ColumnSpec } from './column-types.ts';

export interface SnapshotInfo {
  snapshotId: number;
  time: Date;
  /** Catalog-wide schema version (DuckLake `schema_version`): bumps on any DDL. */
  schemaVersion: number;
  /** DuckLake `changes_made` text, e.g. `created_table:1,inserted_into_table:1`. */
  changes: string;
  author?: string;
  message?: string;
}

export interface DatabaseInfo {
  databaseId: number;
  name: string;
  beginSnapshot: number;
  properties: Record<string, string>;
}

/** File format of a table's data files. */
export type TableFormat = 'parquet' | 'avro';

export interface ColumnInfo extends ColumnSpec {
  columnId: number;
}

export interface TableInfo {
  tableId: number;
  uuid: string;
  database: string;
  name: string;
  /** Snapshot that created this incarnation of the table. */
  beginSnapshot: number;
  /** 1 for a new table; +1 on each compatible schema change (evolution). */
  schemaVersion: number;
  /** 1 for the first incarnation; +1 each time an incompatible change recreated the table. */
  tableVersion: number;
  format: TableFormat;
  /** Object-store key prefix under which the table's data files live, ending in `/`. */
  path: string;
  columns: ColumnInfo[];
  /** Hive partition columns (values are strings in paths and in the catalog). */
  partitionColumns: string[];
  /** Free-form properties: tags, the Avro schema text, schema fingerprint, description. */
  properties: Record<string, string>;
}

export interface CreateTableSpec {
  database: string;
  name: string;
  format: TableFormat;
  path: string;
  columns: ColumnSpec[];
  partitionColumns: string[];
  properties?: Record<string, string>;
}

export interface AlterTableSpec {
  /** The complete new column list (same names keep their column ids). */
  columns?: ColumnSpec[];
  /** Properties to set (merged over the current ones). */
  properties?: Record<string, string>;
}

export interface ColumnStats {
  column: string;
  valueCount?: number;
  nullCount?: number;
  minValue?: string;
  maxValue?: string;
}

export interface NewDataFile {
  /** Object-store key of the (already written, immutable) file. */
  path: string;
  format: TableFormat;
  recordCount: number;
  sizeBytes: number;
  partitionValues: Record<string, string>;
  columnStats?: ColumnStats[];
}

export interface DataFileInfo extends NewDataFile {
  dataFileId: number;
  tableId: number;
  beginSnapshot: number;
  /** Set once a later snapshot removed the file (overwrite, merge, compaction, recreate). */
  endSnapshot?: number;
}

export interface TableChange {
  tableId: number;
  add?: NewDataFile[];
  /** Data file ids this commit removes; a file already removed by another commit is a conflict. */
  remove?: number[];
}

/**
 * A stream position published with the data it produced. `expected` makes it a
 * compare-and-set: `null` = no checkpoint may exist yet; a string = the current value must be it.
 */
export interface CheckpointWrite {
  consumer: string;
  stream: string;
  shard: string;
  position: string;
  expected?: string | null;
}

/**
 * A processed-file ledger entry: `consumer` (a job) consumed the object `key` as it was
 * (`etag`, `size`). Written in the commit that published what the file produced, so a job
 * re-run skips exactly the files whose output is committed. One entry per (consumer, key): a
 * changed file's new entry replaces the old one.
 */
export interface LedgerWrite {
  consumer: string;
  key: string;
  etag: string;
  size: number;
}

export interface LedgerEntry extends LedgerWrite {
  /** The snapshot that published the file's output. */
  snapshotId: number;
  processedAt: Date;
}

export interface CommitRequest {
  author?: string;
  message?: string;
  tables: TableChange[];
  checkpoints?: CheckpointWrite[];
  /** Processed-file ledger entries, published with the data. */
  ledger?: LedgerWrite[];
}

export interface CommitResult {
  snapshot: SnapshotInfo;
  /** Ids of the added files, in request order (tables, then files). */
  addedFileIds: number[];
}

export interface Checkpoint {
  consumer: string;
  stream: string;
  shard: string;
  position: string;
  snapshotId: number;
  updatedAt: Date;
}

export interface QueryRecord {
  queryId: string;
  workgroup: string;
  sql: string;
  principal?: string;
  status: 'SUCCEEDED' | 'FAILED';
  startedAt: Date;
  durationMs: number;
  rows: number;
  bytesScanned: number;
  resultKey?: string;
  snapshotId?: number;
  error?: string;
}

export interface RunRecord {
  runId: string;
  pipeline: string;
  kind: string;
  trigger: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  startedAt: Date;
  finishedAt?: Date;
  /** Counters of the run, e.g. `{ in: 1000, written: 990, filtered: 8, deadLettered: 2 }`. */
  counts: Record<string, number>;
  snapshotId?: number;
  error?: string;
}

export interface ListDataFilesOptions {
  /** Read the table as of this snapshot (time travel); default the current one. */
  snapshotId?: number;
  /** Keep only files whose partition values pass (partition pruning). */
  partitionFilter?: (values: Record<string, string>) => boolean;
}

export interface MetadataStore {
  readonly kind: string;

  /** The latest snapshot (snapshot 0 exists from creation: the empty catalog). */
  currentSnapshot(): Promise<SnapshotInfo>;
  getSnapshot(snapshotId: number): Promise<SnapshotInfo | undefined>;
  /** The latest snapshot taken at or before `time`. */
  snapshotAsOf(time: Date): Promise<SnapshotInfo | undefined>;
  /** Newest first. With `tableId`: only snapshots that changed that table. */
  listSnapshots(options?: { tableId?: number; limit?: number }): Promise<SnapshotInfo[]>;

  /** Errors: `ConflictError` code `DATABASE_EXISTS`. */
  createDatabase(name: string, properties?: Record<string, string>): Promise<DatabaseInfo>;
  getDatabase(name: string, snapshotId?: number): Promise<DatabaseInfo | undefined>;
  listDatabases(snapshotId?: number): Promise<DatabaseInfo[]>;

  /** Errors: `NotFoundError` (database), `ConflictError` code `TABLE_EXISTS`. */
  createTable(spec: CreateTableSpec): Promise<TableInfo>;
  /** One snapshot; a new schema version when columns change. Errors: `NotFoundError`. */
  alterTable(tableId: number, spec: AlterTableSpec): Promise<TableInfo>;
  /** Ends the table (and its files) at a new snapshot; files stay until vacuum. */
  dropTable(tableId: number): Promise<SnapshotInfo>;
  getTable(database: string, name: string, snapshotId?: number): Promise<TableInfo | undefined>;
  getTableById(tableId: number, snapshotId?: number): Promise<TableInfo | undefined>;
  listTables(database?: string, snapshotId?: number): Promise<TableInfo[]>;

  /**
   * Publishes added/removed data files and checkpoints as one new snapshot, atomically.
   * Errors: `ConflictError` (a removed file is already gone, a table was dropped, a checkpoint
   * compare-and-set failed: code `CHECKPOINT_FENCED`), `NotFoundError` (unknown table).
   */
  commit(request: CommitRequest): Promise<CommitResult>;
  /** Live data files of a table at a snapshot. */
  listDataFiles(tableId: number, options?: ListDataFilesOptions): Promise<DataFileInfo[]>;
  /**
   * What changed in a table after snapshot `after`, up to `upTo` (default current): files
   * added, and files removed, in that window — what an incremental reader consumes.
   */
  listFileChanges(tableId: number, window: { after: number; upTo?: number }): Promise<{ upTo: number; added: DataFileInfo[]; removed: DataFileInfo[] }>;
  /** Files removed by a snapshot taken before `before` (candidates for vacuum). */
  listRetiredFiles(before: Date): Promise<DataFileInfo[]>;
  /** Every data file path the catalog knows (live or retired), for orphan detection. */
  listKnownFilePaths(): Promise<Set<string>>;
  /** Forgets retired files after vacuum deleted them from storage. */
  forgetFiles(dataFileIds: number[]): Promise<void>;

  getCheckpoints(consumer: string, stream: string): Promise<Checkpoint[]>;
  /** Sets checkpoints outside a data commit (e.g. the LATEST position at first start). */
  putCheckpoints(checkpoints: CheckpointWrite[]): Promise<void>;

  /** Ledger entries of a consumer (all, or those of the given keys), sorted by key. */
  getLedgerEntries(consumer: string, keys?: string[]): Promise<LedgerEntry[]>;

  recordQuery(record: QueryRecord): Promise<void>;
  listQueries(options?: { workgroup?: string; limit?: number }): Promise<QueryRecord[]>;
  getQuery(queryId: string): Promise<QueryRecord | undefined>;

  /** Inserts or replaces a run by `runId`. */
  recordRun(run: RunRecord): Promise<void>;
  listRuns(options?: { pipeline?: string; limit?: number }): Promise<RunRecord[]>;

  close(): Promise<void>;
}
