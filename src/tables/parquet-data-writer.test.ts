import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openSqliteMetadataStore } from '../catalog/index.ts';
import type { MetadataStore } from '../catalog/metadata-store.ts';
import { silentLogger, Metrics } from '../observability/index.ts';
import { DuckDbQueryEngine } from '../query/duckdb/duckdb-query-engine.ts';
import { LakehouseQuery } from '../query/lakehouse-query.ts';
import type { JsonValue } from '../query/query-engine.ts';
import { createFileBinder } from '../runtime/file-binders.ts';
import { LocalObjectStore } from '../storage/index.ts';
import { tempDir } from '../../test/support/paths.ts';
import { writeParquetDataFiles } from './parquet-data-writer.ts';

describe('writeParquetDataFiles', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let catalog: MetadataStore;
  let engine: DuckDbQueryEngine;
  let store: LocalObjectStore;
  let query: LakehouseQuery;

  before(async () => {
    ({ dir, cleanup } = await tempDir('lakestack-pqw-'));
    catalog = await openSqliteMetadataStore(':memory:');
    engine = new DuckDbQueryEngine();
    store = new LocalObjectStore({ root: join(dir, 'objects') });
    const logger = silentLogger();
    query = new LakehouseQuery({ catalog, engine, store, binder: createFileBinder({ store, engine, cacheDir: join(dir, 'cache'), logger }), logger, metrics: new Metrics() });
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

  it('writes one file per Hive partition with stats, queryable once committed', async () => {
    await catalog.createDatabase('cms');
    const table = await catalog.createTable({
      database: 'cms',
      name: 'scores',
      format: 'parquet',
      path: 'lake/silver/scores/',
      columns: [
        { name: 'facility', type: { kind: 'varchar' }, nullable: false },
        { name: 'score', type: { kind: 'float64' }, nullable: true },
        { name: 'state', type: { kind: 'varchar' }, nullable: false },
      ],
      partitionColumns: ['state'],
    });
    const select = `SELECT * FROM (VALUES ('f1', 1.5, 'CA'), ('f2', NULL, 'CA'), ('f3', 3.0, 'NY'), ('f4', 4.0, 'a/b')) t(facility, score, state)`;
    const files = await writeParquetDataFiles({ engine, store, scratchDir: join(dir, 'cache', 'scratch') }, table, select, { namePrefix: 'run1' });
    assert.deepEqual(files.map((f) => [f.partitionValues.state, f.recordCount]).sort(), [['CA', 2], ['NY', 1], ['a/b', 1]]);
    const ca = files.find((f) => f.partitionValues.state === 'CA')!;
    assert.match(ca.path, /^lake\/silver\/scores\/state=CA\/run1-[0-9a-f-]+-\d+\.parquet$/);
    assert.deepEqual(ca.columnStats?.find((s) => s.column === 'score'), { column: 'score', valueCount: 2, nullCount: 1, minValue: '1.5', maxValue: '1.5' });
    assert.ok(files.find((f) => f.partitionValues.state === 'a/b')!.path.includes('state=a%2Fb/'), 'partition values escaped in keys');

    assert.deepEqual(await rows('SELECT count(*) FROM cms.scores'), [[0]], 'invisible before the commit');
    await catalog.commit({ tables: [{ tableId: table.tableId, add: files }] });
    assert.deepEqual(await rows('SELECT state, count(*), sum(score) FROM cms.scores GROUP BY ALL ORDER BY 1'), [['CA', 2, 1.5], ['NY', 1, 3], ['a/b', 1, 4]]);
    const execution = await query.execute(`SELECT facility FROM cms.scores WHERE state = 'NY'`, { workgroup: { name: 'wg', resultPrefix: 'results' } });
    for await (const _ of execution.batches()) void _;
    assert.equal(execution.stats.filesScanned, 1, 'partition pruning on a Parquet table');
  });

  it('refuses Avro tables', async () => {
    const avro = await catalog.createTable({ database: 'cms', name: 'raw', format: 'avro', path: 'lake/raw/', columns: [{ name: 'a', type: { kind: 'varchar' }, nullable: true }], partitionColumns: [] });
    await assert.rejects(writeParquetDataFiles({ engine, store, scratchDir: join(dir, 'scratch') }, avro, 'SELECT 1 AS a'), /only Parquet tables/);
  });
});
