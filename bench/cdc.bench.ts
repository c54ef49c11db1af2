/**
 * bench:cdc — throughput of the dmd-pipeline delivery path against a bare loop on the same
 * records, and commit latency against a durable write+fsync+rename, all in the same run (the
 * machine is shared and noisy: read the ratios, not the absolute numbers).
 *
 *   whole path: embedded stream -> consumer -> decode/filter/unmarshall/conform -> Avro deflate
 *               -> atomic puts -> catalog commit with the stream checkpoint
 *   bare loop:  JSON.parse + unmarshall + conform (avsc cannot write DynamoDB values without it)
 *               + avsc deflate container write, per type, in memory
 *
 * Usage: npm run bench:cdc [-- --records 50000]
 */
import { mkdtemp, open, rename, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import avsc from 'avsc';
import { countsSql } from '../examples/dmd-pipeline/demo.ts';
import { generateChangeStream } from '../examples/dmd-pipeline/generate.ts';
import { loadDeliverySchema } from '../src/ingest/cdc/delivery-schema.ts';
import { unmarshallItem } from '../src/ingest/dynamodb/index.ts';
import type { Lakestack } from '../src/runtime/create-lakestack.ts';
import { PipelineRunner } from '../src/runtime/pipeline-runner.ts';
import { provision } from '../src/runtime/provision.ts';
import { putChangeInput } from '../src/runtime/put-change-input.ts';
import { openBlueprint } from '../test/support/platform.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RECORDS = arg('records', 50_000);
const BATCH = 1000;
const WARMUP = 5000;

const generated = generateChangeStream({ seed: 3, records: RECORDS, days: 4, malformed: 0 });
const schemaFiles = Object.fromEntries(
  ['demand', 'sale', 'event', 'notification'].map((t) => [t, join(import.meta.dirname, '../examples/dmd-pipeline/schemas', `${t}.avsc`)]),
);

/** The bare loop: the work the pipeline cannot avoid, nothing else. */
async function bareLoop(count = generated.records.length): Promise<number> {
  const schemas = new Map(await Promise.all(Object.entries(schemaFiles).map(async ([t, f]) => [t, await loadDeliverySchema(t, f)] as const)));
  const t0 = performance.now();
  let bytes = 0;
  for (let i = 0; i < count; i += BATCH) {
    const groups = new Map<string, unknown[]>();
    for (const line of generated.records.slice(i, Math.min(i + BATCH, count))) {
      const rec = JSON.parse(line) as { eventName: string; dynamodb: { NewImage?: Record<string, never>; OldImage?: Record<string, never> } };
      const image = unmarshallItem((rec.eventName === 'REMOVE' ? rec.dynamodb.OldImage : rec.dynamodb.NewImage)!);
      const type = String(image.type);
      const schema = schemas.get(type);
      if (!schema) continue;
      const { record } = schema.conform(image);
      Object.assign(record, { Op: 'I', _event_time: 0, _sequence_number: '0' });
      let list = groups.get(type);
      if (!list) groups.set(type, (list = []));
      list.push(record);
    }
    for (const [type, records] of groups) {
      const encoder = new avsc.streams.BlockEncoder(schemas.get(type)!.landed.type, { codec: 'deflate' });
      const chunks: Buffer[] = [];
      encoder.on('data', (c: Buffer) => chunks.push(c));
      const done = new Promise((r) => encoder.on('end', r));
      for (const r of records) encoder.write(r);
      encoder.end();
      await done;
      bytes += chunks.reduce((s, c) => s + c.length, 0);
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  if (bytes === 0) throw new Error('bare loop wrote nothing');
  return count / seconds;
}

/** The whole path on a fresh embedded platform, with the given parallelization factor. */
async function wholePath(parallelization: number, workerThreads: number | 'auto', count = generated.records.length): Promise<{ rate: number; platform: Lakestack; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'lakestack-bench-'));
  const platform = await openBlueprint('dmd-pipeline', dir, (raw) => {
    const source = (raw.pipelines as { delivery: { source: Record<string, unknown> } }).delivery.source;
    source.batchSize = BATCH;
    source.parallelizationFactor = parallelization;
    source.startingPosition = 'TRIM_HORIZON';
    (raw.pipelines as { delivery: Record<string, unknown> }).delivery.workerThreads = workerThreads;
  });
  const { pipelines } = await provision(platform);
  await putChangeInput(platform.streams, 'demand-changes', generated.records.slice(0, count).join('\n'));
  const runner = new PipelineRunner(platform, pipelines[0]!, 'bench');
  const t0 = performance.now();
  await runner.runUntilIdle();
  const seconds = (performance.now() - t0) / 1000;
  const status = await runner.status();
  if (status.counts.in !== count) throw new Error(`pipeline saw ${status.counts.in} of ${count}`);
  const close = async () => {
    await platform.close();
    await rm(dir, { recursive: true, force: true });
  };
  return { rate: count / seconds, platform, close };
}

/** Durable single-file publish: write, fsync, rename, fsync the folder. */
async function fsyncBaseline(size: number, n = 200): Promise<{ p50: number; p99: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'lakestack-fsync-'));
  const body = Buffer.alloc(size, 7);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const tmp = join(dir, `f${i}.tmp`);
    const fh = await open(tmp, 'w');
    await fh.writeFile(body);
    await fh.sync();
    await fh.close();
    await rename(tmp, join(dir, `f${i}`));
    const d = await open(dir, 'r');
    await d.sync();
    await d.close();
    times.push(performance.now() - t0);
  }
  await rm(dir, { recursive: true, force: true });
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(n * 0.5)]!, p99: times[Math.floor(n * 0.99)]! };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => `${n.toFixed(2)} ms`;

console.log(`bench:cdc — ${fmt(RECORDS)} generated change records, batch size ${BATCH}, 2 shards, embedded engines`);
// Warm the JIT on both paths first, so neither pays compilation inside its measurement; the
// bare loop then runs first and last, and the faster run is the baseline (it can only lower
// the ratios).
await bareLoop(WARMUP);
await (await wholePath(1, 0, WARMUP)).close();
const bareCold = await bareLoop();
const one = await wholePath(1, 0);
const two = await wholePath(2, 0);
const threaded = await wholePath(2, 'auto');
const bareWarm = await bareLoop();
const bare = Math.max(bareCold, bareWarm);
const labels = { pipeline: 'delivery' };
const commit = one.platform.metrics.histogram('commit_ms', labels)!;
const publish = one.platform.metrics.histogram('publish_ms', labels)!;
const files = one.platform.metrics.counter('files_written', labels);
const avgFile = (await one.platform.store.list('data-pipeline/avro/')).objects.reduce((s, o) => s + o.size, 0) / Math.max(1, files);
const baseline = await fsyncBaseline(Math.round(avgFile));

console.log('');
console.log(`bare loop (JSON.parse + unmarshall + conform + avsc deflate)   ${fmt(bare)} records/s (best of ${fmt(bareCold)} first, ${fmt(bareWarm)} last)`);
console.log(`whole path, one consumer, parallelization 1 (stream -> committed Avro)   ${fmt(one.rate)} records/s   ratio ${(one.rate / bare).toFixed(2)} (goal >= 0.80)`);
console.log(`whole path, one consumer, parallelization 2                              ${fmt(two.rate)} records/s   ratio ${(two.rate / bare).toFixed(2)}`);
console.log(`whole path, parallelization 2, ${availableParallelism()} delivery worker threads               ${fmt(threaded.rate)} records/s   ratio ${(threaded.rate / bare).toFixed(2)}`);
console.log('');
console.log(`baseline: durable write+fsync+rename+dir fsync of one ${fmt(avgFile)}-byte file   p50 ${ms(baseline.p50)}   p99 ${ms(baseline.p99)}`);
console.log(`catalog commit (snapshot + files + checkpoint, SQLite WAL)         p50 ${ms(commit.p50)}   p99 ${ms(commit.p99)}   p50 ratio ${(commit.p50 / baseline.p50).toFixed(2)}x (goal <= 4x)`);
const perBatch = files / commit.count;
console.log(`publish (atomic puts of the batch's ${perBatch.toFixed(1)} files + catalog commit)   p50 ${ms(publish.p50)}   p99 ${ms(publish.p99)}   = ${(publish.p50 / perBatch / baseline.p50).toFixed(2)}x the baseline per file`);

// Avro tables and queries: DuckDB here has no Avro reader. Lakestack builds a columnar companion
// (Parquet) per Avro file on first read and caches it; the alternative was writing it inside the
// delivery commit. Measure both sides on the same data: the cold query pays every companion build
// (what decode-on-read pays on every query), the warm one reads cached companions.
const sql = countsSql(one.platform.project.databases.dmd!.name);
const timeQuery = async () => {
  const t0 = performance.now();
  const execution = await one.platform.query.execute(sql, { workgroup: one.platform.workgroup(), storeResult: false });
  for await (const _ of execution.batches()) void _;
  await execution.record;
  return performance.now() - t0;
};
const cold = await timeQuery();
const warm = Math.min(await timeQuery(), await timeQuery(), await timeQuery());
const withCompanions = 1 / (1 / one.rate + cold / 1000 / RECORDS);
console.log('');
console.log(`query per-type/day counts over ${fmt(files)} Avro files: cold (decode + build companions) ${cold.toFixed(0)} ms, warm (companions cached) ${warm.toFixed(0)} ms -> decode-on-read would cost ${(cold / warm).toFixed(1)}x per query`);
console.log(`building companions inside the delivery commit instead would cut the whole path to ~${fmt(withCompanions)} records/s (ratio ${(withCompanions / bare).toFixed(2)})`);

for (const run of [one, two, threaded]) await run.close();
