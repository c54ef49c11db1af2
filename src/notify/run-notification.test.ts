import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TerminalError } from '../errors.ts';
import { compileFilterPolicy } from './filter-policy.ts';
import { runNotification } from './run-notification.ts';
import type { RunMessage } from './run-notification.ts';
import { Topic } from './topic.ts';
import type { NotificationEnvelope } from './notification.ts';

const startedAt = new Date('2026-11-23T10:00:00.000Z');
const finishedAt = new Date('2026-11-23T10:00:01.250Z');

describe('runNotification', () => {
  it('describes a successful run with counts and duration', () => {
    const input = runNotification({ kind: 'job', name: 'nightly', runId: 'r-7', status: 'succeeded', startedAt, finishedAt, counts: { read: 10, written: 10 } });
    assert.equal(input.subject, 'job "nightly" run r-7 succeeded in 1.3 s');
    assert.deepEqual(input.attributes, { kind: 'job', name: 'nightly', status: 'succeeded', runId: 'r-7' });
    assert.deepEqual(input.message, {
      kind: 'job', name: 'nightly', runId: 'r-7', status: 'succeeded',
      startedAt: '2026-11-23T10:00:00.000Z', finishedAt: '2026-11-23T10:00:01.250Z', durationMs: 1250, counts: { read: 10, written: 10 },
    });
  });

  it('carries the error code and message of a failed run and caps the subject at 100 characters', () => {
    const error = new TerminalError('SOURCE_MISSING', 'source "orders" not found');
    const input = runNotification({ kind: 'workflow', name: 'w'.repeat(120), runId: 'r-8', status: 'failed', startedAt, finishedAt, error });
    assert.equal(input.subject?.length, 100);
    assert.deepEqual((input.message as unknown as RunMessage).error, { code: 'SOURCE_MISSING', message: 'source "orders" not found' });
    assert.deepEqual((runNotification({ kind: 'job', name: 'j', runId: 'r', status: 'failed', startedAt, finishedAt, error: new Error('boom') }).message as unknown as RunMessage).error, { message: 'boom' });
  });

  it('publishes so that attribute and body filters can pick failures', async () => {
    const got: NotificationEnvelope[] = [];
    const channel = { kind: 'memory', target: 'memory://', deliver: (e: NotificationEnvelope) => (got.push(e), Promise.resolve({ attempts: 1 })) };
    const topic = new Topic('runs', [
      { id: 'failures', channel, filter: compileFilterPolicy({ status: ['failed'], kind: ['job'] }) },
      { id: 'slow', channel, filter: compileFilterPolicy({ durationMs: [{ numeric: ['>', 60_000] }] }, 'MessageBody') },
    ]);
    const result = await topic.publish(runNotification({ kind: 'job', name: 'j', runId: 'r', status: 'failed', startedAt, finishedAt, error: new Error('boom') }));
    assert.deepEqual(result.results.map((r) => r.status), ['delivered', 'filtered']);
    assert.equal((JSON.parse(got[0]?.Message ?? '{}') as RunMessage).error?.message, 'boom');
  });
});
