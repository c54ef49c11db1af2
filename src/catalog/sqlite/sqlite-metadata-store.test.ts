import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describeMetadataStore } from '../../../test/contracts/metadata-store.contract.ts';
import { repoRoot, tempDir } from '../../../test/support/paths.ts';
import { TerminalError } from '../../errors.ts';
import type { ColumnSpec } from '../column-types.ts';
import { SQLITE_MIGRATIONS } from './sqlite-ducklake-schema.ts';
import { migrateSqliteCatalog } from './sqlite-migrate.ts';
import { openSqliteConnection, openSqliteMetadataStore, type SqliteMetadataStore } from './sqlite-metadata-store.ts';

const WORKER = fileURLToPath(new URL('./sqlite-commit-worker.ts', import.meta.url));

describeMetadataStore('sqlite (file)', async () => {
  const tmp = await tempDir('lakestack-catalog-');
  const store = await openSqliteMetadataStore(join(tmp.dir, 'catalog.db'));
  return { store, cleanup: tmp.cleanup };
});

describeMetadataStore('sqlite (:memory:)', async () => ({ store: await openSqliteMetadataStore(':memory:'), cleanup: async () => {} }));

/** DuckLake v1.0 specification: every catalog table with its columns and types, in order. */
const DUCKLAKE_SPEC: Record<string, string> = {
  ducklake_metadata: 'key VARCHAR, value VARCHAR, scope VARCHAR, scope_id BIGINT',
  ducklake_snapshot: 'snapshot_id BIGINT, snapshot_time TIMESTAMPTZ, schema_version BIGINT, next_catalog_id BIGINT, next_file_id BIGINT',
  ducklake_snapshot_changes: 'snapshot_id BIGINT, changes_made VARCHAR, author VARCHAR, commit_message VARCHAR, commit_extra_info VARCHAR',
  ducklake_schema: 'schema_id BIGINT, schema_uuid UUID, begin_snapshot BIGINT, end_snapshot BIGINT, schema_name VARCHAR, path VARCHAR, path_is_relative BOOLEAN',
  ducklake_table: 'table_id BIGINT, table_uuid UUID, begin_snapshot BIGINT, end_snapshot BIGINT, schema_id BIGINT, table_name VARCHAR, path VARCHAR, path_is_relative BOOLEAN',
  ducklake_view: 'view_id BIGINT, view_uuid UUID, begin_snapshot BIGINT, end_snapshot BIGINT, schema_id BIGINT, view_name VARCHAR, dialect VARCHAR, sql VARCHAR, column_aliases VARCHAR',
  ducklake_tag: 'object_id BIGINT, begin_snapshot BIGINT, end_snapshot BIGINT, key VARCHAR, value VARCHAR',
  ducklake_column_tag: 'table_id BIGINT, column_id BIGINT, begin_snapshot BIGINT, end_snapshot BIGINT, key VARCHAR, value VARCHAR',
  ducklake_data_file:
    'data_file_id BIGINT, table_id BIGINT, begin_snapshot BIGINT, end_snapshot BIGINT, file_order BIGINT, path VARCHAR, path_is_relative BOOLEAN, file_format VARCHAR, record_count BIGINT, file_size_bytes BIGINT, footer_size BIGINT, row_id_start BIGINT, partition_id BIGINT, encryption_key VARCHAR, mapping_id BIGINT, partial_max BIGINT',
  ducklake_file_column_stats:
    'data_file_id BIGINT, table_id BIGINT, column_id BIGINT, column_size_bytes BIGINT, value_count BIGINT, null_count BIGINT, min_value VARCHAR, max_value VARCHAR, contains_nan BOOLEAN, extra_stats VARCHAR',
  ducklake_delete_file:
    'delete_file_id BIGINT, table_id BIGINT, begin_snapshot BIGINT, end_snapshot BIGINT, data_file_id BIGINT, path VARCHAR, path_is_relative BOOLEAN, format VARCHAR, delete_count BIGINT, file_size_bytes BIGINT, footer_size BIGINT, encryption_key VARCHAR, partial_max BIGINT',
  ducklake_column:
    'column_id BIGINT, begin_snapshot BIGINT, end_snapshot BIGINT, table_id BIGINT, column_order BIGINT, column_name VARCHAR, column_type VARCHAR, initial_default VARCHAR, default_value VARCHAR, nulls_allowed BOOLEAN, parent_column BIGINT, default_value_type VARCHAR, default_value_dialect VARCHAR',
  ducklake_table_stats: 'table_id BIGINT, record_count BIGINT, next_row_id BIGINT, file_size_bytes BIGINT',
  ducklake_table_column_stats: 'table_id BIGINT, column_id BIGINT, contains_null BOOLEAN, contains_nan BOOLEAN, min_value VARCHAR, max_value VARCHAR, extra_stats VARCHAR',
  ducklake_partition_info: 'partition_id BIGINT, table_id BIGINT, begin_snapshot BIGINT, end_snapshot BIGINT',
  ducklake_partition_column: 'partition_id BIGINT, table_id BIGINT, partition_key_index BIGINT, column_id BIGINT, transform VARCHAR',
  ducklake_file_partition_value: 'data_file_id BIGINT, table_id BIGINT, partition_key_index BIGINT, partition_value VARCHAR',
  ducklake_files_scheduled_for_deletion: 'data_file_id BIGINT, path VARCHAR, path_is_relative BOOLEAN, schedule_start TIMESTAMPTZ',
  ducklake_inlined_data_tables: 'table_id BIGINT, table_name VARCHAR, schema_version BIGINT',
  ducklake_column_mapping: 'mapping_id BIGINT, table_id BIGINT, type VARCHAR',
  ducklake_name_mapping: 'mapping_id BIGINT, column_id BIGINT, source_name VARCHAR, target_field_id BIGINT, parent_column BIGINT, is_partition BOOLEAN',
  ducklake_schema_versions: 'begin_snapshot BIGINT, schema_version BIGINT, table_id BIGINT',
};

const NESTED: ColumnSpec = {
  name: 'order',
  nullable: true,
  type: { kind: 'struct', fields: [{ name: 'lines', nullable: true, type: { kind: 'list', element: { kind: 'decimal', precision: 10, scale: 2 } } }] },
};

interface Setup {
  path: string;
  store: SqliteMetadataStore;
  tableId: number;
  cleanup(): Promise<void>;
}

async function setup(): Promise<Setup> {
  const tmp = await tempDir('lakestack-catalog-');
  const path = join(tmp.dir, 'catalog.db');
  const store = await openSqliteMetadataStore(path);
  await store.createDatabase('dmd');
  const table = await store.createTable({
    database: 'dmd',
    name: 'sale',
    format: 'parquet',
    path: 'warehouse/dmd/sale/',
    columns: [{ name: 'id', type: { kind: 'int64' }, nullable: false }, { name: 'type', type: { kind: 'varchar' }, nullable: false }, NESTED],
    partitionColumns: ['type'],
  });
  return { path, store, tableId: table.tableId, cleanup: tmp.cleanup };
}

interface Worker {
  /** Resolves once the worker printed `marker` (`ready` or `started`). */
  printed(marker: string): Promise<void>;
  go(): void;
  kill(): void;
  done: Promise<number | null>;
}

function runWorker(path: string, tableId: number, count: number, label: string, wait = false): Worker {
  const args = ['--import', 'tsx', WORKER, path, String(tableId), String(count), label, ...(wait ? ['wait'] : [])];
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const printed = (marker: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (stdout.includes(marker)) resolve();
      };
      child.stdout.on('data', check);
      check();
      void done.then(() => (stdout.includes(marker) ? resolve() : reject(new Error(`worker ${label} exited before printing ${marker}: ${stderr}`))));
    });
  return { printed, go: () => child.stdin.write('go\n'), kill: () => child.kill('SIGKILL'), done: done.then((code) => (code === 0 ? 0 : (console.error(stderr), code))) };
}

describe('SqliteMetadataStore', () => {
  it('writes the DuckLake v1.0 catalog tables with the specification columns and types', async () => {
    const s = await setup();
    try {
      const db = new Database(s.path, { readonly: true });
      try {
        for (const [table, columns] of Object.entries(DUCKLAKE_SPEC)) {
          const info = db.prepare<[], { name: string; type: string }>(`PRAGMA table_info(${table})`).all();
          assert.equal(info.map((c) => `${c.name} ${c.type}`).join(', '), columns, table);
        }
        const meta = db.prepare<[], { key: string; value: string }>("SELECT key, value FROM ducklake_metadata WHERE scope IS NULL").all();
        assert.deepEqual(meta.find((m) => m.key === 'version')?.value, '1.0');
        const snapshots = db.prepare<[], { snapshot_id: number; schema_version: number; next_catalog_id: number; next_file_id: number }>(
          'SELECT snapshot_id, schema_version, next_catalog_id, next_file_id FROM ducklake_snapshot ORDER BY snapshot_id',
        ).all();
        // snapshot 1 created schema id 1, snapshot 2 table id 2 and partition id 3
        assert.deepEqual(snapshots, [
          { snapshot_id: 0, schema_version: 0, next_catalog_id: 1, next_file_id: 0 },
          { snapshot_id: 1, schema_version: 1, next_catalog_id: 2, next_file_id: 0 },
          { snapshot_id: 2, schema_version: 2, next_catalog_id: 4, next_file_id: 0 },
        ]);
        const columns = db
          .prepare<[], { column_id: number; column_name: string; column_type: string; parent_column: number | null }>(
            'SELECT column_id, column_name, column_type, parent_column FROM ducklake_column ORDER BY column_order',
          )
          .all();
        assert.deepEqual(columns, [
          { column_id: 1, column_name: 'id', column_type: 'int64', parent_column: null },
          { column_id: 2, column_name: 'type', column_type: 'varchar', parent_column: null },
          { column_id: 3, column_name: 'order', column_type: 'struct', parent_column: null },
          { column_id: 4, column_name: 'lines', column_type: 'list', parent_column: 3 },
          { column_id: 5, column_name: 'element', column_type: 'decimal(10,2)', parent_column: 4 },
        ]);
        const partition = db.prepare('SELECT partition_key_index, column_id, transform FROM ducklake_partition_column').all();
        assert.deepEqual(partition, [{ partition_key_index: 0, column_id: 2, transform: 'identity' }]);
      } finally {
        db.close();
      }

      const commit = await s.store.commit({
        tables: [
          {
            tableId: s.tableId,
            add: [
              { path: 'warehouse/dmd/sale/type=a/f1.parquet', format: 'parquet', recordCount: 3, sizeBytes: 30, partitionValues: { type: 'a' }, columnStats: [{ column: 'id', minValue: '9', maxValue: '10', nullCount: 0 }] },
              { path: 'elsewhere/f2.parquet', format: 'parquet', recordCount: 4, sizeBytes: 40, partitionValues: { type: 'b' }, columnStats: [{ column: 'id', minValue: '2', maxValue: '8', nullCount: 1 }] },
            ],
          },
        ],
      });
      assert.match(commit.snapshot.changes, /^inserted_into_table:2$/);
      const check = new Database(s.path, { readonly: true });
      try {
        const files = check.prepare('SELECT data_file_id, path, path_is_relative, row_id_start, partition_id, record_count FROM ducklake_data_file ORDER BY data_file_id').all();
        assert.deepEqual(files, [
          { data_file_id: 0, path: 'type=a/f1.parquet', path_is_relative: 1, row_id_start: 0, partition_id: 3, record_count: 3 },
          { data_file_id: 1, path: 'elsewhere/f2.parquet', path_is_relative: 0, row_id_start: 3, partition_id: 3, record_count: 4 },
        ]);
        assert.deepEqual(check.prepare('SELECT next_file_id FROM ducklake_snapshot WHERE snapshot_id = 3').get(), { next_file_id: 2 });
        assert.deepEqual(check.prepare('SELECT data_file_id, partition_key_index, partition_value FROM ducklake_file_partition_value ORDER BY data_file_id').all(), [
          { data_file_id: 0, partition_key_index: 0, partition_value: 'a' },
          { data_file_id: 1, partition_key_index: 0, partition_value: 'b' },
        ]);
        assert.deepEqual(check.prepare('SELECT record_count, next_row_id, file_size_bytes FROM ducklake_table_stats WHERE table_id = 2').get(), {
          record_count: 7,
          next_row_id: 7,
          file_size_bytes: 70,
        });
        // numeric stats compare as numbers: "10" is the max, not "9"
        assert.deepEqual(check.prepare('SELECT column_id, contains_null, min_value, max_value FROM ducklake_table_column_stats').all(), [
          { column_id: 1, contains_null: 1, min_value: '2', max_value: '10' },
        ]);
      } finally {
        check.close();
      }
    } finally {
      await s.store.close();
      await s.cleanup();
    }
  });

  it('configures connections with WAL, synchronous=NORMAL and a 10 s busy timeout', async () => {
    const tmp = await tempDir('lakestack-catalog-');
    const db = openSqliteConnection(join(tmp.dir, 'nested', 'catalog.db'));
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(db.pragma('synchronous', { simple: true }), 1);
      assert.equal(db.pragma('busy_timeout', { simple: true }), 10_000);
    } finally {
      db.close();
      await tmp.cleanup();
    }
  });

  it('reopening keeps every snapshot, table, file and checkpoint', async () => {
    const s = await setup();
    try {
      await s.store.commit({
        tables: [{ tableId: s.tableId, add: [{ path: 'warehouse/dmd/sale/type=a/f.parquet', format: 'parquet', recordCount: 1, sizeBytes: 1, partitionValues: { type: 'a' } }] }],
        checkpoints: [{ consumer: 'c', stream: 's', shard: '0', position: '42', expected: null }],
      });
      const snapshot = await s.store.currentSnapshot();
      const table = await s.store.getTableById(s.tableId);
      const files = await s.store.listDataFiles(s.tableId);
      await s.store.close();
      const reopened = await openSqliteMetadataStore(s.path);
      try {
        assert.deepEqual(await reopened.currentSnapshot(), snapshot);
        assert.deepEqual(await reopened.getTableById(s.tableId), table);
        assert.deepEqual(await reopened.listDataFiles(s.tableId), files);
        assert.equal((await reopened.getCheckpoints('c', 's'))[0]?.position, '42');
      } finally {
        await reopened.close();
      }
    } finally {
      await s.cleanup();
    }
  });

  it('applies migrations once, one step at a time, and refuses a newer catalog', async () => {
    const tmp = await tempDir('lakestack-catalog-');
    try {
      const path = join(tmp.dir, 'catalog.db');
      const db = new Database(path);
      try {
        const real = SQLITE_MIGRATIONS.map((m) => m.version);
        const n = real.length;
        assert.deepEqual(migrateSqliteCatalog(db), real);
        assert.deepEqual(migrateSqliteCatalog(db), []);
        const stepA = { version: n + 1, description: 'test step', up: 'CREATE TABLE lakestack_test_step (x BIGINT);' };
        const stepB = { version: n + 2, description: 'test step B', up: 'INSERT INTO lakestack_test_step VALUES (3);' };
        assert.deepEqual(migrateSqliteCatalog(db, [...SQLITE_MIGRATIONS, stepA, stepB]), [n + 1, n + 2]);
        assert.deepEqual(migrateSqliteCatalog(db, [...SQLITE_MIGRATIONS, stepA, stepB]), []);
        assert.deepEqual(db.prepare('SELECT version FROM lakestack_schema_migration ORDER BY version').pluck().all(), [...real, n + 1, n + 2]);
        assert.deepEqual(db.prepare('SELECT count(*) FROM ducklake_snapshot').pluck().get(), 1);
        // a failing step rolls back alone; the steps before it stay applied
        const bad = { version: n + 3, description: 'broken', up: 'CREATE TABLE lakestack_half (x BIGINT); SELECT * FROM no_such_table;' };
        assert.throws(() => migrateSqliteCatalog(db, [...SQLITE_MIGRATIONS, stepA, stepB, bad]));
        assert.equal(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'lakestack_half'").pluck().get(), 0);
        assert.equal(db.prepare('SELECT max(version) FROM lakestack_schema_migration').pluck().get(), n + 2);
      } finally {
        db.close();
      }
      await assert.rejects(openSqliteMetadataStore(path), (err: unknown) => err instanceof TerminalError && err.code === 'CATALOG_TOO_NEW');
    } finally {
      await tmp.cleanup();
    }
  });

  // Commit latency is measured by `npm run bench:cdc` against a durable-write baseline, not here.
  it('keeps every file, stat and checkpoint across 30 commits of 10 files', async () => {
    const s = await setup();
    try {
      for (let c = 0; c < 30; c++) {
        const add = Array.from({ length: 10 }, (_, i) => ({
          path: `warehouse/dmd/sale/type=a/c${c}-${i}.parquet`,
          format: 'parquet' as const,
          recordCount: 100,
          sizeBytes: 4096,
          partitionValues: { type: 'a' },
          columnStats: [{ column: 'id', valueCount: 100, nullCount: 0, minValue: String(i), maxValue: String(i + 100) }],
        }));
        await s.store.commit({ tables: [{ tableId: s.tableId, add }], checkpoints: [{ consumer: 'c', stream: 's', shard: '0', position: String(c) }] });
      }
      const files = await s.store.listDataFiles(s.tableId);
      assert.equal(files.length, 300);
      assert.ok(files.every((f) => f.columnStats?.[0]?.maxValue !== undefined));
      assert.deepEqual((await s.store.getCheckpoints('c', 's')).map((c) => c.position), ['29']);
    } finally {
      await s.store.close();
      await s.cleanup();
    }
  });

  describe('several processes on one file', () => {
    let s: Setup;
    before(async () => {
      s = await setup();
    });
    after(async () => {
      await s.store.close();
      await s.cleanup();
    });

    it('two processes committing 50 times each: 100 snapshots, none lost', async () => {
      const base = (await s.store.currentSnapshot()).snapshotId;
      const w1 = runWorker(s.path, s.tableId, 50, 'w1', true);
      const w2 = runWorker(s.path, s.tableId, 50, 'w2', true);
      await Promise.all([w1.printed('ready'), w2.printed('ready')]);
      w1.go();
      w2.go();
      assert.deepEqual(await Promise.all([w1.done, w2.done]), [0, 0]);
      assert.equal((await s.store.currentSnapshot()).snapshotId, base + 100);
      const files = await s.store.listDataFiles(s.tableId);
      assert.equal(files.length, 100);
      for (const label of ['w1', 'w2']) {
        assert.equal(files.filter((f) => f.path.startsWith(`warehouse/dmd/sale/${label}/`)).length, 50);
        assert.equal((await s.store.getCheckpoints('worker', label))[0]?.position, '50');
      }
      const snapshots = await s.store.listSnapshots({ tableId: s.tableId, limit: 100 });
      assert.equal(new Set(snapshots.map((x) => x.snapshotId)).size, 100);
      const order = [...files].sort((a, b) => a.beginSnapshot - b.beginSnapshot).map((f) => f.path.split('/')[3]);
      const switches = order.filter((label, i) => i > 0 && label !== order[i - 1]).length;
      assert.ok(switches >= 2, `the two writers interleaved (${switches} hand-overs)`);
    });

    it('a process killed mid-commit leaves the old snapshot or the new one, never half', async () => {
      const base = (await s.store.currentSnapshot()).snapshotId;
      const worker = runWorker(s.path, s.tableId, 0, 'crash');
      await worker.printed('started');
      await new Promise((resolve) => setTimeout(resolve, 150));
      worker.kill();
      await worker.done;

      const reopened = await openSqliteMetadataStore(s.path);
      try {
        const current = await reopened.currentSnapshot();
        const commits = current.snapshotId - base;
        assert.ok(commits >= 1, 'the worker committed before it was killed');
        const files = (await reopened.listDataFiles(s.tableId)).filter((f) => f.path.includes('/crash/'));
        assert.equal(files.length, commits, 'every snapshot has its file, and no file lacks a snapshot');
        for (const file of files) {
          const i = file.beginSnapshot - base;
          assert.equal(file.path, `warehouse/dmd/sale/crash/${i}.parquet`);
          assert.equal(file.recordCount, i);
        }
        const [checkpoint] = await reopened.getCheckpoints('worker', 'crash');
        assert.equal(checkpoint?.position, String(commits));
        assert.equal(checkpoint?.snapshotId, current.snapshotId);
        const db = new Database(s.path, { readonly: true });
        try {
          assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
          assert.equal(db.prepare('SELECT count(*) FROM ducklake_snapshot_changes WHERE snapshot_id > ?').pluck().get(base), commits);
        } finally {
          db.close();
        }
      } finally {
        await reopened.close();
      }
    });
  });
});
