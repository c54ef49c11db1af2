import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { connect } from 'nats';
import type { JetStreamManager, NatsConnection } from 'nats';
import { NotFoundError, TerminalError, TransientError } from '../../errors.ts';
import { describeStreamTransport } from '../../../test/contracts/stream-transport.contract.ts';
import { StreamConsumer } from '../consumer.ts';
import { shardIdOf } from '../shard-hash.ts';
import { NatsStreamTransport } from './nats-stream-transport.ts';

const SERVER = '127.0.0.1:4222';
const RUN = `T${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
let fixtures = 0;

async function admin(): Promise<{ nc: NatsConnection; jsm: JetStreamManager }> {
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: SERVER, timeout: 3000 });
  } catch (err) {
    throw new Error(`these tests need NATS with JetStream at ${SERVER} (start it with \`nats-server -js\`): ${(err as Error).message}`);
  }
  return { nc, jsm: await nc.jetstreamManager() };
}

/** Deletes every JetStream stream whose name starts with `prefix`. */
async function deleteStreams(jsm: JetStreamManager, prefix: string): Promise<void> {
  const names: string[] = [];
  for await (const name of jsm.streams.names()) if (name.startsWith(prefix)) names.push(name);
  await Promise.all(names.map((name) => jsm.streams.delete(name)));
}

let shared: { nc: NatsConnection; jsm: JetStreamManager };
before(async () => {
  shared = await admin();
});
after(async () => {
  await deleteStreams(shared.jsm, `${RUN}_`);
  await shared.nc.close();
});

describeStreamTransport('nats', async () => {
  const prefix = `${RUN}_${++fixtures}_`;
  const transport = new NatsStreamTransport({ servers: SERVER, streamPrefix: prefix });
  return {
    transport,
    cleanup: async () => {
      await transport.close();
      await deleteStreams(shared.jsm, prefix);
    },
  };
});

describe('NatsStreamTransport', () => {
  it('translates a refused connection into a TransientError naming the server', async () => {
    const transport = new NatsStreamTransport({ servers: '127.0.0.1:1', connectTimeoutMs: 2000 });
    await assert.rejects(
      transport.describeStream('orders'),
      (err: unknown) => err instanceof TransientError && err.code === 'STREAM_UNAVAILABLE' && err.message.includes('127.0.0.1:1') && err.message.includes('nats-server -js'),
    );
    await transport.close();
  });

  it('maps a lakestack stream to one JetStream stream with one subject per shard and the shard count in its description', async () => {
    const prefix = `${RUN}_layout_`;
    const transport = new NatsStreamTransport({ servers: SERVER, streamPrefix: prefix });
    try {
      await transport.ensureStream('orders', { shardCount: 2 });
      const info = await shared.jsm.streams.info(`${prefix}orders`);
      assert.deepEqual(info.config.subjects, [`lakestack.${prefix}.orders.*`]);
      assert.deepEqual(JSON.parse(info.config.description!), { lakestack: { formatVersion: 1, name: 'orders', shardCount: 2 } });
      const [put] = await transport.putRecords('orders', [{ partitionKey: 'k', data: new Uint8Array([1]) }]);
      const stored = await shared.jsm.streams.getMessage(`${prefix}orders`, { seq: Number(put!.sequenceNumber) });
      assert.equal(stored.subject, `lakestack.${prefix}.orders.${put!.shardId}`);
      assert.equal(stored.header.get('Lakestack-Partition-Key'), 'k');
      await transport.readShard('orders', put!.shardId, { type: 'TRIM_HORIZON' }, 10);
      // Deleted behind the transport's back (its shard-count cache and read cursor still exist).
      await shared.jsm.streams.delete(`${prefix}orders`);
      await assert.rejects(transport.putRecords('orders', [{ partitionKey: 'k', data: new Uint8Array([2]) }]), NotFoundError);
      await assert.rejects(transport.readShard('orders', put!.shardId, { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: put!.sequenceNumber }, 10), NotFoundError);
    } finally {
      await transport.close();
      await deleteStreams(shared.jsm, prefix);
    }
  });

  it('keeps streams whose names differ only by dots apart', async () => {
    const prefix = `${RUN}_dots_`;
    const transport = new NatsStreamTransport({ servers: SERVER, streamPrefix: prefix });
    try {
      await transport.ensureStream('a.b', { shardCount: 1 });
      await transport.ensureStream('a_b', { shardCount: 2 });
      assert.equal((await transport.describeStream('a.b')).shards.length, 1);
      assert.equal((await transport.describeStream('a_b')).shards.length, 2);
      await transport.putRecords('a.b', [{ partitionKey: 'k', data: new Uint8Array([7]) }]);
      const read = await transport.readShard('a.b', shardIdOf(0), { type: 'TRIM_HORIZON' }, 10);
      assert.deepEqual(read.records.map((r) => [...r.data]), [[7]]);
      assert.equal(await transport.latestSequenceNumber('a_b', shardIdOf(0)), '');
    } finally {
      await transport.close();
      await deleteStreams(shared.jsm, prefix);
    }
  });

  it('refuses a JetStream stream of the same name that lakestack did not create', async () => {
    const prefix = `${RUN}_foreign_`;
    await shared.jsm.streams.add({ name: `${prefix}orders`, subjects: [`${prefix}.foreign`], description: 'someone else' });
    const transport = new NatsStreamTransport({ servers: SERVER, streamPrefix: prefix });
    try {
      await assert.rejects(transport.ensureStream('orders', { shardCount: 1 }), (err: unknown) => err instanceof TerminalError && err.code === 'STREAM_NAME_CONFLICT');
    } finally {
      await transport.close();
      await deleteStreams(shared.jsm, prefix);
    }
  });

  it('feeds a StreamConsumer with parallel lanes: every record once, per-key order kept', async () => {
    const prefix = `${RUN}_consumer_`;
    const transport = new NatsStreamTransport({ servers: SERVER, streamPrefix: prefix });
    try {
      await transport.ensureStream('events', { shardCount: 2 });
      await transport.putRecords('events', Array.from({ length: 300 }, (_, i) => ({ partitionKey: `k${i % 9}`, data: new TextEncoder().encode(`k${i % 9}:${Math.floor(i / 9)}`) })));
      const committed: Record<string, string> = {};
      const rows: string[] = [];
      const consumer = new StreamConsumer(transport, {
        stream: 'events',
        consumerName: 'it',
        startingPosition: 'TRIM_HORIZON',
        batchSize: 16,
        parallelizationFactor: 3,
        checkpoints: { load: async () => ({ ...committed }) },
        handler: async (batch) => {
          rows.push(...batch.records.map((r) => new TextDecoder().decode(r.data)));
          Object.assign(committed, batch.checkpoint);
        },
      });
      assert.deepEqual((await consumer.runUntilIdle()).records, 300);
      const perKey = new Map<string, number[]>();
      for (const row of rows) {
        const [key, n] = row.split(':');
        perKey.set(key!, [...(perKey.get(key!) ?? []), Number(n)]);
      }
      for (const [key, values] of perKey) assert.deepEqual(values, Array.from({ length: values.length }, (_, i) => i), key);
      assert.equal(rows.length, 300);
      for (const lag of await consumer.lag()) assert.deepEqual([lag.recordsBehind, lag.millisBehind], [0, 0]);
    } finally {
      await transport.close();
      await deleteStreams(shared.jsm, prefix);
    }
  });

  it('continues one server-side cursor while a shard is read sequentially', async () => {
    const prefix = `${RUN}_cursor_`;
    const transport = new NatsStreamTransport({ servers: SERVER, streamPrefix: prefix });
    try {
      await transport.ensureStream('seq', { shardCount: 1 });
      await transport.putRecords('seq', Array.from({ length: 50 }, (_, i) => ({ partitionKey: `k${i}`, data: new Uint8Array([i]) })));
      let from: { type: 'TRIM_HORIZON' } | { type: 'AFTER_SEQUENCE_NUMBER'; sequenceNumber: string } = { type: 'TRIM_HORIZON' };
      const seen: number[] = [];
      for (;;) {
        const { records } = await transport.readShard('seq', shardIdOf(0), from, 7);
        if (records.length === 0) break;
        seen.push(...records.map((r) => r.data[0]!));
        from = { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: records[records.length - 1]!.sequenceNumber };
      }
      assert.deepEqual(seen, Array.from({ length: 50 }, (_, i) => i));
      const consumers: string[] = [];
      for await (const c of await shared.jsm.consumers.list(`${prefix}seq`)) consumers.push(c.name);
      assert.equal(consumers.length, 1, `one cursor served 8 sequential reads, found ${consumers.length}`);
      await transport.putRecords('seq', [{ partitionKey: 'late', data: new Uint8Array([99]) }]);
      const late = await transport.readShard('seq', shardIdOf(0), from, 7);
      assert.deepEqual(late.records.map((r) => r.data[0]), [99]);
      assert.equal(late.latestSequenceNumber, late.records[0]!.sequenceNumber);
    } finally {
      await transport.close();
      await deleteStreams(shared.jsm, prefix);
    }
  });
});
