import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { NotFoundError, ValidationError } from '../../errors.ts';
import { DuckDbQueryEngine } from '../../query/duckdb/duckdb-query-engine.ts';
import { LocalObjectStore, MemoryObjectStore } from '../../storage/index.ts';
import { tempDir } from '../../../test/support/paths.ts';
import { formatColumnType, openSqliteMetadataStore } from '../index.ts';
import type { ColumnSpec, MetadataStore } from '../index.ts';
import { crawlPrefix } from './crawler.ts';
import type { CrawlOptions } from './crawler.ts';

const spelled = (columns: readonly ColumnSpec[]): string[] => columns.map((c) => `${c.name} ${formatColumnType(c.type)}${c.nullable ? '' : ' not null'}`);

describe('crawlPrefix', () => {
  const engine = new DuckDbQueryEngine({ threads: 1 });
  let store: LocalObjectStore;
  let catalog: MetadataStore;
  let cleanup: () => Promise<void>;
  let n = 0;
  let prefix: string;

  before(async () => {
    const temp = await tempDir();
    cleanup = temp.cleanup;
    store = new LocalObjectStore({ root: temp.dir });
  });
  beforeEach(async () => {
    catalog = await openSqliteMetadataStore(':memory:');
    n += 1;
    prefix = `raw/t${n}/`;
  });
  afterEach(async () => {
    await catalog.close();
  });
  after(async () => {
    await engine.close();
    await store.close();
    await cleanup();
  });

  const crawl = (overrides: Partial<CrawlOptions> = {}) => crawlPrefix({ store, engine, catalog, prefix, database: 'raw', table: 'events', contract: 'evolve', ...overrides });

  /** Writes a Parquet file with DuckDB COPY from a SELECT. */
  async function putParquet(key: string, select: string): Promise<void> {
    await mkdir(dirname(store.localPath(key)), { recursive: true });
    const session = await engine.openSession();
    try {
      await session.run(`COPY (${select}) TO '${store.localPath(key).replaceAll("'", "''")}' (FORMAT parquet)`);
    } finally {
      session.close();
    }
  }

  it('creates a table from Hive-partitioned CSV files', async () => {
    await store.put(`${prefix}dt=2024-01-01/region=eu/part-0.csv`, 'id,amount\n1,9.5\n2,3\n');
    await store.put(`${prefix}dt=2024-01-02/region=us/part-0.csv`, 'id,amount\n3,\n');
    await store.put(`${prefix}_SUCCESS`, '');
    const result = await crawl();
    assert.equal(result.action, 'create');
    assert.equal(result.format, 'csv');
    assert.deepEqual(result.partitionColumns, ['dt', 'region']);
    assert.deepEqual(spelled(result.columns), ['id int64 not null', 'amount float64', 'dt date not null', 'region varchar not null']);
    assert.deepEqual(result.diff, ['+ column id int64 not null', '+ column amount float64', '+ column dt date not null', '+ column region varchar not null']);
    assert.deepEqual(
      result.files.map((f) => [f.key.slice(prefix.length), f.rowCount, f.partitionValues]),
      [
        ['dt=2024-01-01/region=eu/part-0.csv', 2, { dt: '2024-01-01', region: 'eu' }],
        ['dt=2024-01-02/region=us/part-0.csv', 1, { dt: '2024-01-02', region: 'us' }],
      ],
    );
    const table = await catalog.getTable('raw', 'events');
    assert.ok(table);
    assert.equal(table.format, 'parquet');
    assert.equal(table.path, prefix);
    assert.deepEqual(table.partitionColumns, ['dt', 'region']);
    assert.equal(table.properties['source.format'], 'csv');
    assert.deepEqual(spelled(table.columns), spelled(result.columns));
    assert.equal((await crawl()).action, 'unchanged');
  });

  it('promotes types across Parquet files and reports the promotion on update', async () => {
    await putParquet(`${prefix}a.parquet`, 'SELECT 1::INTEGER AS n, DATE \'2024-01-01\' AS at');
    assert.deepEqual(spelled((await crawl()).columns), ['n int32 not null', 'at date not null']);
    await putParquet(`${prefix}b.parquet`, 'SELECT 2.5::DOUBLE AS n, TIMESTAMP \'2024-01-01 10:00:00\' AS at');
    const result = await crawl();
    assert.equal(result.action, 'update');
    assert.deepEqual(result.diff, ['~ column n int32 -> float64', '~ column at date -> timestamp']);
    const table = await catalog.getTable('raw', 'events');
    assert.deepEqual(spelled(table?.columns ?? []), ['n float64 not null', 'at timestamp not null']);
    assert.equal(table?.schemaVersion, 2);
    assert.equal(table?.properties['source.format'], 'parquet');
  });

  it('adds a new column under evolve and blocks it under freeze', async () => {
    await store.put(`${prefix}1.jsonl`, '{"id":1}\n');
    await crawl();
    await store.put(`${prefix}2.jsonl`, '{"id":2,"score":0.5}\n');

    const frozen = await crawl({ contract: 'freeze' });
    assert.equal(frozen.action, 'blocked');
    assert.deepEqual(frozen.reasons, ['contract "freeze" refuses: + column score float64']);
    assert.deepEqual(spelled((await catalog.getTable('raw', 'events'))?.columns ?? []), ['id int64 not null']);

    const evolved = await crawl({ contract: 'evolve' });
    assert.equal(evolved.action, 'update');
    assert.deepEqual(evolved.diff, ['+ column score float64']);
    assert.deepEqual(spelled((await catalog.getTable('raw', 'events'))?.columns ?? []), ['id int64 not null', 'score float64']);
  });

  it('keeps the schema under discard_value and reports what loaders drop', async () => {
    await store.put(`${prefix}1.jsonl`, '{"id":1}\n');
    await crawl();
    await store.put(`${prefix}2.jsonl`, '{"id":"x-2","score":0.5}\n');
    const result = await crawl({ contract: 'discard_value' });
    assert.equal(result.action, 'unchanged');
    assert.deepEqual(result.diff, []);
    assert.deepEqual(
      result.discards.map((d) => d.reason),
      ['values of column "id" that do not fit int64 are dropped', 'values of new column "score" are dropped'],
    );
    assert.equal((await catalog.getTable('raw', 'events'))?.schemaVersion, 1);
  });

  it('changes nothing in a dry run', async () => {
    await store.put(`${prefix}1.jsonl`, '{"id":1}\n');
    const planned = await crawl({ dryRun: true });
    assert.equal(planned.action, 'create');
    assert.deepEqual(planned.diff, ['+ column id int64 not null']);
    assert.equal(planned.tableInfo, undefined);
    assert.equal(await catalog.getDatabase('raw'), undefined);

    await crawl();
    const before = await catalog.currentSnapshot();
    await store.put(`${prefix}2.jsonl`, '{"id":2,"extra":"x"}\n');
    const update = await crawl({ dryRun: true });
    assert.equal(update.action, 'update');
    assert.deepEqual(update.diff, ['+ column extra varchar']);
    assert.equal((await catalog.currentSnapshot()).snapshotId, before.snapshotId);
  });

  it('unions nested JSON fields across files', async () => {
    await store.put(`${prefix}1.jsonl`, '{"id":1,"user":{"name":"a","tags":["x"]}}\n');
    await crawl();
    await store.put(`${prefix}2.jsonl`, '{"id":2,"user":{"name":"b","age":41,"tags":[]}}\n');
    const result = await crawl();
    assert.equal(result.action, 'update');
    assert.deepEqual(result.diff, ['+ field user.age int64']);
    assert.deepEqual(spelled(result.columns), ['id int64 not null', 'user struct<name:varchar,tags:list<varchar>,age:int64> not null']);
  });

  it('blocks a change of partitioning under every contract', async () => {
    await store.put(`${prefix}1.csv`, 'id\n1\n');
    await crawl();
    await store.delete(`${prefix}1.csv`);
    await store.put(`${prefix}dt=2024-01-01/1.csv`, 'id\n1\n');
    const result = await crawl();
    assert.equal(result.action, 'blocked');
    assert.match(result.reasons[0] ?? '', /is partitioned by \(\) but the files are by \(dt\)/);
  });

  it('rejects mixed formats, an empty prefix and a store without local files', async () => {
    await store.put(`${prefix}a.csv`, 'id\n1\n');
    await store.put(`${prefix}b.jsonl`, '{"id":1}\n');
    await assert.rejects(crawl(), (err: unknown) => err instanceof ValidationError && err.code === 'CRAWL_MIXED_FORMATS');
    await assert.rejects(crawl({ prefix: 'nothing/here' }), (err: unknown) => err instanceof NotFoundError && err.code === 'CRAWL_NO_FILES');
    await assert.rejects(crawl({ store: new MemoryObjectStore() }), (err: unknown) => err instanceof ValidationError && err.code === 'CRAWL_NEEDS_LOCAL_FILES');
  });
});
