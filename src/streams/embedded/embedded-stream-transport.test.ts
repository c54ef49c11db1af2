import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFile, readFile, readdir, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { TransientError } from '../../errors.ts';
import { describeStreamTransport } from '../../../test/contracts/stream-transport.contract.ts';
import { tempDir } from '../../../test/support/paths.ts';
import { shardIdOf } from '../shard-hash.ts';
import type { PutResult, StreamRecord, StreamTransport } from '../stream-transport.ts';
import { EmbeddedStreamTransport } from './embedded-stream-transport.ts';
import { encodeFrames } from './segment-frame.ts';

const run = promisify(execFile);
const text = new TextEncoder();
const untext = new TextDecoder();
const shard0 = shardIdOf(0);

describeStreamTransport('embedded', async () => {
  const { dir, cleanup } = await tempDir('lakestack-streams-');
  const transport = new EmbeddedStreamTransport({ root: dir });
  return {
    transport,
    cleanup: async () => {
      await transport.close();
      await cleanup();
    },
  };
});

async function readAll(transport: StreamTransport, stream: string, shardId: string, page = 100): Promise<StreamRecord[]> {
  const out: StreamRecord[] = [];
  for (;;) {
    const last = out[out.length - 1];
    const from = last ? { type: 'AFTER_SEQUENCE_NUMBER' as const, sequenceNumber: last.sequenceNumber } : { type: 'TRIM_HORIZON' as const };
    const { records } = await transport.readShard(stream, shardId, from, page);
    if (records.length === 0) return out;
    out.push(...records);
  }
}

function payloads(records: StreamRecord[]): string[] {
  return records.map((r) => untext.decode(r.data));
}

async function withRoot(fn: (root: string) => Promise<void>): Promise<void> {
  const { dir, cleanup } = await tempDir('lakestack-streams-');
  try {
    await fn(dir);
  } finally {
    await cleanup();
  }
}

async function segmentNames(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.seg')).sort();
}

/** A one-shard stream holding records v0..v(n-1); returns the path of its only segment. */
async function seeded(root: string, n: number): Promise<string> {
  const writer = new EmbeddedStreamTransport({ root });
  await writer.ensureStream('s', { shardCount: 1 });
  await writer.putRecords('s', Array.from({ length: n }, (_, i) => ({ partitionKey: `k${i}`, data: text.encode(`v${i}`) })));
  await writer.close();
  const dir = join(root, 's', shard0);
  const segments = await segmentNames(dir);
  assert.deepEqual(segments, ['00000000000000000001.seg']);
  return join(dir, segments[0]!);
}

describe('EmbeddedStreamTransport durability', () => {
  it('lays out stream.json and numbered segments, and a reopened transport sees every record', async () => {
    await withRoot(async (root) => {
      const segment = await seeded(root, 3);
      const manifest = JSON.parse(await readFile(join(root, 's', 'stream.json'), 'utf8')) as Record<string, unknown>;
      assert.deepEqual({ ...manifest, createdAt: typeof manifest.createdAt }, { formatVersion: 1, name: 's', shardCount: 1, createdAt: 'string' });
      assert.ok((await stat(segment)).size > 0);
      const reader = new EmbeddedStreamTransport({ root });
      assert.deepEqual(payloads(await readAll(reader, 's', shard0)), ['v0', 'v1', 'v2']);
      assert.equal(await reader.latestSequenceNumber('s', shard0), '3');
      const more = await reader.putRecords('s', [{ partitionKey: 'k', data: text.encode('v3') }]);
      assert.deepEqual(more, [{ shardId: shard0, sequenceNumber: '4' }]);
    });
  });

  it('ignores a torn frame at the tail and truncates it before the next append', async () => {
    await withRoot(async (root) => {
      const segment = await seeded(root, 3);
      const validSize = (await stat(segment)).size;
      const torn = encodeFrames([{ sequence: 4n, arrivalMs: Date.now(), partitionKey: 'torn', data: text.encode('half written') }]);
      await appendFile(segment, torn.subarray(0, torn.length - 5));
      const transport = new EmbeddedStreamTransport({ root });
      assert.deepEqual(payloads(await readAll(transport, 's', shard0)), ['v0', 'v1', 'v2']);
      assert.equal(await transport.latestSequenceNumber('s', shard0), '3');
      const put = await transport.putRecords('s', [{ partitionKey: 'k', data: text.encode('after crash') }]);
      assert.equal(put[0]!.sequenceNumber, '4');
      const expectedSize = validSize + encodeFrames([{ sequence: 4n, arrivalMs: 0, partitionKey: 'k', data: text.encode('after crash') }]).length;
      assert.equal((await stat(segment)).size, expectedSize, 'torn bytes were truncated, not left between frames');
      const fresh = new EmbeddedStreamTransport({ root });
      assert.deepEqual(payloads(await readAll(fresh, 's', shard0)), ['v0', 'v1', 'v2', 'after crash']);
    });
  });

  it('ignores a whole last frame that fails its CRC, and overwrites it', async () => {
    await withRoot(async (root) => {
      const segment = await seeded(root, 3);
      const bytes = await readFile(segment);
      bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff; // flip the last data byte of frame 3
      await writeFile(segment, bytes);
      const transport = new EmbeddedStreamTransport({ root });
      assert.deepEqual(payloads(await readAll(transport, 's', shard0)), ['v0', 'v1']);
      const put = await transport.putRecords('s', [{ partitionKey: 'k', data: text.encode('replacement') }]);
      assert.equal(put[0]!.sequenceNumber, '3');
      assert.deepEqual(payloads(await readAll(new EmbeddedStreamTransport({ root }), 's', shard0)), ['v0', 'v1', 'replacement']);
    });
  });

  it('rolls segments at segmentBytes; fresh readers read across them from any position', async () => {
    await withRoot(async (root) => {
      const writer = new EmbeddedStreamTransport({ root, segmentBytes: 4096 });
      await writer.ensureStream('roll', { shardCount: 1 });
      for (let b = 0; b < 20; b++) {
        await writer.putRecords('roll', Array.from({ length: 10 }, (_, i) => ({ partitionKey: 'k', data: text.encode(`${b * 10 + i}`.padEnd(100, '.')) })));
      }
      const names = await segmentNames(join(root, 'roll', shard0));
      assert.ok(names.length >= 5, `expected several segments, got ${names.join(', ')}`);
      assert.equal(names[0], '00000000000000000001.seg');
      for (const name of names) assert.equal(BigInt(name.slice(0, 20)) % 10n, 1n, `${name} starts at a batch boundary`);
      const reader = new EmbeddedStreamTransport({ root });
      const all = await readAll(reader, 'roll', shard0, 37);
      assert.deepEqual(all.map((r) => r.sequenceNumber), Array.from({ length: 200 }, (_, i) => String(i + 1)));
      const cold = new EmbeddedStreamTransport({ root });
      const middle = await cold.readShard('roll', shard0, { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: '150' }, 5);
      assert.deepEqual(payloads(middle.records).map((p) => p.replace(/\.+$/, '')), ['150', '151', '152', '153', '154']);
      assert.equal(middle.latestSequenceNumber, '200');
    });
  });

  it('breaks the lock of a dead process', async () => {
    await withRoot(async (root) => {
      await seeded(root, 1);
      const dead = spawnSync(process.execPath, ['-e', '']).pid!;
      const lockPath = join(root, 's', 'append.lock');
      await writeFile(lockPath, JSON.stringify({ pid: dead, host: hostname(), token: randomUUID(), acquiredAt: new Date().toISOString() }));
      const transport = new EmbeddedStreamTransport({ root, lockTimeoutMs: 2000 });
      assert.deepEqual(await transport.putRecords('s', [{ partitionKey: 'k', data: text.encode('x') }]), [{ shardId: shard0, sequenceNumber: '2' }]);
      await assert.rejects(stat(lockPath), { code: 'ENOENT' });
    });
  });

  it('waits for a live lock holder: appends time out, readers do not read past fsynced data', async () => {
    await withRoot(async (root) => {
      const segment = await seeded(root, 2);
      // A live writer holds the lock and has written frame 3 but not yet fsynced it.
      const lockPath = join(root, 's', 'append.lock');
      await writeFile(lockPath, JSON.stringify({ pid: process.pid, host: hostname(), token: randomUUID(), acquiredAt: new Date().toISOString() }));
      await appendFile(segment, encodeFrames([{ sequence: 3n, arrivalMs: Date.now(), partitionKey: 'k', data: text.encode('v2') }]));
      const transport = new EmbeddedStreamTransport({ root, lockTimeoutMs: 150 });
      await assert.rejects(
        transport.putRecords('s', [{ partitionKey: 'k', data: text.encode('x') }]),
        (err: unknown) => err instanceof TransientError && err.code === 'STREAM_LOCK_TIMEOUT' && err.message.includes(lockPath) && err.message.includes(String(process.pid)),
      );
      assert.equal(await transport.latestSequenceNumber('s', shard0), '2', 'only up to the fsync watermark');
      assert.deepEqual(payloads(await readAll(transport, 's', shard0)), ['v0', 'v1']);
      await unlink(lockPath);
      assert.equal(await transport.latestSequenceNumber('s', shard0), '3');
      assert.deepEqual(payloads(await readAll(transport, 's', shard0)), ['v0', 'v1', 'v2']);
    });
  });

  it('two processes appending at once get unique, gap-free sequence numbers and lose nothing', async () => {
    await withRoot(async (root) => {
      const setup = new EmbeddedStreamTransport({ root });
      await setup.ensureStream('shared', { shardCount: 2 });
      const fixture = fileURLToPath(new URL('./concurrent-append.fixture.ts', import.meta.url));
      let writing = true;
      const writers = Promise.all(
        ['a', 'b'].map(async (writer) => {
          const { stdout } = await run(process.execPath, ['--import', 'tsx', fixture, root, 'shared', writer, '20', '25'], { timeout: 60_000 });
          return JSON.parse(stdout) as PutResult[];
        }),
      ).finally(() => {
        writing = false;
      });
      // Meanwhile a reader in this process tails shard 0 the way a consumer does.
      const tailer = new EmbeddedStreamTransport({ root });
      const tailed: StreamRecord[] = [];
      let seenWhileWriting = 0;
      while (writing) {
        const last = tailed[tailed.length - 1];
        const from = last ? { type: 'AFTER_SEQUENCE_NUMBER' as const, sequenceNumber: last.sequenceNumber } : { type: 'TRIM_HORIZON' as const };
        tailed.push(...(await tailer.readShard('shared', shardIdOf(0), from, 50)).records);
        if (writing) seenWhileWriting = tailed.length;
        await new Promise((r) => setTimeout(r, 5));
      }
      const [a, b] = await writers;
      assert.equal(a!.length, 500);
      assert.equal(b!.length, 500);
      const reader = new EmbeddedStreamTransport({ root });
      let total = 0;
      for (const shardId of [shardIdOf(0), shardIdOf(1)]) {
        const put = [...a!, ...b!].filter((r) => r.shardId === shardId).map((r) => BigInt(r.sequenceNumber));
        assert.equal(new Set(put).size, put.length, `${shardId}: sequence numbers are unique`);
        const records = await readAll(reader, 'shared', shardId, 64);
        assert.deepEqual(records.map((r) => r.sequenceNumber), Array.from({ length: records.length }, (_, i) => String(i + 1)));
        assert.deepEqual([...put].sort((x, y) => (x < y ? -1 : 1)).map(String), records.map((r) => r.sequenceNumber));
        const lastPerKey = new Map<string, number>();
        for (const r of records) {
          const n = Number(untext.decode(r.data).split(':')[1]);
          assert.ok((lastPerKey.get(r.partitionKey) ?? -1) < n, `order of ${r.partitionKey}`);
          lastPerKey.set(r.partitionKey, n);
        }
        total += records.length;
      }
      assert.equal(total, 1000);
      const last = tailed[tailed.length - 1];
      const restOfTail = last ? (await tailer.readShard('shared', shardIdOf(0), { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: last.sequenceNumber }, 1000)).records : [];
      assert.deepEqual([...tailed, ...restOfTail].map((r) => r.sequenceNumber), (await readAll(reader, 'shared', shardIdOf(0))).map((r) => r.sequenceNumber));
      assert.ok(seenWhileWriting > 0, 'the tailing reader made progress while both writers were appending');
      assert.ok((await segmentNames(join(root, 'shared', shardIdOf(0)))).length > 1, 'segments rolled while both wrote');
    });
  });
});
