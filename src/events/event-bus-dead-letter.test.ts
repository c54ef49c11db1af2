import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryObjectStore } from '../storage/index.ts';
import { ObjectStoreDeadLetterSink } from './event-bus-dead-letter.ts';
import type { DeadLetterRecord } from './event-bus-dead-letter.ts';

function record(target: string, overrides: Partial<DeadLetterRecord> = {}): DeadLetterRecord {
  return {
    bus: 'orders',
    event: { version: '0', id: 'e-1', 'detail-type': 'T', source: 'app', account: '000000000000', time: '2026-11-23T10:00:00Z', region: 'us-east-1', resources: [], detail: { n: 1 } },
    rule: 'to-jobs',
    target,
    error: { name: 'Error', message: 'boom' },
    exhaustedCondition: 'MaximumRetryAttempts',
    attempts: 3,
    firstAttemptAt: '2026-11-23T10:00:00.000Z',
    lastAttemptAt: '2026-11-23T10:00:07.000Z',
    ...overrides,
  };
}

describe('ObjectStoreDeadLetterSink', () => {
  it('writes a JSON line under <prefix>/<bus>/<rule>/<yyyy-mm-dd>/<event id>.json', async () => {
    const store = new MemoryObjectStore();
    const sink = new ObjectStoreDeadLetterSink(store, '_events/dead-letter');
    await sink.write(record('job'));
    const key = '_events/dead-letter/orders/to-jobs/2026-11-23/e-1.json';
    assert.equal(sink.keyOf(record('job')), key);
    const text = (await store.get(key)).toString('utf8');
    assert.ok(text.endsWith('\n'));
    assert.deepEqual(JSON.parse(text), record('job'));
  });

  it('appends one line per target, even when writes race, and lists them back', async () => {
    const store = new MemoryObjectStore();
    const sink = new ObjectStoreDeadLetterSink(store, 'dlq');
    await Promise.all(['a', 'b', 'c'].map((t) => sink.write(record(t))));
    await sink.write(record('x', { rule: 'other' }));
    const lines = (await store.get('dlq/orders/to-jobs/2026-11-23/e-1.json')).toString('utf8').trim().split('\n');
    assert.deepEqual(lines.map((l) => (JSON.parse(l) as DeadLetterRecord).target).sort(), ['a', 'b', 'c']);
    assert.equal((await sink.list()).length, 4);
    assert.deepEqual((await sink.list({ bus: 'orders', rule: 'other' })).map((r) => r.target), ['x']);
    assert.deepEqual(await sink.list({ bus: 'none' }), []);
  });

  it('keeps later writes working after a failed put', async () => {
    const store = new MemoryObjectStore();
    const sink = new ObjectStoreDeadLetterSink(store, 'dlq');
    store.failNthPut(1);
    await assert.rejects(sink.write(record('a')), { code: 'STORAGE_INJECTED_FAULT' });
    await sink.write(record('b'));
    assert.deepEqual((await sink.list()).map((r) => r.target), ['b']);
  });
});
