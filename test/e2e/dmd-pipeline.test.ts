import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DMD_TYPES, generateChangeStream } from '../../examples/dmd-pipeline/generate.ts';
import type { GeneratedStream } from '../../examples/dmd-pipeline/generate.ts';
import { countsSql } from '../../examples/dmd-pipeline/demo.ts';
import type { JsonValue } from '../../src/query/query-engine.ts';
import type { Lakestack } from '../../src/runtime/create-lakestack.ts';
import { PipelineRunner } from '../../src/runtime/pipeline-runner.ts';
import { provision } from '../../src/runtime/provision.ts';
import { putChangeInput } from '../../src/runtime/put-change-input.ts';
import { tempDir } from '../support/paths.ts';
import { openBlueprint, queryRows } from '../support/platform.ts';

describe('dmd-pipeline blueprint end to end (embedded engines)', () => {
  let platform: Lakestack;
  let cleanup: () => Promise<void>;
  let generated: GeneratedStream;
  let database: string;
  let snapshotAfterFirstDrop: number;

  before(async () => {
    const tmp = await tempDir('lakestack-dmd-');
    cleanup = tmp.cleanup;
    platform = await openBlueprint('dmd-pipeline', tmp.dir, (raw) => {
      const delivery = (raw.pipelines as { delivery: { source: Record<string, unknown>; workerThreads?: number } }).delivery;
      // small batches: many commits, several files per partition
      delivery.source.batchSize = 250;
      // batches transformed in worker threads: results must not differ from in-process ones
      delivery.workerThreads = 2;
    });
    database = platform.project.databases.dmd!.name;
    const { pipelines } = await provision(platform);
    generated = generateChangeStream({ seed: 7, records: 3000, days: 4 });
    const half = Math.floor(generated.records.length / 2);
    await putChangeInput(platform.streams, 'demand-changes', generated.records.slice(0, half).join('\n'));
    await new PipelineRunner(platform, pipelines[0]!, 'test').runUntilIdle();
    snapshotAfterFirstDrop = (await platform.catalog.currentSnapshot()).snapshotId;
    await putChangeInput(platform.streams, 'demand-changes', generated.records.slice(half).join('\n'));
    await new PipelineRunner(platform, pipelines[0]!, 'test').runUntilIdle();
  });

  after(async () => {
    await platform?.close();
    await cleanup?.();
  });

  it('names the database from the naming template', () => {
    assert.equal(database, 'prd3292_dev1_dmnd_pipeline');
  });

  it('lands exactly the per-type, per-day counts the generator says', async () => {
    const rows = await queryRows(platform, countsSql(database));
    const got: Record<string, Record<string, number>> = {};
    for (const [type, day, n] of rows) (got[String(type)] ??= {})[String(day)] = Number(n);
    for (const type of DMD_TYPES) assert.deepEqual(got[type] ?? {}, generated.expected.perTypeDay[type], `counts of ${type}`);
    assert.ok(Object.keys(generated.expected.perTypeDay.sale).length >= 3, 'at least three days');
  });

  it('marks REMOVE rows with Op = D and inserts/modifies with I/U', async () => {
    const rows = await queryRows(platform, DMD_TYPES.map((t) => `SELECT Op FROM ${database}.${t}`).join(' UNION ALL '));
    const ops = rows.map((r) => r[0]);
    assert.equal(ops.filter((o) => o === 'D').length, generated.expected.removes);
    assert.ok(ops.every((o) => o === 'I' || o === 'U' || o === 'D'));
    assert.ok(ops.includes('I') && ops.includes('U'));
  });

  it('dead-letters malformed records with reasons, and reconciles', async () => {
    const { objects } = await platform.store.list('data-pipeline/dead-letter/delivery/');
    const letters = [];
    for (const o of objects) letters.push(...(await platform.store.get(o.key)).toString('utf8').trim().split('\n').map((l) => JSON.parse(l)));
    assert.equal(letters.length, generated.expected.malformed);
    for (const l of letters) {
      assert.ok(l.reason.length > 10, `reason given: ${l.reason}`);
      assert.ok(l.code && l.shardId && l.sequenceNumber, 'stream position kept');
      assert.ok(l.payload !== undefined || l.payloadBase64 !== undefined, 'original payload kept');
    }
    const [run] = await platform.catalog.listRuns({ pipeline: 'delivery', limit: 1 });
    assert.ok(run);
    const metrics = platform.metrics;
    const labels = { pipeline: 'delivery' };
    const total = metrics.counter('records_in', labels);
    assert.equal(total, generated.expected.total);
    assert.equal(total, metrics.counter('records_written', labels) + metrics.counter('records_filtered', labels) + metrics.counter('records_dead_lettered', labels));
    assert.equal(metrics.counter('records_filtered', labels), generated.expected.filtered);
  });

  it('writes Hive-style Avro partitions under the data-pipeline prefix', async () => {
    const { objects } = await platform.store.list('data-pipeline/avro/sale/');
    assert.ok(objects.length > 0);
    for (const o of objects) assert.match(o.key, /^data-pipeline\/avro\/sale\/partition_date=\d{4}-\d{2}-\d{2}\/[^/]+\.avro$/);
  });

  it('travels back to an earlier snapshot', async () => {
    const now = await queryRows(platform, `SELECT count(*) FROM ${database}.sale`);
    const then = await queryRows(platform, `SELECT count(*) FROM ${database}.sale AT (VERSION => ${snapshotAfterFirstDrop})`);
    assert.ok(Number(then[0]![0]) > 0 && Number(then[0]![0]) < Number(now[0]![0]), `${String(then[0]![0])} < ${String(now[0]![0])}`);
  });

  it('prunes partitions the query filters on', async () => {
    const day = Object.keys(generated.expected.perTypeDay.sale).sort()[1]!;
    const execution = await platform.query.execute(`SELECT count(*) FROM ${database}.sale WHERE partition_date = '${day}'`, { workgroup: platform.workgroup() });
    const rows: JsonValue[][] = [];
    for await (const b of execution.batches()) rows.push(...b);
    assert.equal(Number(rows[0]![0]), generated.expected.perTypeDay.sale[day]);
    assert.ok(execution.stats.filesPruned > 0, 'files of other days skipped');
    const record = await execution.record;
    assert.equal(record.status, 'SUCCEEDED');
    assert.ok(record.resultKey && (await platform.store.head(record.resultKey)), 'result kept in the workgroup location');
    assert.ok(platform.metrics.counter('queries', { workgroup: platform.workgroup().name, status: 'SUCCEEDED' }) >= 1, 'workgroup publishes metrics');
    const history = await platform.catalog.listQueries({ limit: 50 });
    assert.ok(history.some((q) => q.queryId === record.queryId && q.rows === 1));
  });
});
