import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openSqliteMetadataStore } from '../catalog/index.ts';
import type { MetadataStore, TableInfo } from '../catalog/metadata-store.ts';
import { ConflictError } from '../errors.ts';
import { Metrics, silentLogger } from '../observability/index.ts';
import { DuckDbQueryEngine } from '../query/duckdb/duckdb-query-engine.ts';
import { LakehouseQuery } from '../query/lakehouse-query.ts';
import type { JsonValue } from '../query/query-engine.ts';
import { createFileBinder } from '../runtime/file-binders.ts';
import { LocalObjectStore } from '../storage/index.ts';
import { tempDir } from '../../test/support/paths.ts';
import { compactTable } from './compact-table.ts';
import { mergeIntoTable } from './merge-into-table.ts';
import type { MergeDeps } from './merge-into-table.ts';
import { writeParquetDataFiles } from './parquet-data-writer.ts';

describe('mergeIntoTable (copy-on-write upserts)', () => {
  let cleanup: () => Promise<void>;
  let catalog: MetadataStore;
  let engine: DuckDbQueryEngine;
  let deps: MergeDeps;
  let query: LakehouseQuery;
  let table: TableInfo;

  before(async () => {
    const tmp = await tempDir('lakestack-merge-');
    cleanup = tmp.cleanup;
    catalog = await openSqliteMetadataStore(':memory:');
    engine = new DuckDbQueryEngine();
    const store = new LocalObjectStore({ root: join(tmp.dir, 'objects') });
    const logger = silentLogger();
    const binder = createFileBinder({ store, engine, cacheDir: join(tmp.dir, 'cache'), logger });
    deps = { engine, store, catalog, binder, scratchDir: join(tmp.dir, 'cache', 'scratch') };
    query = new LakehouseQuery({ catalog, engine, store, binder, logger, metrics: new Metrics() });
    await catalog.createDatabase('cms');
    table = await catalog.createTable({
      database: 'cms',
      name: 'measures',
      format: 'parquet',
      path: 'silver/measures/',
      columns: [
        { name: 'facility', type: { kind: 'varchar' }, nullable: false },
        { name: 'measure', type: { kind: 'varchar' }, nullable: false },
        { name: 'score', type: { kind: 'float64' }, nullable: true },
        { name: 'period', type: { kind: 'varchar' }, nullable: false },
      ],
      partitionColumns: ['period'],
    });
    const initial = `SELECT * FROM (VALUES
      ('f1','m1',10.0,'2024Q1'), ('f2','m1',20.0,'2024Q1'), ('f3','m1',30.0,'2024Q1'),
      ('f1','m1',11.0,'2024Q2'), ('f2','m1',21.0,'2024Q2')) t(facility, measure, score, period)`;
    await catalog.commit({ tables: [{ tableId: table.tableId, add: await writeParquetDataFiles(deps, table, initial) }] });
  });
  after(async () => {
    await engine.close();
    await catalog.close();
    await cleanup();
  });

  async function rows(sql: string): Promise<JsonValue[][]> {
    const execution = await query.execute(sql, { workgroup: { name: 'wg', resultPrefix: 'results' } });
    const out: JsonValue[][] = [];
    for await (const b of execution.batches()) out.push(...b);
    return out;
  }

  it('updates, inserts and deletes by key, latest change wins, rewriting only files that hold merged keys', async () => {
    const before = await catalog.listDataFiles(table.tableId);
    const q2 = before.find((f) => f.partitionValues.period === '2024Q2')!;
    const changes = `SELECT * FROM (VALUES
      ('f1','m1',99.0,'2024Q1', 1, 'U'), ('f1','m1',12.5,'2024Q1', 2, 'U'),
      ('f3','m1',NULL,'2024Q1', 1, 'D'),
      ('f4','m1',40.0,'2024Q1', 1, 'I')) t(facility, measure, score, period, seq, op)`;
    const result = await mergeIntoTable(deps, { table, sourceSql: changes, keys: ['facility', 'measure', 'period'], orderBy: 'seq', deleteWhen: "op = 'D'", namePrefix: 'run2' });
    assert.deepEqual([result.updated, result.inserted, result.deleted, result.filesRewritten], [1, 1, 1, 1]);
    assert.ok(!result.remove.includes(q2.dataFileId), 'the 2024Q2 file holds no merged key and is not rewritten');
    await catalog.commit({ tables: [{ tableId: table.tableId, add: result.add, remove: result.remove }] });
    assert.deepEqual(await rows('SELECT facility, period, score FROM cms.measures ORDER BY period, facility'), [
      ['f1', '2024Q1', 12.5],
      ['f2', '2024Q1', 20],
      ['f4', '2024Q1', 40],
      ['f1', '2024Q2', 11],
      ['f2', '2024Q2', 21],
    ]);
    assert.ok((await catalog.listDataFiles(table.tableId)).some((f) => f.dataFileId === q2.dataFileId), 'untouched file still live');
  });

  it('detects a concurrent merge that rewrote the same file', async () => {
    const a = await mergeIntoTable(deps, { table, sourceSql: "SELECT 'f2' AS facility, 'm1' AS measure, 1.0 AS score, '2024Q2' AS period", keys: ['facility', 'measure', 'period'] });
    const b = await mergeIntoTable(deps, { table, sourceSql: "SELECT 'f1' AS facility, 'm1' AS measure, 2.0 AS score, '2024Q2' AS period", keys: ['facility', 'measure', 'period'] });
    await catalog.commit({ tables: [{ tableId: table.tableId, add: a.add, remove: a.remove }] });
    await assert.rejects(catalog.commit({ tables: [{ tableId: table.tableId, add: b.add, remove: b.remove }] }), (err) => err instanceof ConflictError);
    const redo = await mergeIntoTable(deps, { table, sourceSql: "SELECT 'f1' AS facility, 'm1' AS measure, 2.0 AS score, '2024Q2' AS period", keys: ['facility', 'measure', 'period'] });
    await catalog.commit({ tables: [{ tableId: table.tableId, add: redo.add, remove: redo.remove }] });
    assert.deepEqual(await rows("SELECT facility, score FROM cms.measures WHERE period = '2024Q2' ORDER BY 1"), [['f1', 2], ['f2', 1]], 'both merges kept after the redo');
  });

  it('compacts small files per partition without changing the rows', async () => {
    for (let i = 0; i < 4; i++) {
      const files = await writeParquetDataFiles(deps, table, `SELECT 'g${i}' AS facility, 'm9' AS measure, ${i}.0 AS score, '2024Q3' AS period`);
      await catalog.commit({ tables: [{ tableId: table.tableId, add: files }] });
    }
    const before = await rows('SELECT facility, measure, score, period FROM cms.measures ORDER BY ALL');
    const plan = await compactTable(deps, table, { minFiles: 3 });
    const q3 = plan.partitions.find((p) => p.values.period === '2024Q3')!;
    assert.deepEqual([q3.filesBefore, q3.filesAfter, q3.rows], [4, 1, 4]);
    await catalog.commit({ tables: [{ tableId: table.tableId, add: plan.add, remove: plan.remove }] });
    assert.deepEqual(await rows('SELECT facility, measure, score, period FROM cms.measures ORDER BY ALL'), before);
    assert.equal((await catalog.listDataFiles(table.tableId)).filter((f) => f.partitionValues.period === '2024Q3').length, 1);
  });

  it('rejects unknown keys', async () => {
    await assert.rejects(mergeIntoTable(deps, { table, sourceSql: 'SELECT 1', keys: ['nope'] }), /merge key "nope"/);
  });
});
