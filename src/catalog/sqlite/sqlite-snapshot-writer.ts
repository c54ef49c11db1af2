import type { SnapshotInfo } from '../metadata-store.ts';
import type { SqliteCatalogDb } from './sqlite-catalog-db.ts';

interface SnapshotRow {
  snapshot_id: number;
  snapshot_time: string;
  schema_version: number;
  next_catalog_id: number;
  next_file_id: number;
}

/**
 * The snapshot a write transaction is building: snapshot id = latest + 1, and DuckLake's
 * counters carried forward (`schema_version` bumps once if any DDL happened, `next_catalog_id`
 * advances for schemas/tables/partitions, `next_file_id` for data files). Only valid inside the
 * `BEGIN IMMEDIATE` transaction that created it.
 */
export class PendingSnapshot {
  readonly snapshotId: number;
  /** The snapshot this one builds on. */
  readonly baseSnapshotId: number;
  private readonly baseTime: string;
  private readonly baseSchemaVersion: number;
  private nextCatalogId: number;
  private nextFileId: number;
  private schemaChanged = false;
  private readonly changes: string[] = [];
  private readonly tables = new Set<number>();

  constructor(private readonly cat: SqliteCatalogDb) {
    const base = cat
      .stmt<SnapshotRow>('SELECT snapshot_id, snapshot_time, schema_version, next_catalog_id, next_file_id FROM ducklake_snapshot ORDER BY snapshot_id DESC LIMIT 1')
      .get() as SnapshotRow;
    this.baseSnapshotId = base.snapshot_id;
    this.snapshotId = base.snapshot_id + 1;
    this.baseTime = base.snapshot_time;
    this.baseSchemaVersion = base.schema_version;
    this.nextCatalogId = base.next_catalog_id;
    this.nextFileId = base.next_file_id;
  }

  /** The catalog-wide schema version this snapshot will carry. */
  get schemaVersion(): number {
    return this.schemaChanged ? this.baseSchemaVersion + 1 : this.baseSchemaVersion;
  }

  /** An id for a new schema, table or partition (DuckLake `next_catalog_id`). */
  catalogId(): number {
    this.schemaChanged = true;
    return this.nextCatalogId++;
  }

  /** An id for a new data file (DuckLake `next_file_id`). */
  fileId(): number {
    return this.nextFileId++;
  }

  /** Marks this snapshot as DDL: the catalog schema version bumps. */
  schemaChange(): void {
    this.schemaChanged = true;
  }

  /** Appends one `changes_made` entry, e.g. `inserted_into_table:12`; duplicates are kept once. */
  change(entry: string): void {
    if (!this.changes.includes(entry)) this.changes.push(entry);
  }

  /** Records that this snapshot changed a table (for `listSnapshots({ tableId })`). */
  touch(tableId: number): void {
    this.tables.add(tableId);
  }

  /** Writes the snapshot rows; call last, inside the same transaction. */
  publish(author?: string, message?: string): SnapshotInfo {
    // snapshot_time never goes backwards, so "latest snapshot at or before t" stays well defined
    const now = new Date().toISOString();
    const time = now > this.baseTime ? now : this.baseTime;
    const changes = this.changes.join(',');
    this.cat
      .stmt('INSERT INTO ducklake_snapshot (snapshot_id, snapshot_time, schema_version, next_catalog_id, next_file_id) VALUES (?, ?, ?, ?, ?)')
      .run(this.snapshotId, time, this.schemaVersion, this.nextCatalogId, this.nextFileId);
    this.cat
      .stmt('INSERT INTO ducklake_snapshot_changes (snapshot_id, changes_made, author, commit_message, commit_extra_info) VALUES (?, ?, ?, ?, NULL)')
      .run(this.snapshotId, changes, author ?? null, message ?? null);
    const touch = this.cat.stmt('INSERT OR IGNORE INTO lakestack_snapshot_table (table_id, snapshot_id) VALUES (?, ?)');
    for (const tableId of this.tables) touch.run(tableId, this.snapshotId);
    const info: SnapshotInfo = { snapshotId: this.snapshotId, time: new Date(time), schemaVersion: this.schemaVersion, changes };
    if (author !== undefined) info.author = author;
    if (message !== undefined) info.message = message;
    return info;
  }
}

/** Quotes a name the way DuckLake writes names in `changes_made` (`"a ""b"""`). */
export function quoteChangeName(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
