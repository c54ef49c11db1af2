import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { NotFoundError, ValidationError } from '../../src/errors.ts';
import { shardIdOf, shardIndexFor } from '../../src/streams/shard-hash.ts';
import type { PutRecord, StreamRecord, StreamTransport } from '../../src/streams/stream-transport.ts';

/** A fresh transport over empty storage, and how to remove what the test created. */
export interface StreamTransportFixture {
  transport: StreamTransport;
  cleanup(): Promise<void>;
}

const text = new TextEncoder();
const untext = new TextDecoder();

function record(partitionKey: string, payload: string): PutRecord {
  return { partitionKey, data: text.encode(payload) };
}

/** Every record of a shard, read in pages of `page`. */
async function readAll(transport: StreamTransport, stream: string, shardId: string, page = 1000): Promise<StreamRecord[]> {
  const out: StreamRecord[] = [];
  for (;;) {
    const last = out[out.length - 1];
    const from = last ? { type: 'AFTER_SEQUENCE_NUMBER' as const, sequenceNumber: last.sequenceNumber } : { type: 'TRIM_HORIZON' as const };
    const { records } = await transport.readShard(stream, shardId, from, page);
    if (records.length === 0) return out;
    out.push(...records);
  }
}

function assertIncreasing(sequences: string[], what: string): void {
  for (let i = 1; i < sequences.length; i++) {
    assert.ok(BigInt(sequences[i]!) > BigInt(sequences[i - 1]!), `${what}: ${sequences[i]} must be above ${sequences[i - 1]}`);
  }
}

/**
 * The behaviour every StreamTransport shares, run against each backend:
 * `describeStreamTransport('embedded', async () => ({ transport, cleanup }))`.
 */
export function describeStreamTransport(name: string, make: () => Promise<StreamTransportFixture>): void {
  describe(`StreamTransport contract: ${name}`, () => {
    let fixture: StreamTransportFixture;
    let streams: StreamTransport;

    beforeEach(async () => {
      fixture = await make();
      streams = fixture.transport;
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    it('ensureStream creates the shards once and keeps them', async () => {
      const created = await streams.ensureStream('orders', { shardCount: 3 });
      assert.deepEqual(created, { name: 'orders', shards: [shardIdOf(0), shardIdOf(1), shardIdOf(2)] });
      assert.deepEqual(await streams.ensureStream('orders', { shardCount: 5 }), created);
      assert.deepEqual(await streams.describeStream('orders'), created);
    });

    it('describeStream, putRecords and readShard of a missing stream fail with NotFoundError', async () => {
      await assert.rejects(streams.describeStream('absent'), (err: unknown) => err instanceof NotFoundError && err.code === 'STREAM_NOT_FOUND' && err.message.includes('"absent"'));
      await assert.rejects(streams.putRecords('absent', [record('k', 'v')]), NotFoundError);
      await assert.rejects(streams.readShard('absent', shardIdOf(0), { type: 'TRIM_HORIZON' }, 10), NotFoundError);
    });

    it('rejects unknown shards, bad limits, bad sequence numbers and bad records', async () => {
      await streams.ensureStream('orders', { shardCount: 2 });
      await assert.rejects(streams.readShard('orders', shardIdOf(2), { type: 'TRIM_HORIZON' }, 10), (err: unknown) => err instanceof NotFoundError && err.code === 'STREAM_SHARD_NOT_FOUND');
      await assert.rejects(streams.readShard('orders', shardIdOf(0), { type: 'TRIM_HORIZON' }, 0), ValidationError);
      await assert.rejects(streams.readShard('orders', shardIdOf(0), { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: 'x1' }, 5), ValidationError);
      await assert.rejects(streams.putRecords('orders', [record('', 'v')]), (err: unknown) => err instanceof ValidationError && err.fields.path === 'records[0].partitionKey');
      await assert.rejects(streams.ensureStream('bad/name', { shardCount: 1 }), ValidationError);
    });

    it('puts a key always on its hash shard, in order, with increasing sequence numbers', async () => {
      await streams.ensureStream('orders', { shardCount: 4 });
      const keys = Array.from({ length: 40 }, (_, i) => `customer-${i}`);
      const first = await streams.putRecords('orders', keys.map((k) => record(k, `${k}#0`)));
      const second = await streams.putRecords('orders', [...keys, ...keys].map((k, i) => record(k, `${k}#${i < keys.length ? 1 : 2}`)));
      keys.forEach((k, i) => {
        const expected = shardIdOf(shardIndexFor(k, 4));
        assert.equal(first[i]!.shardId, expected, `key ${k}`);
        assert.equal(second[i]!.shardId, expected);
        assert.equal(second[i + keys.length]!.shardId, expected);
        assertIncreasing([first[i]!.sequenceNumber, second[i]!.sequenceNumber, second[i + keys.length]!.sequenceNumber], `key ${k}`);
      });
      const usedShards = new Set(first.map((r) => r.shardId));
      assert.ok(usedShards.size > 1, '40 keys spread over more than one of 4 shards');
      for (const shardId of usedShards) {
        const records = await readAll(streams, 'orders', shardId);
        assert.ok(records.every((r) => r.shardId === shardId));
        assertIncreasing(records.map((r) => r.sequenceNumber), shardId);
        const perKey = new Map<string, string[]>();
        for (const r of records) perKey.set(r.partitionKey, [...(perKey.get(r.partitionKey) ?? []), untext.decode(r.data)]);
        for (const [k, payloads] of perKey) assert.deepEqual(payloads, [`${k}#0`, `${k}#1`, `${k}#2`]);
      }
      const total = (await Promise.all([0, 1, 2, 3].map((i) => readAll(streams, 'orders', shardIdOf(i))))).flat().length;
      assert.equal(total, 120);
    });

    it('reads from TRIM_HORIZON and AFTER_SEQUENCE_NUMBER with limits', async () => {
      await streams.ensureStream('single', { shardCount: 1 });
      const shard = shardIdOf(0);
      const puts = await streams.putRecords('single', Array.from({ length: 25 }, (_, i) => record(`k${i % 3}`, `v${i}`)));
      const page1 = await streams.readShard('single', shard, { type: 'TRIM_HORIZON' }, 10);
      assert.deepEqual(page1.records.map((r) => untext.decode(r.data)), Array.from({ length: 10 }, (_, i) => `v${i}`));
      assert.deepEqual(page1.records.map((r) => r.sequenceNumber), puts.slice(0, 10).map((p) => p.sequenceNumber));
      assert.equal(page1.latestSequenceNumber, puts[24]!.sequenceNumber);
      const page2 = await streams.readShard('single', shard, { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: page1.records[9]!.sequenceNumber }, 10);
      assert.deepEqual(page2.records.map((r) => untext.decode(r.data)), Array.from({ length: 10 }, (_, i) => `v${i + 10}`));
      const middle = await streams.readShard('single', shard, { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: puts[3]!.sequenceNumber }, 2);
      assert.deepEqual(middle.records.map((r) => untext.decode(r.data)), ['v4', 'v5']);
      const rest = await streams.readShard('single', shard, { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: page2.records[9]!.sequenceNumber }, 100);
      assert.equal(rest.records.length, 5);
      const end = await streams.readShard('single', shard, { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: puts[24]!.sequenceNumber }, 100);
      assert.deepEqual(end, { records: [], latestSequenceNumber: puts[24]!.sequenceNumber });
      // Reading the same position twice returns the same records (reads have no side effects).
      const again = await streams.readShard('single', shard, { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: page1.records[9]!.sequenceNumber }, 10);
      assert.deepEqual(again.records.map((r) => r.sequenceNumber), page2.records.map((r) => r.sequenceNumber));
    });

    it('reports the latest sequence number per shard', async () => {
      await streams.ensureStream('single', { shardCount: 1 });
      const shard = shardIdOf(0);
      assert.equal(await streams.latestSequenceNumber('single', shard), '');
      assert.deepEqual(await streams.readShard('single', shard, { type: 'TRIM_HORIZON' }, 5), { records: [], latestSequenceNumber: '' });
      const first = await streams.putRecords('single', [record('a', '1'), record('b', '2')]);
      assert.equal(await streams.latestSequenceNumber('single', shard), first[1]!.sequenceNumber);
      const second = await streams.putRecords('single', [record('c', '3')]);
      assert.equal(await streams.latestSequenceNumber('single', shard), second[0]!.sequenceNumber);
      assertIncreasing([first[0]!.sequenceNumber, first[1]!.sequenceNumber, second[0]!.sequenceNumber], 'single shard');
    });

    it('round-trips binary data, empty data, unicode keys and the arrival time', async () => {
      await streams.ensureStream('bin', { shardCount: 2 });
      const everyByte = Uint8Array.from({ length: 256 }, (_, i) => i);
      const large = new Uint8Array(randomBytes(200_000));
      const before = Date.now();
      const puts = await streams.putRecords('bin', [
        { partitionKey: 'bytes', data: everyByte },
        { partitionKey: 'empty', data: new Uint8Array(0) },
        { partitionKey: 'ключ 🔑 key\twith\nodd chars%', data: large },
      ]);
      const after = Date.now();
      const read = (await Promise.all([0, 1].map((i) => readAll(streams, 'bin', shardIdOf(i))))).flat();
      const byKey = new Map(read.map((r) => [r.partitionKey, r]));
      assert.deepEqual(byKey.get('bytes')!.data, everyByte);
      assert.deepEqual(byKey.get('empty')!.data, new Uint8Array(0));
      assert.deepEqual(byKey.get('ключ 🔑 key\twith\nodd chars%')!.data, large);
      for (const [i, r] of [byKey.get('bytes')!, byKey.get('empty')!, byKey.get('ключ 🔑 key\twith\nodd chars%')!].entries()) {
        assert.equal(r.sequenceNumber, puts[i]!.sequenceNumber);
        assert.equal(r.shardId, puts[i]!.shardId);
        const at = r.approximateArrivalTimestamp.getTime();
        assert.ok(at >= before - 1000 && at <= after + 1000, `arrival ${at} within [${before}, ${after}]`);
      }
    });

    it('stores and reads back 10,000 records', async () => {
      await streams.ensureStream('many', { shardCount: 3 });
      const total = 10_000;
      const sequences = new Map<string, string[]>();
      for (let at = 0; at < total; at += 500) {
        const batch = Array.from({ length: 500 }, (_, i) => record(`device-${(at + i) % 97}`, String(at + i)));
        const results = await streams.putRecords('many', batch);
        for (const r of results) {
          const list = sequences.get(r.shardId) ?? [];
          list.push(r.sequenceNumber);
          sequences.set(r.shardId, list);
        }
      }
      let seen = 0;
      for (let i = 0; i < 3; i++) {
        const shardId = shardIdOf(i);
        const records = await readAll(streams, 'many', shardId, 777);
        assert.deepEqual(records.map((r) => r.sequenceNumber), sequences.get(shardId) ?? []);
        assertIncreasing(records.map((r) => r.sequenceNumber), shardId);
        const lastPerKey = new Map<string, number>();
        for (const r of records) {
          const value = Number(untext.decode(r.data));
          assert.ok((lastPerKey.get(r.partitionKey) ?? -1) < value, `per-key order of ${r.partitionKey}`);
          lastPerKey.set(r.partitionKey, value);
        }
        seen += records.length;
      }
      assert.equal(seen, total);
    });
  });
}
