import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ValidationError } from '../errors.ts';
import { tempDir } from '../../test/support/paths.ts';
import { StreamConsumer } from './consumer.ts';
import type { ConsumerBatch, StreamConsumerOptions } from './consumer.ts';
import { EmbeddedStreamTransport } from './embedded/embedded-stream-transport.ts';
import { laneFor } from './lane.ts';
import { shardIdOf } from './shard-hash.ts';
import type { StreamTransport } from './stream-transport.ts';

const text = new TextEncoder();
const untext = new TextDecoder();

/**
 * The caller's side of a consumer: a "catalog" where each handler call commits its data and
 * its checkpoint entries in one step, as the table commit does.
 */
class FakeCatalog {
  readonly rows: string[] = [];
  readonly checkpoints: Record<string, string> = {};
  readonly batches: ConsumerBatch[] = [];

  commit(batch: ConsumerBatch): void {
    this.batches.push(batch);
    this.rows.push(...batch.records.map((r) => untext.decode(r.data)));
    Object.assign(this.checkpoints, batch.checkpoint);
  }

  load = async (): Promise<Record<string, string>> => ({ ...this.checkpoints });
}

let transport: StreamTransport;
let cleanup: () => Promise<void>;
let streamCount = 0;

before(async () => {
  const temp = await tempDir('lakestack-consumer-');
  transport = new EmbeddedStreamTransport({ root: temp.dir });
  cleanup = temp.cleanup;
});
after(async () => {
  await transport.close();
  await cleanup();
});

/** A new stream holding `count` records `<key>:<n>` over `keys` keys, n counting per key. */
async function stream(shardCount: number, count: number, keys: number): Promise<string> {
  const name = `s${++streamCount}`;
  await transport.ensureStream(name, { shardCount });
  await put(name, 0, count, keys);
  return name;
}

async function put(name: string, from: number, count: number, keys: number): Promise<void> {
  const records = Array.from({ length: count }, (_, i) => {
    const n = from + i;
    return { partitionKey: `key-${n % keys}`, data: text.encode(`key-${n % keys}:${Math.floor(n / keys)}`) };
  });
  for (let at = 0; at < records.length; at += 1000) await transport.putRecords(name, records.slice(at, at + 1000));
}

function consumer(name: string, catalog: FakeCatalog, options: Partial<StreamConsumerOptions> = {}): StreamConsumer {
  return new StreamConsumer(transport, {
    stream: name,
    consumerName: 'test',
    startingPosition: 'TRIM_HORIZON',
    pollIntervalMs: 10,
    checkpoints: { load: catalog.load },
    handler: async (batch) => catalog.commit(batch),
    ...options,
  });
}

/** Asserts each key's values arrive as 0, 1, 2, ... (nothing lost, doubled or reordered). */
function assertPerKeyOrder(rows: string[], keys: number, perKey: number): void {
  const seen = new Map<string, number[]>();
  for (const row of rows) {
    const [key, n] = row.split(':');
    seen.set(key!, [...(seen.get(key!) ?? []), Number(n)]);
  }
  assert.equal(seen.size, keys);
  for (const [key, values] of seen) assert.deepEqual(values, Array.from({ length: perKey }, (_, i) => i), `order of ${key}`);
}

describe('StreamConsumer', () => {
  it('delivers batches of at most batchSize, in order, and runUntilIdle stops when caught up', async () => {
    const name = await stream(2, 250, 10);
    const catalog = new FakeCatalog();
    const stats = await consumer(name, catalog, { batchSize: 40 }).runUntilIdle();
    assert.deepEqual(stats, { records: 250, batches: catalog.batches.length });
    assert.ok(catalog.batches.every((b) => b.records.length >= 1 && b.records.length <= 40));
    for (const shardId of [shardIdOf(0), shardIdOf(1)]) {
      const sizes = catalog.batches.filter((b) => b.shardId === shardId).map((b) => b.records.length);
      assert.ok(sizes.slice(0, -1).every((s) => s === 40), `${shardId}: full batches until the last (${sizes.join(',')})`);
    }
    assertPerKeyOrder(catalog.rows, 10, 25);
    const lastPerShard = Object.fromEntries(
      [shardIdOf(0), shardIdOf(1)].map((s) => [s, catalog.batches.filter((b) => b.shardId === s).at(-1)!.to]),
    );
    assert.deepEqual(catalog.checkpoints, lastPerShard);
    for (const b of catalog.batches) assert.deepEqual(b.checkpoint, { [b.shardId]: b.to });
  });

  it('with a parallelization factor runs lanes concurrently and keeps per-key order', async () => {
    const name = await stream(1, 600, 24);
    const catalog = new FakeCatalog();
    let inFlight = 0;
    let maxInFlight = 0;
    const handler = async (batch: ConsumerBatch): Promise<void> => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      catalog.commit(batch);
    };
    await consumer(name, catalog, { batchSize: 20, parallelizationFactor: 4, handler }).runUntilIdle();
    assert.ok(maxInFlight > 1 && maxInFlight <= 4, `concurrent batches ${maxInFlight}`);
    assertPerKeyOrder(catalog.rows, 24, 25);
    for (const b of catalog.batches) {
      assert.ok(b.records.length <= 20);
      assert.ok(b.records.every((r) => laneFor(r.partitionKey, 4) === b.lane), 'a lane holds only its keys');
      assert.deepEqual(Object.keys(b.checkpoint).sort(), [shardIdOf(0), `${shardIdOf(0)}/lane-${b.lane}-of-4`]);
      assert.equal(b.checkpoint[shardIdOf(0)], b.from);
    }
  });

  it('TRIM_HORIZON reads history; LATEST starts after it and reports the resolved position', async () => {
    const name = await stream(1, 30, 3);
    const fromStart = new FakeCatalog();
    await consumer(name, fromStart).runUntilIdle();
    assert.equal(fromStart.rows.length, 30);

    const latest = new FakeCatalog();
    const initial: [string, string][] = [];
    const tail = consumer(name, latest, { startingPosition: 'LATEST', onInitialPosition: (s, seq) => void initial.push([s, seq]) });
    assert.deepEqual(await tail.runUntilIdle(), { records: 0, batches: 0 });
    assert.deepEqual(initial, [[shardIdOf(0), '30']]);
    await put(name, 30, 6, 3);
    await tail.runUntilIdle();
    assert.deepEqual(latest.rows, ['key-0:10', 'key-1:10', 'key-2:10', 'key-0:11', 'key-1:11', 'key-2:11']);
    assert.deepEqual(latest.checkpoints, { [shardIdOf(0)]: '36' });

    const empty = `s${++streamCount}`;
    await transport.ensureStream(empty, { shardCount: 1 });
    const onEmpty: string[] = [];
    const c = consumer(empty, new FakeCatalog(), { startingPosition: 'LATEST', onInitialPosition: (_s, seq) => void onEmpty.push(seq) });
    await c.runUntilIdle();
    assert.deepEqual(onEmpty, ['']);
  });

  it('resumes from committed checkpoints after a crash without duplicates or gaps', async () => {
    const name = await stream(2, 300, 12);
    const catalog = new FakeCatalog();
    let calls = 0;
    const crashing = consumer(name, catalog, {
      batchSize: 25,
      handler: async (batch) => {
        if (++calls === 5) throw new Error('crash mid-stream');
        catalog.commit(batch);
      },
    });
    await assert.rejects(crashing.runUntilIdle(), /crash mid-stream/);
    assert.ok(catalog.rows.length > 0 && catalog.rows.length < 300);
    await consumer(name, catalog, { batchSize: 25 }).runUntilIdle();
    assertPerKeyOrder(catalog.rows, 12, 25);
  });

  it('resumes parallel lanes where each lane committed, even when one lane failed', async () => {
    const name = await stream(1, 400, 16);
    const catalog = new FakeCatalog();
    let failed = false;
    const crashing = consumer(name, catalog, {
      batchSize: 10,
      parallelizationFactor: 3,
      handler: async (batch) => {
        // Lane 1 fails once in the third window while lanes 0 and 2 commit theirs.
        if (!failed && batch.lane === 1 && batch.from !== '' && BigInt(batch.from) >= 60n) {
          failed = true;
          throw new Error('lane 1 failed');
        }
        await new Promise((r) => setTimeout(r, batch.lane));
        catalog.commit(batch);
      },
    });
    await assert.rejects(crashing.runUntilIdle(), /lane 1 failed/);
    const committedBefore = catalog.rows.length;
    assert.ok(Object.keys(catalog.checkpoints).some((k) => k.includes('/lane-')));

    // A new process resumes from the stored checkpoints only.
    const resumed = consumer(name, catalog, { batchSize: 10, parallelizationFactor: 3 });
    const stats = await resumed.runUntilIdle();
    assert.equal(stats.records, 400 - committedBefore);
    assertPerKeyOrder(catalog.rows, 16, 25);
    assert.deepEqual(await resumed.positions(), { [shardIdOf(0)]: '400' });

    // A different parallelization factor later still resumes exactly.
    await put(name, 400, 32, 16);
    await consumer(name, catalog, { batchSize: 7, parallelizationFactor: 2 }).runUntilIdle();
    assertPerKeyOrder(catalog.rows, 16, 27);
  });

  it('a lane holding more than batchSize records commits batch by batch, and resumes between them', async () => {
    const name = await stream(1, 45, 1); // one key: the whole window lands in one lane
    const catalog = new FakeCatalog();
    let calls = 0;
    const crashing = consumer(name, catalog, {
      batchSize: 5,
      parallelizationFactor: 3,
      handler: async (batch) => {
        if (++calls === 2) throw new Error('crash after the first batch of the window');
        catalog.commit(batch);
      },
    });
    await assert.rejects(crashing.runUntilIdle(), /crash after the first batch/);
    assert.deepEqual(catalog.rows, ['key-0:0', 'key-0:1', 'key-0:2', 'key-0:3', 'key-0:4']);
    assert.equal(catalog.batches[0]!.to, '5', 'an intermediate batch only covers its own records');
    await consumer(name, catalog, { batchSize: 5, parallelizationFactor: 3 }).runUntilIdle();
    assertPerKeyOrder(catalog.rows, 1, 45);
    assert.ok(catalog.batches.every((b) => b.records.length <= 5));
  });

  it('the same consumer retries a failed window without redelivering committed lanes', async () => {
    const name = await stream(1, 60, 6);
    const catalog = new FakeCatalog();
    let failures = 0;
    const c = consumer(name, catalog, {
      batchSize: 10,
      parallelizationFactor: 2,
      handler: async (batch) => {
        if (batch.lane === 0 && failures++ === 0) throw new Error('transient');
        catalog.commit(batch);
      },
    });
    await assert.rejects(c.runUntilIdle(), /transient/);
    await c.runUntilIdle();
    assertPerKeyOrder(catalog.rows, 6, 10);
  });

  it('start() polls new records until stop(); lag() reports what is behind', async () => {
    const name = await stream(2, 0, 4);
    const catalog = new FakeCatalog();
    const c = consumer(name, catalog, { batchSize: 50, maxBatchingWindowMs: 30 });
    await c.start();
    await put(name, 0, 40, 4);
    const deadline = Date.now() + 5000;
    while (catalog.rows.length < 40 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await c.stop();
    assertPerKeyOrder(catalog.rows, 4, 10);
    for (const lag of await c.lag()) {
      assert.equal(lag.recordsBehind, 0);
      assert.equal(lag.millisBehind, 0);
      assert.equal(lag.position, lag.latestSequenceNumber);
    }
    await put(name, 40, 8, 4);
    const behind = await c.lag();
    assert.equal(behind.reduce((n, l) => n + l.recordsBehind, 0), 8);
    for (const lag of behind) {
      if (lag.recordsBehind === 0) assert.equal(lag.millisBehind, 0);
      else assert.ok(lag.millisBehind < 60_000 && lag.position !== lag.latestSequenceNumber, `lag of ${lag.shardId}: ${JSON.stringify(lag)}`);
    }
    await assert.doesNotReject(c.runUntilIdle());
    assert.equal(catalog.rows.length, 48);
  });

  it('rejects out-of-range options and overlapping runs', async () => {
    const catalog = new FakeCatalog();
    assert.throws(() => consumer('x', catalog, { batchSize: 0 }), (err: unknown) => err instanceof ValidationError && err.fields.path === 'consumer.batchSize');
    assert.throws(() => consumer('x', catalog, { batchSize: 10_001 }), ValidationError);
    assert.throws(() => consumer('x', catalog, { parallelizationFactor: 11 }), (err: unknown) => err instanceof ValidationError && err.fields.path === 'consumer.parallelizationFactor');
    assert.throws(() => consumer('x', catalog, { startingPosition: 'AT_TIMESTAMP' as 'LATEST' }), ValidationError);
    const name = await stream(1, 5, 1);
    const c = consumer(name, catalog, { handler: () => new Promise((r) => setTimeout(r, 20)) });
    const running = c.runUntilIdle();
    await assert.rejects(c.start(), (err: unknown) => (err as { code?: string }).code === 'STREAM_CONSUMER_BUSY');
    await running;
  });
});
