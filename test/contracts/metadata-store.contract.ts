import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { ColumnSpec } from '../../src/catalog/column-types.ts';
import type { CreateTableSpec, MetadataStore, NewDataFile, TableInfo } from '../../src/catalog/metadata-store.ts';
import { ConflictError, NotFoundError, ValidationError, type LakestackError } from '../../src/errors.ts';

/** What a backend hands the suite: a fresh, empty store and how to dispose of it. */
export interface MetadataStoreFixture {
  store: MetadataStore;
  cleanup(): Promise<void>;
}

/** Asserts the promise rejects with `errorClass` carrying `code`. */
async function rejectsWith(promise: Promise<unknown>, errorClass: new (...args: never[]) => LakestackError, code: string): Promise<LakestackError> {
  let caught: unknown;
  await assert.rejects(promise, (err: unknown) => {
    caught = err;
    return true;
  });
  assert.ok(caught instanceof errorClass, `expected ${errorClass.name}, got ${String(caught)}`);
  assert.equal((caught as LakestackError).code, code);
  return caught as LakestackError;
}

const SALE_COLUMNS: ColumnSpec[] = [
  { name: 'id', type: { kind: 'int64' }, nullable: false, doc: 'sale id' },
  { name: 'amount', type: { kind: 'decimal', precision: 12, scale: 2 }, nullable: true },
  { name: 'qty', type: { kind: 'int32' }, nullable: true },
  { name: 'type', type: { kind: 'varchar' }, nullable: false },
];

function saleSpec(overrides: Partial<CreateTableSpec> = {}): CreateTableSpec {
  return {
    database: 'dmd',
    name: 'sale',
    format: 'avro',
    path: 'warehouse/dmd/sale/',
    columns: SALE_COLUMNS,
    partitionColumns: ['type', 'partition_date'],
    properties: { owner: 'team-a' },
    ...overrides,
  };
}

function dataFile(name: string, type = 'sale', date = '2024-05-01', recordCount = 10): NewDataFile {
  return {
    path: `warehouse/dmd/sale/type=${type}/partition_date=${date}/${name}.avro`,
    format: 'avro',
    recordCount,
    sizeBytes: 1000 + recordCount,
    partitionValues: { type, partition_date: date },
  };
}

function withoutIds(table: TableInfo): ColumnSpec[] {
  return table.columns.map(({ columnId: _id, ...spec }) => spec);
}

/**
 * The behaviour every `MetadataStore` backend must show. Each test gets a fresh store from
 * `make` and disposes of it afterwards.
 */
export function describeMetadataStore(name: string, make: () => Promise<MetadataStoreFixture>): void {
  describe(`MetadataStore contract: ${name}`, () => {
    let fixture: MetadataStoreFixture;
    let store: MetadataStore;

    beforeEach(async () => {
      fixture = await make();
      store = fixture.store;
    });

    afterEach(async () => {
      await fixture.store.close();
      await fixture.cleanup();
    });

    async function saleTable(): Promise<TableInfo> {
      await store.createDatabase('dmd');
      return store.createTable(saleSpec());
    }

    it('starts at snapshot 0: the empty catalog', async () => {
      const current = await store.currentSnapshot();
      assert.equal(current.snapshotId, 0);
      assert.ok(current.time instanceof Date);
      assert.equal((await store.getSnapshot(0))?.snapshotId, 0);
      assert.equal(await store.getSnapshot(1), undefined);
      assert.deepEqual(await store.listDatabases(), []);
      assert.deepEqual(await store.listTables(), []);
      assert.equal((await store.snapshotAsOf(new Date(Date.now() + 60_000)))?.snapshotId, 0);
      assert.equal(await store.snapshotAsOf(new Date('2000-01-01T00:00:00Z')), undefined);
      assert.deepEqual((await store.listSnapshots()).map((s) => s.snapshotId), [0]);
    });

    it('creates databases as snapshots and lists them as of a snapshot', async () => {
      const dmd = await store.createDatabase('dmd', { description: 'demand' });
      assert.equal(dmd.name, 'dmd');
      assert.equal(dmd.beginSnapshot, 1);
      assert.deepEqual(dmd.properties, { description: 'demand' });
      const current = await store.currentSnapshot();
      assert.equal(current.snapshotId, 1);
      assert.ok(current.schemaVersion > 0, 'DDL bumps the catalog schema version');
      assert.match(current.changes, /created_schema:"dmd"/);
      await store.createDatabase('ops');
      assert.deepEqual((await store.listDatabases()).map((d) => d.name), ['dmd', 'ops']);
      assert.deepEqual((await store.listDatabases(1)).map((d) => d.name), ['dmd']);
      assert.equal(await store.getDatabase('dmd', 0), undefined);
      assert.deepEqual((await store.getDatabase('dmd'))?.properties, { description: 'demand' });
      await rejectsWith(store.createDatabase('dmd'), ConflictError, 'DATABASE_EXISTS');
      assert.equal((await store.currentSnapshot()).snapshotId, 2, 'a failed create takes no snapshot');
    });

    it('creates tables, refuses duplicates and unknown databases, and lists them at snapshots', async () => {
      await rejectsWith(store.createTable(saleSpec()), NotFoundError, 'DATABASE_NOT_FOUND');
      await store.createDatabase('dmd');
      const before = await store.currentSnapshot();
      const sale = await store.createTable(saleSpec());
      assert.equal(sale.database, 'dmd');
      assert.equal(sale.name, 'sale');
      assert.equal(sale.format, 'avro');
      assert.equal(sale.path, 'warehouse/dmd/sale/');
      assert.equal(sale.tableVersion, 1);
      assert.equal(sale.schemaVersion, 1);
      assert.equal(sale.beginSnapshot, before.snapshotId + 1);
      assert.match(sale.uuid, /^[0-9a-f-]{36}$/);
      assert.deepEqual(sale.partitionColumns, ['type', 'partition_date']);
      assert.deepEqual(sale.properties, { owner: 'team-a' });
      assert.deepEqual(withoutIds(sale), SALE_COLUMNS);
      assert.equal(new Set(sale.columns.map((c) => c.columnId)).size, SALE_COLUMNS.length);
      const created = await store.currentSnapshot();
      assert.ok(created.schemaVersion > before.schemaVersion);
      assert.match(created.changes, /created_table:"dmd"\."sale"/);

      await rejectsWith(store.createTable(saleSpec()), ConflictError, 'TABLE_EXISTS');
      await store.createTable(saleSpec({ name: 'return', path: 'warehouse/dmd/return/', partitionColumns: [] }));
      assert.deepEqual((await store.listTables('dmd')).map((t) => t.name), ['return', 'sale']);
      assert.deepEqual((await store.listTables(undefined, created.snapshotId)).map((t) => t.name), ['sale']);
      assert.deepEqual(await store.listTables('dmd', before.snapshotId), []);
      assert.deepEqual(await store.listTables('nope'), []);
      assert.equal((await store.getTable('dmd', 'sale'))?.tableId, sale.tableId);
      assert.equal(await store.getTable('dmd', 'sale', before.snapshotId), undefined);
      assert.deepEqual(await store.getTableById(sale.tableId), sale);
      assert.equal(await store.getTableById(9999), undefined);
    });

    it('rejects malformed table specs', async () => {
      await store.createDatabase('dmd');
      await rejectsWith(store.createTable(saleSpec({ path: 'no/trailing/slash' })), ValidationError, 'TABLE_PATH_INVALID');
      const dup: ColumnSpec[] = [...SALE_COLUMNS, { name: 'id', type: { kind: 'varchar' }, nullable: true }];
      await rejectsWith(store.createTable(saleSpec({ columns: dup })), ValidationError, 'COLUMN_INVALID');
    });

    it('round-trips nested column types: struct with a list of structs, map, decimal', async () => {
      await store.createDatabase('dmd');
      const columns: ColumnSpec[] = [
        { name: 'id', type: { kind: 'uuid' }, nullable: false },
        {
          name: 'order',
          nullable: true,
          doc: 'the order as placed',
          type: {
            kind: 'struct',
            fields: [
              { name: 'placed_at', type: { kind: 'timestamptz' }, nullable: false },
              {
                name: 'lines',
                nullable: true,
                type: {
                  kind: 'list',
                  element: {
                    kind: 'struct',
                    fields: [
                      { name: 'sku', type: { kind: 'varchar' }, nullable: false, doc: 'stock unit' },
                      { name: 'price', type: { kind: 'decimal', precision: 18, scale: 4 }, nullable: true },
                      { name: 'tags', type: { kind: 'list', element: { kind: 'varchar' } }, nullable: true },
                    ],
                  },
                },
              },
            ],
          },
        },
        { name: 'attributes', type: { kind: 'map', key: { kind: 'varchar' }, value: { kind: 'list', element: { kind: 'int16' } } }, nullable: true },
        { name: 'score', type: { kind: 'decimal', precision: 38, scale: 9 }, nullable: true },
        { name: 'payload', type: { kind: 'json' }, nullable: true },
      ];
      const created = await store.createTable({ database: 'dmd', name: 'orders', format: 'parquet', path: 'w/orders/', columns, partitionColumns: [] });
      assert.deepEqual(withoutIds(created), columns);
      const read = await store.getTable('dmd', 'orders');
      assert.ok(read);
      assert.deepEqual(withoutIds(read), columns);
    });

    it('alterTable keeps column ids by name, bumps the schema version and keeps history', async () => {
      const sale = await saleTable();
      const v1 = await store.currentSnapshot();
      const ids = new Map(sale.columns.map((c) => [c.name, c.columnId]));
      const evolved: ColumnSpec[] = [
        SALE_COLUMNS[0] as ColumnSpec,
        SALE_COLUMNS[1] as ColumnSpec,
        { name: 'qty', type: { kind: 'int64' }, nullable: true },
        SALE_COLUMNS[3] as ColumnSpec,
        { name: 'channel', type: { kind: 'varchar' }, nullable: true },
      ];
      const altered = await store.alterTable(sale.tableId, { columns: evolved, properties: { stage: 'gold' } });
      const v2 = await store.currentSnapshot();
      assert.equal(v2.snapshotId, v1.snapshotId + 1);
      assert.ok(v2.schemaVersion > v1.schemaVersion);
      assert.match(v2.changes, new RegExp(`altered_table:${sale.tableId}`));
      assert.equal(altered.schemaVersion, 2);
      assert.equal(altered.tableVersion, 1);
      assert.equal(altered.tableId, sale.tableId);
      assert.deepEqual(withoutIds(altered), evolved);
      for (const column of altered.columns) {
        if (ids.has(column.name)) assert.equal(column.columnId, ids.get(column.name), `column ${column.name} keeps its id`);
      }
      const channel = altered.columns.find((c) => c.name === 'channel');
      assert.ok(channel && ![...ids.values()].includes(channel.columnId), 'a new column gets a new id');
      assert.deepEqual(altered.properties, { owner: 'team-a', stage: 'gold' });

      const old = await store.getTableById(sale.tableId, v1.snapshotId);
      assert.ok(old);
      assert.equal(old.schemaVersion, 1);
      assert.deepEqual(withoutIds(old), SALE_COLUMNS);

      const dropped = await store.alterTable(sale.tableId, { columns: evolved.filter((c) => c.name !== 'amount') });
      assert.equal(dropped.schemaVersion, 3);
      assert.deepEqual(dropped.columns.map((c) => c.name), ['id', 'qty', 'type', 'channel']);

      const unchanged = await store.alterTable(sale.tableId, { properties: { stage: 'gold' } });
      assert.equal(unchanged.schemaVersion, 3);
      assert.equal((await store.currentSnapshot()).snapshotId, v2.snapshotId + 1, 'a no-op alter takes no snapshot');
      await rejectsWith(store.alterTable(4242, { properties: { a: 'b' } }), NotFoundError, 'TABLE_NOT_FOUND');
    });

    it('commits files with partition values and stats; reads them back with a partition filter', async () => {
      const sale = await saleTable();
      const a = { ...dataFile('a'), columnStats: [{ column: 'qty', valueCount: 10, nullCount: 1, minValue: '2', maxValue: '9' }, { column: 'type', minValue: 'sale', maxValue: 'sale' }] };
      const b = dataFile('b', 'return', '2024-05-02', 5);
      const result = await store.commit({ tables: [{ tableId: sale.tableId, add: [a, b] }], author: 'ingest', message: 'batch 1' });
      assert.equal(result.addedFileIds.length, 2);
      assert.notEqual(result.addedFileIds[0], result.addedFileIds[1]);
      assert.equal(result.snapshot.author, 'ingest');
      assert.equal(result.snapshot.message, 'batch 1');
      assert.match(result.snapshot.changes, new RegExp(`inserted_into_table:${sale.tableId}`));
      const stored = await store.getSnapshot(result.snapshot.snapshotId);
      assert.deepEqual(stored, result.snapshot);

      const files = await store.listDataFiles(sale.tableId);
      assert.deepEqual(files.map((f) => f.path), [a.path, b.path]);
      const [fa, fb] = files;
      assert.ok(fa && fb);
      assert.equal(fa.dataFileId, result.addedFileIds[0]);
      assert.equal(fa.tableId, sale.tableId);
      assert.equal(fa.beginSnapshot, result.snapshot.snapshotId);
      assert.equal(fa.endSnapshot, undefined);
      assert.equal(fa.format, 'avro');
      assert.equal(fa.recordCount, 10);
      assert.equal(fa.sizeBytes, 1010);
      assert.deepEqual(fa.partitionValues, { type: 'sale', partition_date: '2024-05-01' });
      assert.deepEqual(fa.columnStats, a.columnStats);
      assert.deepEqual(fb.partitionValues, { type: 'return', partition_date: '2024-05-02' });

      const pruned = await store.listDataFiles(sale.tableId, { partitionFilter: (v) => v.type === 'return' });
      assert.deepEqual(pruned.map((f) => f.path), [b.path]);

      await rejectsWith(
        store.commit({ tables: [{ tableId: sale.tableId, add: [{ ...dataFile('c'), partitionValues: { type: 'sale' } }] }] }),
        ValidationError,
        'PARTITION_VALUES_MISMATCH',
      );
      await rejectsWith(store.commit({ tables: [{ tableId: sale.tableId, add: [a] }] }), ConflictError, 'FILE_ALREADY_PRESENT');
    });

    it('time travel: files and columns as of older snapshots', async () => {
      const sale = await saleTable();
      const first = await store.commit({ tables: [{ tableId: sale.tableId, add: [dataFile('a'), dataFile('b')] }] });
      const [idA, idB] = first.addedFileIds;
      assert.ok(idA !== undefined && idB !== undefined);
      const second = await store.commit({ tables: [{ tableId: sale.tableId, add: [dataFile('ab')], remove: [idA, idB] }] });
      assert.match(second.snapshot.changes, new RegExp(`deleted_from_table:${sale.tableId}`));
      await store.alterTable(sale.tableId, { columns: [...SALE_COLUMNS, { name: 'note', type: { kind: 'varchar' }, nullable: true }] });

      const atFirst = await store.listDataFiles(sale.tableId, { snapshotId: first.snapshot.snapshotId });
      assert.deepEqual(atFirst.map((f) => f.dataFileId), [idA, idB]);
      assert.ok(atFirst.every((f) => f.endSnapshot === second.snapshot.snapshotId));
      const atSecond = await store.listDataFiles(sale.tableId, { snapshotId: second.snapshot.snapshotId });
      assert.deepEqual(atSecond.map((f) => f.dataFileId), second.addedFileIds);
      assert.deepEqual(await store.listDataFiles(sale.tableId, { snapshotId: sale.beginSnapshot }), []);
      assert.deepEqual((await store.listDataFiles(sale.tableId)).map((f) => f.dataFileId), second.addedFileIds);

      const columnsThen = await store.getTableById(sale.tableId, second.snapshot.snapshotId);
      assert.deepEqual(columnsThen?.columns.map((c) => c.name), ['id', 'amount', 'qty', 'type']);
      const columnsNow = await store.getTableById(sale.tableId);
      assert.deepEqual(columnsNow?.columns.map((c) => c.name), ['id', 'amount', 'qty', 'type', 'note']);
      await rejectsWith(store.listDataFiles(sale.tableId, { snapshotId: 999 }), NotFoundError, 'SNAPSHOT_NOT_FOUND');
      await rejectsWith(store.listDataFiles(777), NotFoundError, 'TABLE_NOT_FOUND');
    });

    it('commit adds and removes atomically: a conflicting removal publishes nothing', async () => {
      const sale = await saleTable();
      const first = await store.commit({ tables: [{ tableId: sale.tableId, add: [dataFile('a')] }] });
      const id = first.addedFileIds[0] as number;
      await store.commit({ tables: [{ tableId: sale.tableId, remove: [id] }] });
      const before = await store.currentSnapshot();
      const err = await rejectsWith(
        store.commit({
          tables: [{ tableId: sale.tableId, add: [dataFile('b')], remove: [id] }],
          checkpoints: [{ consumer: 'c', stream: 's', shard: '0', position: '5' }],
        }),
        ConflictError,
        'FILE_ALREADY_REMOVED',
      );
      assert.match(err.message, new RegExp(String(id)));
      assert.equal((await store.currentSnapshot()).snapshotId, before.snapshotId);
      assert.deepEqual(await store.listDataFiles(sale.tableId), []);
      assert.deepEqual(await store.getCheckpoints('c', 's'), []);
      assert.ok(!(await store.listKnownFilePaths()).has(dataFile('b').path));
      await rejectsWith(store.commit({ tables: [{ tableId: sale.tableId, remove: [123456] }] }), NotFoundError, 'FILE_NOT_FOUND');
    });

    it('a commit naming an unknown table changes nothing: no snapshot, no checkpoint, no file', async () => {
      const sale = await saleTable();
      const before = await store.currentSnapshot();
      await rejectsWith(
        store.commit({
          tables: [
            { tableId: sale.tableId, add: [dataFile('a')] },
            { tableId: 98765, add: [dataFile('b')] },
          ],
          checkpoints: [{ consumer: 'c', stream: 's', shard: '0', position: '1' }],
        }),
        NotFoundError,
        'TABLE_NOT_FOUND',
      );
      assert.equal((await store.currentSnapshot()).snapshotId, before.snapshotId);
      assert.deepEqual(await store.getCheckpoints('c', 's'), []);
      assert.deepEqual(await store.listDataFiles(sale.tableId), []);
    });

    it('lists the files added and removed between two snapshots (incremental reads)', async () => {
      const sale = await saleTable();
      const start = (await store.currentSnapshot()).snapshotId;
      const one = await store.commit({ tables: [{ tableId: sale.tableId, add: [dataFile('a'), dataFile('b')] }] });
      const [a] = one.addedFileIds;
      const two = await store.commit({ tables: [{ tableId: sale.tableId, add: [dataFile('c')], remove: [a!] }] });
      const all = await store.listFileChanges(sale.tableId, { after: start });
      assert.equal(all.upTo, two.snapshot.snapshotId);
      assert.deepEqual(all.added.map((f) => f.path).sort(), [dataFile('a').path, dataFile('b').path, dataFile('c').path].sort());
      assert.deepEqual(all.removed.map((f) => f.path), [dataFile('a').path]);
      const since = await store.listFileChanges(sale.tableId, { after: one.snapshot.snapshotId });
      assert.deepEqual([since.added.map((f) => f.path), since.removed.map((f) => f.path)], [[dataFile('c').path], [dataFile('a').path]]);
      const window = await store.listFileChanges(sale.tableId, { after: start, upTo: one.snapshot.snapshotId });
      assert.deepEqual([window.added.length, window.removed.length], [2, 0]);
      await rejectsWith(store.listFileChanges(98765, { after: 0 }), NotFoundError, 'TABLE_NOT_FOUND');
    });

    it('processed-file ledger entries are published with the data, replaced per key, and never written by a failed commit', async () => {
      const sale = await saleTable();
      const job = 'bronze-job';
      const first = await store.commit({
        tables: [{ tableId: sale.tableId, add: [dataFile('a')] }],
        ledger: [
          { consumer: job, key: 'raw/2024-05-01.csv', etag: 'e1', size: 100 },
          { consumer: job, key: 'raw/2024-05-02.csv', etag: 'e2', size: 200 },
        ],
      });
      const entries = await store.getLedgerEntries(job);
      assert.deepEqual(entries.map((e) => [e.key, e.etag, e.size, e.snapshotId]), [
        ['raw/2024-05-01.csv', 'e1', 100, first.snapshot.snapshotId],
        ['raw/2024-05-02.csv', 'e2', 200, first.snapshot.snapshotId],
      ]);
      assert.ok(entries.every((e) => e.processedAt instanceof Date));
      const second = await store.commit({ tables: [{ tableId: sale.tableId, add: [dataFile('b')] }], ledger: [{ consumer: job, key: 'raw/2024-05-01.csv', etag: 'e1b', size: 120 }] });
      assert.deepEqual(
        (await store.getLedgerEntries(job, ['raw/2024-05-01.csv', 'raw/missing.csv'])).map((e) => [e.key, e.etag, e.size, e.snapshotId]),
        [['raw/2024-05-01.csv', 'e1b', 120, second.snapshot.snapshotId]],
      );
      await assert.rejects(store.commit({ tables: [{ tableId: 98765, add: [dataFile('c')] }], ledger: [{ consumer: job, key: 'raw/x.csv', etag: 'x', size: 1 }] }));
      assert.deepEqual(await store.getLedgerEntries(job, ['raw/x.csv']), [], 'a failed commit writes no ledger entry');
      assert.deepEqual(await store.getLedgerEntries('other-job'), []);
    });

    it('checkpoints are compare-and-set and published with the snapshot', async () => {
      const sale = await saleTable();
      const cp = { consumer: 'dmd-ingest', stream: 'dmd-changes', shard: 'shard-0' };
      const first = await store.commit({ tables: [{ tableId: sale.tableId, add: [dataFile('a')] }], checkpoints: [{ ...cp, position: '100', expected: null }] });
      let [saved] = await store.getCheckpoints(cp.consumer, cp.stream);
      assert.ok(saved);
      assert.equal(saved.position, '100');
      assert.equal(saved.shard, 'shard-0');
      assert.equal(saved.snapshotId, first.snapshot.snapshotId);
      assert.ok(saved.updatedAt instanceof Date);

      const fenced = await rejectsWith(
        store.commit({ tables: [{ tableId: sale.tableId, add: [dataFile('b')] }], checkpoints: [{ ...cp, position: '200', expected: '150' }] }),
        ConflictError,
        'CHECKPOINT_FENCED',
      );
      assert.equal(fenced.fields.consumer, cp.consumer);
      assert.equal(fenced.fields.stream, cp.stream);
      assert.equal(fenced.fields.shard, cp.shard);
      assert.equal(fenced.fields.expected, '150');
      assert.equal(fenced.fields.actual, '100');
      assert.match(fenced.message, /dmd-ingest/);
      assert.equal((await store.listDataFiles(sale.tableId)).length, 1, 'the fenced commit added no file');
      await rejectsWith(store.commit({ tables: [], checkpoints: [{ ...cp, position: '1', expected: null }] }), ConflictError, 'CHECKPOINT_FENCED');

      const second = await store.commit({ tables: [{ tableId: sale.tableId, add: [dataFile('b')] }], checkpoints: [{ ...cp, position: '200', expected: '100' }] });
      [saved] = await store.getCheckpoints(cp.consumer, cp.stream);
      assert.equal(saved?.position, '200');
      assert.equal(saved?.snapshotId, second.snapshot.snapshotId);

      await store.putCheckpoints([{ ...cp, shard: 'shard-1', position: 'LATEST', expected: null }]);
      assert.equal((await store.currentSnapshot()).snapshotId, second.snapshot.snapshotId, 'putCheckpoints takes no snapshot');
      await rejectsWith(store.putCheckpoints([{ ...cp, shard: 'shard-1', position: 'x', expected: null }]), ConflictError, 'CHECKPOINT_FENCED');
      await store.putCheckpoints([{ ...cp, shard: 'shard-1', position: 'y' }]);
      const all = await store.getCheckpoints(cp.consumer, cp.stream);
      assert.deepEqual(all.map((c) => [c.shard, c.position]), [['shard-0', '200'], ['shard-1', 'y']]);
      assert.deepEqual(await store.getCheckpoints('other', cp.stream), []);
    });

    it('20 concurrent commits all land as 20 snapshots', async () => {
      const sale = await saleTable();
      const before = await store.currentSnapshot();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.commit({ tables: [{ tableId: sale.tableId, add: [dataFile(`p${i}`)] }], checkpoints: [{ consumer: 'c', stream: 's', shard: String(i), position: String(i) }] }),
        ),
      );
      const ids = results.map((r) => r.snapshot.snapshotId).sort((x, y) => x - y);
      assert.deepEqual(ids, Array.from({ length: 20 }, (_, i) => before.snapshotId + 1 + i));
      assert.equal((await store.currentSnapshot()).snapshotId, before.snapshotId + 20);
      const files = await store.listDataFiles(sale.tableId);
      assert.equal(files.length, 20);
      assert.equal(new Set(files.map((f) => f.dataFileId)).size, 20);
      assert.equal((await store.getCheckpoints('c', 's')).length, 20);
    });

    it('drop + recreate: a new table version, and the old files retire', async () => {
      const sale = await saleTable();
      const added = await store.commit({ tables: [{ tableId: sale.tableId, add: [dataFile('a'), dataFile('b')] }] });
      const dropSnapshot = await store.dropTable(sale.tableId);
      assert.match(dropSnapshot.changes, new RegExp(`dropped_table:${sale.tableId}`));
      assert.equal(await store.getTable('dmd', 'sale'), undefined);
      assert.equal(await store.getTableById(sale.tableId), undefined);
      assert.equal((await store.getTableById(sale.tableId, added.snapshot.snapshotId))?.name, 'sale');
      assert.deepEqual(await store.listDataFiles(sale.tableId), []);
      assert.equal((await store.listDataFiles(sale.tableId, { snapshotId: added.snapshot.snapshotId })).length, 2);
      await rejectsWith(store.commit({ tables: [{ tableId: sale.tableId, add: [dataFile('c')] }] }), ConflictError, 'TABLE_DROPPED');
      await rejectsWith(store.dropTable(sale.tableId), NotFoundError, 'TABLE_NOT_FOUND');

      const recreated = await store.createTable(saleSpec({ columns: SALE_COLUMNS.filter((c) => c.name !== 'qty') }));
      assert.notEqual(recreated.tableId, sale.tableId);
      assert.equal(recreated.tableVersion, 2);
      assert.equal(recreated.schemaVersion, 1);
      assert.equal((await store.getTable('dmd', 'sale'))?.tableId, recreated.tableId);
      assert.deepEqual(await store.listDataFiles(recreated.tableId), []);

      const retired = await store.listRetiredFiles(new Date(Date.now() + 60_000));
      assert.deepEqual(retired.map((f) => f.dataFileId).sort(), [...added.addedFileIds].sort());
      assert.ok(retired.every((f) => f.endSnapshot === dropSnapshot.snapshotId));
      assert.deepEqual(await store.listRetiredFiles(new Date(dropSnapshot.time.getTime() - 1)), []);

      // the new incarnation writes a file under an old key: that object is live, not a vacuum candidate
      await store.commit({ tables: [{ tableId: recreated.tableId, add: [dataFile('a')] }] });
      const stillRetired = await store.listRetiredFiles(new Date(Date.now() + 60_000));
      assert.deepEqual(stillRetired.map((f) => f.path), [dataFile('b').path]);
    });

    it('listRetiredFiles, listKnownFilePaths and forgetFiles', async () => {
      const sale = await saleTable();
      const first = await store.commit({ tables: [{ tableId: sale.tableId, add: [dataFile('a'), dataFile('b')] }] });
      const [idA, idB] = first.addedFileIds as [number, number];
      const compacted = await store.commit({ tables: [{ tableId: sale.tableId, add: [dataFile('ab')], remove: [idA, idB] }] });
      const known = await store.listKnownFilePaths();
      assert.deepEqual([...known].sort(), [dataFile('a').path, dataFile('ab').path, dataFile('b').path].sort());

      const retired = await store.listRetiredFiles(new Date(Date.now() + 60_000));
      assert.deepEqual(retired.map((f) => f.path), [dataFile('a').path, dataFile('b').path]);
      assert.deepEqual(retired[0]?.partitionValues, { type: 'sale', partition_date: '2024-05-01' });
      assert.deepEqual(await store.listRetiredFiles(new Date(compacted.snapshot.time.getTime() - 1)), []);

      const live = compacted.addedFileIds[0] as number;
      await rejectsWith(store.forgetFiles([idA, live]), ValidationError, 'FILE_NOT_RETIRED');
      assert.equal((await store.listKnownFilePaths()).size, 3, 'a refused forget deletes nothing');
      await store.forgetFiles([idA, idB]);
      assert.deepEqual([...(await store.listKnownFilePaths())], [dataFile('ab').path]);
      assert.deepEqual(await store.listRetiredFiles(new Date(Date.now() + 60_000)), []);
      assert.deepEqual((await store.listDataFiles(sale.tableId)).map((f) => f.dataFileId), [live]);
      await store.forgetFiles([idA]);
    });

    it('query history round-trips, newest first, by workgroup and limit', async () => {
      const base = Date.parse('2024-05-01T10:00:00.000Z');
      await store.recordQuery({ queryId: 'q1', workgroup: 'primary', sql: 'select 1', status: 'SUCCEEDED', startedAt: new Date(base), durationMs: 12, rows: 1, bytesScanned: 0 });
      const failed = {
        queryId: 'q2',
        workgroup: 'analysts',
        sql: 'select * from dmd.sale',
        principal: 'alice',
        status: 'FAILED' as const,
        startedAt: new Date(base + 1000),
        durationMs: 3,
        rows: 0,
        bytesScanned: 2048,
        resultKey: 'results/q2.csv',
        snapshotId: 4,
        error: 'permission denied',
      };
      await store.recordQuery(failed);
      await store.recordQuery({ queryId: 'q3', workgroup: 'primary', sql: 'select 3', status: 'SUCCEEDED', startedAt: new Date(base + 2000), durationMs: 5, rows: 3, bytesScanned: 10 });
      assert.deepEqual(await store.getQuery('q2'), failed);
      assert.equal(await store.getQuery('nope'), undefined);
      assert.deepEqual((await store.listQueries()).map((q) => q.queryId), ['q3', 'q2', 'q1']);
      assert.deepEqual((await store.listQueries({ workgroup: 'primary' })).map((q) => q.queryId), ['q3', 'q1']);
      assert.deepEqual((await store.listQueries({ limit: 1 })).map((q) => q.queryId), ['q3']);
    });

    it('run history round-trips and recordRun replaces by runId', async () => {
      const startedAt = new Date('2024-05-01T10:00:00.000Z');
      await store.recordRun({ runId: 'r1', pipeline: 'dmd', kind: 'stream', trigger: 'schedule', status: 'RUNNING', startedAt, counts: {} });
      const finished = {
        runId: 'r1',
        pipeline: 'dmd',
        kind: 'stream',
        trigger: 'schedule',
        status: 'SUCCEEDED' as const,
        startedAt,
        finishedAt: new Date('2024-05-01T10:01:00.000Z'),
        counts: { in: 1000, written: 990, filtered: 8, deadLettered: 2 },
        snapshotId: 7,
      };
      await store.recordRun(finished);
      await store.recordRun({ runId: 'r2', pipeline: 'care', kind: 'job', trigger: 'manual', status: 'FAILED', startedAt: new Date('2024-05-02T00:00:00.000Z'), counts: { in: 1 }, error: 'boom' });
      assert.deepEqual(await store.listRuns({ pipeline: 'dmd' }), [finished]);
      assert.deepEqual((await store.listRuns()).map((r) => r.runId), ['r2', 'r1']);
      assert.deepEqual((await store.listRuns({ limit: 1 })).map((r) => r.runId), ['r2']);
    });

    it('listSnapshots by tableId lists only the snapshots that changed that table', async () => {
      await store.createDatabase('dmd');
      const sale = await store.createTable(saleSpec());
      const other = await store.createTable(saleSpec({ name: 'other', path: 'warehouse/dmd/other/', partitionColumns: [] }));
      const c1 = await store.commit({ tables: [{ tableId: sale.tableId, add: [dataFile('a')] }] });
      await store.commit({ tables: [{ tableId: other.tableId, add: [{ ...dataFile('x'), path: 'warehouse/dmd/other/x.avro', partitionValues: {} }] }] });
      const alter = await store.alterTable(sale.tableId, { properties: { stage: 'silver' } });
      assert.equal(alter.properties.stage, 'silver');
      const last = await store.currentSnapshot();
      const forSale = await store.listSnapshots({ tableId: sale.tableId });
      assert.deepEqual(forSale.map((s) => s.snapshotId), [last.snapshotId, c1.snapshot.snapshotId, sale.beginSnapshot]);
      assert.deepEqual((await store.listSnapshots({ tableId: sale.tableId, limit: 2 })).map((s) => s.snapshotId), [last.snapshotId, c1.snapshot.snapshotId]);
      const all = await store.listSnapshots();
      assert.deepEqual(all.map((s) => s.snapshotId), Array.from({ length: last.snapshotId + 1 }, (_, i) => last.snapshotId - i));
    });

    it('snapshotAsOf finds the latest snapshot at or before a time', async () => {
      const s1 = await store.createDatabase('a');
      const snap1 = await store.getSnapshot(s1.beginSnapshot);
      assert.ok(snap1);
      await new Promise((resolve) => setTimeout(resolve, 5));
      await store.createDatabase('b');
      const snap2 = await store.currentSnapshot();
      assert.ok(snap2.time.getTime() > snap1.time.getTime());
      assert.equal((await store.snapshotAsOf(snap2.time))?.snapshotId, snap2.snapshotId);
      assert.equal((await store.snapshotAsOf(new Date(snap2.time.getTime() - 1)))?.snapshotId, snap1.snapshotId);
      assert.equal((await store.snapshotAsOf(snap1.time))?.snapshotId, snap1.snapshotId);
    });
  });
}
