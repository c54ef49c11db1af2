import assert from 'node:assert/strict';
import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateChangeStream } from '../../examples/dmd-pipeline/generate.ts';
import { resolveProject } from '../../src/config/index.ts';
import { silentLogger } from '../../src/observability/index.ts';
import { createLakestack } from '../../src/runtime/create-lakestack.ts';
import { PipelineRunner } from '../../src/runtime/pipeline-runner.ts';
import { provision } from '../../src/runtime/provision.ts';
import { putChangeInput } from '../../src/runtime/put-change-input.ts';
import { vacuum } from '../../src/tables/index.ts';
import { repoRoot, tempDir } from '../support/paths.ts';
import { blueprintFile, queryRows } from '../support/platform.ts';

describe('dmd-pipeline schema changes and vacuum', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let raw: Record<string, unknown>;
  const open = () =>
    createLakestack(resolveProject(structuredClone(raw), { rootDir: dir, stateDir: join(dir, 'state') }), { logger: silentLogger() });
  const saleSchema = () => join(dir, 'schemas/sale.avsc');
  const editSale = async (edit: (schema: { fields: Record<string, unknown>[] }) => void) => {
    const schema = JSON.parse(await readFile(saleSchema(), 'utf8'));
    edit(schema);
    await writeFile(saleSchema(), JSON.stringify(schema, null, 2));
  };

  before(async () => {
    const tmp = await tempDir('lakestack-evolve-');
    dir = tmp.dir;
    cleanup = tmp.cleanup;
    await cp(join(repoRoot, 'examples/dmd-pipeline/schemas'), join(dir, 'schemas'), { recursive: true });
    raw = ((await import(blueprintFile('dmd-pipeline'))) as { default: Record<string, unknown> }).default;
  });
  after(() => cleanup?.());

  it('creates, then evolves on a compatible change, then recreates on an incompatible one, saying why', async () => {
    let platform = await open();
    const db = 'prd3292_dev1_dmnd_pipeline';
    const first = await provision(platform);
    assert.deepEqual(first.report.tables.map((t) => t.action), ['created', 'created', 'created', 'created']);
    await putChangeInput(platform.streams, 'demand-changes', generateChangeStream({ seed: 5, records: 600, days: 3 }).records.join('\n'));
    await new PipelineRunner(platform, first.pipelines[0]!, 'test').runUntilIdle();
    const before = Number((await queryRows(platform, `SELECT count(*) FROM ${db}.sale`))[0]![0]);
    assert.ok(before > 0);
    assert.deepEqual((await provision(platform)).report.tables.map((t) => t.action), ['unchanged', 'unchanged', 'unchanged', 'unchanged']);
    await platform.close();

    await editSale((s) => s.fields.push({ name: 'channel', type: ['null', 'string'], default: null }));
    platform = await open();
    const evolved = (await provision(platform)).report.tables.find((t) => t.table === `${db}.sale`)!;
    assert.equal(evolved.action, 'evolved');
    assert.equal(evolved.schemaVersion, 2);
    assert.equal(evolved.tableVersion, 1);
    assert.match(evolved.changes.join(' '), /channel/);
    assert.deepEqual(await queryRows(platform, `SELECT count(*), count(channel) FROM ${db}.sale`), [[before, 0]], 'old files read with the evolved schema');
    const beforeRecreate = (await platform.catalog.currentSnapshot()).snapshotId;
    await platform.close();

    await editSale((s) => {
      const currency = s.fields.find((f) => f.name === 'currency')!;
      currency.type = 'int';
    });
    platform = await open();
    const recreated = (await provision(platform)).report.tables.find((t) => t.table === `${db}.sale`)!;
    assert.equal(recreated.action, 'recreated');
    assert.equal(recreated.tableVersion, 2);
    assert.match(recreated.changes.join(' '), /currency/);
    assert.deepEqual(await queryRows(platform, `SELECT count(*) FROM ${db}.sale`), [[0]], 'the new table version starts empty');
    assert.deepEqual(await queryRows(platform, `SELECT count(*) FROM ${db}.sale AT (VERSION => ${beforeRecreate})`), [[before]], 'the old version by time travel');

    // vacuum: an orphan (written, never committed) and the retired files of the old version
    await platform.store.put(`data-pipeline/avro/demand/partition_date=2024-05-01/orphan.avro`, 'x');
    const retiredCount = (await platform.store.list('data-pipeline/avro/sale/')).objects.length;
    const kept = await vacuum(platform.catalog, platform.store, { graceMs: 3600_000 });
    assert.deepEqual([kept.orphans.length, kept.retired.length], [0, 0], 'nothing inside the grace period');
    const later = new Date(Date.now() + 2 * 3600_000);
    const dry = await vacuum(platform.catalog, platform.store, { graceMs: 3600_000, now: later, dryRun: true });
    assert.deepEqual(dry.orphans.map((o) => o.path), ['data-pipeline/avro/demand/partition_date=2024-05-01/orphan.avro']);
    assert.equal(dry.retired.length, retiredCount);
    assert.ok(await platform.store.head(dry.orphans[0]!.path), 'dry run deletes nothing');
    const companions = async () => (await readdir(join(platform.cacheDir, 'companions'), { recursive: true })).filter((f) => String(f).endsWith('.parquet')).length;
    const companionsBefore = await companions();
    const done = await vacuum(platform.catalog, platform.store, { graceMs: 3600_000, now: later });
    await platform.binder.forget(done.retired);
    assert.equal(await platform.store.head(dry.orphans[0]!.path), undefined);
    assert.ok((await companions()) < companionsBefore, 'companions of vacuumed files dropped from the cache');
    assert.equal((await platform.store.list('data-pipeline/avro/sale/')).objects.length, 0);
    assert.ok(Number((await queryRows(platform, `SELECT count(*) FROM ${db}.demand`))[0]![0]) > 0, 'live tables untouched');
    await platform.close();
  });
});
