import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir } from '../../test/support/paths.ts';
import { FileChannel } from './file-channel.ts';
import { buildEnvelope } from './notification.ts';
import { TransientDeliveryError } from './notify-errors.ts';

let dir: string;
let cleanup: () => Promise<void>;

before(async () => {
  ({ dir, cleanup } = await tempDir('lakestack-notify-'));
});

after(() => cleanup());

describe('FileChannel', () => {
  it('creates missing folders and appends one JSON line per envelope', async () => {
    const path = join(dir, 'a', 'b', 'runs.jsonl');
    const channel = new FileChannel({ path });
    const first = buildEnvelope({ topicName: 'runs', message: 'one' });
    const second = buildEnvelope({ topicName: 'runs', message: 'two\nlines', subject: 'S' });
    assert.deepEqual(await channel.deliver(first), { attempts: 1 });
    await channel.deliver(second);
    const lines = (await readFile(path, 'utf8')).split('\n');
    assert.equal(lines.pop(), '');
    assert.deepEqual(lines.map((l) => JSON.parse(l)), [first, second]);
  });

  it('keeps every line whole when many deliveries run at once', async () => {
    const path = join(dir, 'concurrent.jsonl');
    const channel = new FileChannel({ path });
    const big = 'x'.repeat(20_000);
    const envelopes = Array.from({ length: 40 }, (_, i) => buildEnvelope({ topicName: 'runs', message: `${i}:${big}` }));
    await Promise.all(envelopes.map((e) => channel.deliver(e)));
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    assert.equal(lines.length, 40);
    const ids = new Set(lines.map((l) => (JSON.parse(l) as { MessageId: string }).MessageId));
    assert.deepEqual(ids, new Set(envelopes.map((e) => e.MessageId)));
  });

  it('fails with a transient error naming the path when the file cannot be written', async () => {
    const path = join(dir, 'is-a-folder');
    await mkdir(path);
    await assert.rejects(new FileChannel({ path }).deliver(buildEnvelope({ topicName: 'runs', message: 'm' })), (err: unknown) => {
      assert.ok(err instanceof TransientDeliveryError);
      assert.ok(err.message.includes(path));
      return true;
    });
  });

  it('rejects an empty path', () => {
    assert.throws(() => new FileChannel({ path: '' }), /give a file path/);
  });
});
