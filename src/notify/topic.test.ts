import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TerminalError, ValidationError } from '../errors.ts';
import { compileFilterPolicy } from './filter-policy.ts';
import type { NotificationEnvelope } from './notification.ts';
import type { NotifyChannel } from './notify-channel.ts';
import { TransientDeliveryError } from './notify-errors.ts';
import { Topic } from './topic.ts';

/** Records envelopes; fails with `error` when given. */
function recorder(error?: unknown): NotifyChannel & { got: NotificationEnvelope[] } {
  const got: NotificationEnvelope[] = [];
  return {
    kind: 'memory',
    target: 'memory://test',
    got,
    deliver(envelope) {
      if (error !== undefined) return Promise.reject(error);
      got.push(envelope);
      return Promise.resolve({ attempts: 1 });
    },
  };
}

describe('Topic.publish', () => {
  it('builds an SNS-style envelope and delivers it to every subscription', async () => {
    const a = recorder();
    const b = recorder();
    const topic = new Topic('runs', [
      { id: 'a', channel: a },
      { id: 'b', channel: b },
    ]);
    const before = Date.now();
    const result = await topic.publish({ subject: 'Job done', message: { runId: 'r1', rows: 10 }, attributes: { status: 'success', rows: 10, tags: ['x', 'y'] } });
    assert.equal(topic.arn, 'lakestack:topic:runs');
    assert.deepEqual(result.results, [
      { subscriptionId: 'a', status: 'delivered', attempts: 1 },
      { subscriptionId: 'b', status: 'delivered', attempts: 1 },
    ]);
    const env = a.got[0] as NotificationEnvelope;
    assert.deepEqual(b.got[0], env);
    assert.equal(env.Type, 'Notification');
    assert.equal(env.MessageId, result.messageId);
    assert.match(env.MessageId, /^[0-9a-f-]{36}$/);
    assert.equal(env.TopicArn, 'lakestack:topic:runs');
    assert.equal(env.Subject, 'Job done');
    assert.equal(env.Message, '{"runId":"r1","rows":10}');
    assert.ok(Date.parse(env.Timestamp) >= before - 1000 && env.Timestamp.endsWith('Z'));
    assert.deepEqual(env.MessageAttributes, {
      status: { Type: 'String', Value: 'success' },
      rows: { Type: 'Number', Value: '10' },
      tags: { Type: 'String.Array', Value: '["x","y"]' },
    });
  });

  it('leaves out Subject and MessageAttributes when not given', async () => {
    const a = recorder();
    await new Topic('runs', [{ id: 'a', channel: a }]).publish({ message: 'plain' });
    const env = a.got[0] as NotificationEnvelope;
    assert.equal('Subject' in env, false);
    assert.equal('MessageAttributes' in env, false);
    assert.equal(env.Message, 'plain');
  });

  it('filters by attributes and by the JSON body, per subscription', async () => {
    const failures = recorder();
    const bigRuns = recorder();
    const all = recorder();
    const topic = new Topic('runs', [
      { id: 'failures', channel: failures, filter: compileFilterPolicy({ status: ['failure'] }) },
      { id: 'big', channel: bigRuns, filter: compileFilterPolicy({ counts: { rows: [{ numeric: ['>=', 1000] }] } }, 'MessageBody') },
      { id: 'all', channel: all },
    ]);
    const r1 = await topic.publish({ message: '{"counts":{"rows":5000}}', attributes: { status: 'success' } });
    assert.deepEqual(r1.results.map((r) => r.status), ['filtered', 'delivered', 'delivered']);
    const r2 = await topic.publish({ message: { counts: { rows: 3 } }, attributes: { status: 'failure' } });
    assert.deepEqual(r2.results.map((r) => r.status), ['delivered', 'filtered', 'delivered']);
    const r3 = await topic.publish({ message: 'not json', attributes: { status: 'failure' } });
    assert.deepEqual(r3.results.map((r) => r.status), ['delivered', 'filtered', 'delivered']);
    assert.equal(all.got.length, 3);
  });

  it('reports a failed delivery without stopping the others', async () => {
    const transient = new TransientDeliveryError('receiver down', {});
    const ok = recorder();
    const topic = new Topic('runs', [
      { id: 'down', channel: recorder(transient) },
      { id: 'weird', channel: recorder(new Error('socket exploded')) },
      { id: 'ok', channel: ok },
    ]);
    const { results } = await topic.publish({ message: 'm' });
    assert.deepEqual(results[0], { subscriptionId: 'down', status: 'failed', error: transient });
    const weird = results[1];
    assert.ok(weird?.status === 'failed' && weird.error instanceof TerminalError);
    assert.equal(weird.error.code, 'NOTIFY_DELIVERY_FAILED');
    assert.match(weird.error.message, /subscription "weird" of topic "runs" failed to deliver to memory:\/\/test: socket exploded/);
    assert.equal(results[2]?.status, 'delivered');
    assert.equal(ok.got.length, 1);
  });

  it('rejects malformed attributes before delivering anything', async () => {
    const a = recorder();
    const topic = new Topic('runs', [{ id: 'a', channel: a }]);
    for (const attributes of [{ n: Number.NaN }, { '': 'x' }, { arr: ['a', 1] }] as unknown as Array<Record<string, string>>) {
      await assert.rejects(topic.publish({ message: 'm', attributes }), (err: unknown) => err instanceof ValidationError && err.code === 'NOTIFY_MESSAGE_INVALID');
    }
    assert.equal(a.got.length, 0);
  });
});
