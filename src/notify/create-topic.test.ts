import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir } from '../../test/support/paths.ts';
import { createTopic } from './index.ts';
import type { ChannelConfig } from './index.ts';

let dir: string;
let cleanup: () => Promise<void>;

before(async () => {
  ({ dir, cleanup } = await tempDir('lakestack-notify-topic-'));
});

after(() => cleanup());

describe('createTopic', () => {
  it('builds channels and filter policies from configuration and publishes through them', async () => {
    const failuresPath = join(dir, 'failures.jsonl');
    const allPath = join(dir, 'all.jsonl');
    const topic = createTopic({
      name: 'job-runs',
      subscriptions: [
        { id: 'failures', channel: { kind: 'file', path: failuresPath }, filterPolicy: { status: ['failure'] } },
        { id: 'slow', channel: { kind: 'file', path: allPath }, filterPolicy: '{"durationMs":[{"numeric":[">",60000]}]}', filterPolicyScope: 'MessageBody' },
        { id: 'webhook', channel: { kind: 'webhook', url: 'http://127.0.0.1:9/never' }, filterPolicy: { status: ['never'] } },
        { id: 'mail', channel: { kind: 'smtp', host: '127.0.0.1', port: 25, from: 'a@x.test', to: ['b@x.test'] }, filterPolicy: { status: ['never'] } },
      ],
    });
    assert.equal(topic.arn, 'lakestack:topic:job-runs');
    assert.ok(Object.isFrozen(topic));
    const result = await topic.publish({
      subject: 'Job nightly failed',
      message: { runId: 'r-7', counts: { read: 10, written: 0 }, durationMs: 90_000, error: 'boom' },
      attributes: { status: 'failure', job: 'nightly' },
    });
    assert.deepEqual(result.results.map((r) => [r.subscriptionId, r.status]), [
      ['failures', 'delivered'],
      ['slow', 'delivered'],
      ['webhook', 'filtered'],
      ['mail', 'filtered'],
    ]);
    const line = JSON.parse((await readFile(failuresPath, 'utf8')).trim()) as { Message: string; MessageId: string };
    assert.equal(line.MessageId, result.messageId);
    assert.equal((JSON.parse(line.Message) as { runId: string }).runId, 'r-7');
  });

  it('rejects bad topic names, repeated ids, unknown channel kinds and invalid policies', () => {
    const file: ChannelConfig = { kind: 'file', path: join(dir, 'x.jsonl') };
    assert.throws(() => createTopic({ name: 'bad name!', subscriptions: [] }), { code: 'NOTIFY_CONFIG_INVALID' });
    assert.throws(() => createTopic({ name: 't', subscriptions: [{ id: 'a', channel: file }, { id: 'a', channel: file }] }), /"a" of topic "t" is empty or repeated/);
    assert.throws(() => createTopic({ name: 't', subscriptions: [{ id: 'a', channel: { kind: 'sms' } as unknown as ChannelConfig }] }), /kind "sms"/);
    assert.throws(() => createTopic({ name: 't', subscriptions: [{ id: 'a', channel: file, filterPolicy: { a: [] } }] }), { code: 'FILTER_POLICY_INVALID' });
    assert.throws(() => createTopic({ name: 't', subscriptions: [{ id: 'a', channel: file, filterPolicy: { a: { b: ['x'] } } }] }), /only the MessageBody scope/);
  });
});
