import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TerminalError, TransientError } from '../errors.ts';
import { Metrics } from '../observability/index.ts';
import { MemoryObjectStore } from '../storage/index.ts';
import { ObjectStoreDeadLetterSink } from './event-bus-dead-letter.ts';
import type { DeadLetterRecord, DeadLetterSink } from './event-bus-dead-letter.ts';
import { InvalidEventBusRuleError, PutEventsRequestError } from './event-bus-errors.ts';
import type { EventBusEvent, PutEventsRequestEntry } from './event-bus-put-events.ts';
import type { EventBusTarget } from './event-bus-rule.ts';
import { EventBus } from './event-bus.ts';
import type { EventBusOptions } from './event-bus.ts';
import { InvalidEventError, InvalidEventPatternError } from './event-pattern-errors.ts';
import { objectCreatedEvent } from './object-event.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A clock whose sleep returns at once and moves time forward, recording every delay. */
function fakeClock(start = Date.parse('2026-11-23T10:00:00Z')) {
  const clock = { t: start, delays: [] as number[] };
  return {
    clock,
    options: {
      now: () => clock.t,
      sleep: async (ms: number) => {
        clock.delays.push(ms);
        clock.t += ms;
      },
      random: () => 0.5,
    },
  };
}

function bus(options: EventBusOptions = {}) {
  const { clock, options: clockOptions } = fakeClock();
  return { clock, bus: new EventBus({ name: 'orders', clock: clockOptions, ...options }) };
}

/** A target that records what it receives. */
function recorder(id: string, extra: Partial<EventBusTarget> = {}) {
  const received: unknown[] = [];
  const target: EventBusTarget = { id, invoke: async (input) => void received.push(input), ...extra };
  return { received, target };
}

function entry(detail: Record<string, unknown>, overrides: PutEventsRequestEntry = {}): PutEventsRequestEntry {
  return { Source: 'com.example.orders', DetailType: 'Order Placed', Detail: JSON.stringify(detail), ...overrides };
}

describe('EventBus: routing', () => {
  it('delivers the full envelope to the targets of every matching rule only', async () => {
    const { bus: b } = bus();
    const big = recorder('big');
    const all = recorder('all');
    const other = recorder('other');
    b.putRule({ name: 'big-orders', eventPattern: { source: ['com.example.orders'], detail: { total: [{ numeric: ['>=', 100] }] } }, targets: [big.target] });
    b.putRule({ name: 'all-orders', eventPattern: { 'detail-type': ['Order Placed'] }, targets: [all.target] });
    b.putRule({ name: 'other', eventPattern: { source: ['com.example.billing'] }, targets: [other.target] });

    const result = await b.putEvents([entry({ total: 250 }, { Resources: ['arn:aws:x:::1'], Time: '2026-01-02T03:04:05.678Z' }), entry({ total: 5 })]);
    await b.deliveryIdle();

    assert.equal(result.FailedEntryCount, 0);
    assert.equal(all.received.length, 2);
    assert.equal(big.received.length, 1);
    assert.equal(other.received.length, 0);
    const event = big.received[0] as EventBusEvent;
    assert.deepEqual(event, {
      version: '0',
      id: (result.Entries[0] as { EventId: string }).EventId,
      'detail-type': 'Order Placed',
      source: 'com.example.orders',
      account: '000000000000',
      time: '2026-01-02T03:04:05Z',
      region: 'us-east-1',
      resources: ['arn:aws:x:::1'],
      detail: { total: 250 },
    });
    assert.match(event.id, UUID);
    assert.equal((all.received[1] as EventBusEvent).time, '2026-11-23T10:00:00Z', 'Time defaults to the time of the call');
  });

  it('skips disabled rules, and putting a rule again replaces it', async () => {
    const { bus: b } = bus();
    const t = recorder('t');
    b.putRule({ name: 'r', eventPattern: { source: ['com.example.orders'] }, state: 'DISABLED', targets: [t.target] });
    await b.putEvents([entry({})]);
    await b.deliveryIdle();
    assert.equal(t.received.length, 0);
    assert.equal(b.rules()[0]?.state, 'DISABLED');

    b.putRule({ name: 'r', eventPattern: { source: ['com.example.orders'] }, targets: [t.target] });
    await b.putEvents([entry({})]);
    await b.deliveryIdle();
    assert.equal(t.received.length, 1);
    assert.deepEqual(b.rules(), [{ name: 'r', arn: 'arn:aws:events:us-east-1:000000000000:rule/orders/r', state: 'ENABLED', targets: ['t'] }]);

    assert.equal(b.removeRule('r'), true);
    await b.putEvents([entry({})]);
    await b.deliveryIdle();
    assert.equal(t.received.length, 1);
  });

  it('publishes already-shaped object events with their own id, source and time', async () => {
    const { bus: b } = bus();
    const t = recorder('t');
    b.putRule({ name: 'landing', eventPattern: { source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { object: { key: [{ prefix: 'landing/' }] } } }, targets: [t.target] });
    const created = objectCreatedEvent({ bucket: 'lake', key: 'landing/a.csv', size: 3, etag: '"abc"', time: '2026-11-23T09:00:00Z' });
    await b.publish(created);
    await b.publish(objectCreatedEvent({ bucket: 'lake', key: 'other/b.csv', size: 3, etag: 'abc' }));
    await b.deliveryIdle();
    assert.deepEqual(t.received, [created]);
    await assert.rejects(b.publish({ ...created, detail: 'x' } as unknown as EventBusEvent), InvalidEventError);
    await assert.rejects(b.publish({ ...created, id: undefined } as unknown as EventBusEvent), InvalidEventError);
  });

  it('delivers the InputPath or InputTransformer output instead of the event', async () => {
    const { bus: b } = bus();
    const path = recorder('path', { inputPath: '$.detail' });
    const transformed = recorder('tx', {
      inputTransformer: { inputPathsMap: { id: '$.detail.id', total: '$.detail.total' }, inputTemplate: '{"order": <id>, "total": <total>, "rule": <aws.events.rule-name>, "text": "order <id> of <total>"}' },
    });
    b.putRule({ name: 'r', eventPattern: { source: ['com.example.orders'] }, targets: [path.target, transformed.target] });
    await b.putEvents([entry({ id: 'o-1', total: 12.5 })]);
    await b.deliveryIdle();
    assert.deepEqual(path.received, [{ id: 'o-1', total: 12.5 }]);
    assert.deepEqual(transformed.received, [{ order: 'o-1', total: 12.5, rule: 'r', text: 'order o-1 of 12.5' }]);
  });
});

describe('EventBus: putEvents validation', () => {
  it('reports each entry at its index with EventId or ErrorCode and ErrorMessage', async () => {
    const { bus: b } = bus();
    const result = await b.putEvents([
      entry({ ok: 1 }),
      { DetailType: 'x', Detail: '{}' },
      { Source: 's', Detail: '{}' },
      { Source: 's', DetailType: 'x' },
      entry({}, { Detail: '[1,2]' }),
      entry({}, { Detail: '{not json' }),
      entry({}, { DetailType: 'd'.repeat(129) }),
      entry({}, { Source: 'aws.s3' }),
      entry({}, { EventBusName: 'elsewhere' }),
      entry({}, { EventBusName: b.arn, Time: 'not a time' }),
    ]);
    assert.equal(result.FailedEntryCount, 9);
    assert.equal(result.Entries.length, 10);
    assert.match((result.Entries[0] as { EventId: string }).EventId, UUID);
    const codes = result.Entries.slice(1).map((e) => ('ErrorCode' in e ? e.ErrorCode : 'ok'));
    assert.deepEqual(codes, ['InvalidArgument', 'InvalidArgument', 'InvalidArgument', 'MalformedDetail', 'MalformedDetail', 'InvalidArgument', 'NotAuthorizedForSourceException', 'InvalidArgument', 'InvalidArgument']);
    const first = result.Entries[1] as { ErrorMessage: string };
    assert.equal(first.ErrorMessage, 'Parameter(s) Source is not valid. Reason: Source is a required argument.');
  });

  it('accepts the bus name or ARN as EventBusName and epoch seconds as Time', async () => {
    const { bus: b } = bus();
    const t = recorder('t');
    b.putRule({ name: 'r', eventPattern: { source: ['com.example.orders'] }, targets: [t.target] });
    const result = await b.putEvents([entry({}, { EventBusName: 'orders', Time: 1_700_000_000 }), entry({}, { EventBusName: b.arn })]);
    await b.deliveryIdle();
    assert.equal(result.FailedEntryCount, 0);
    assert.equal((t.received[0] as EventBusEvent).time, '2023-11-14T22:13:20Z');
  });

  it('fails the whole call for no entries, more than 10, over 256 KB, or no complete entry', async () => {
    const { bus: b } = bus();
    await assert.rejects(b.putEvents([]), PutEventsRequestError);
    await assert.rejects(b.putEvents(Array.from({ length: 11 }, () => entry({}))), (err: unknown) => err instanceof PutEventsRequestError && /at most 10/.test(err.message));
    const big = JSON.stringify({ blob: 'x'.repeat(256 * 1024) });
    await assert.rejects(b.putEvents([entry({}, { Detail: big })]), { code: 'EVENT_BUS_PUT_EVENTS_INVALID' });
    // just under the limit, counted as EventBridge does (Time is 14 bytes)
    const room = 256 * 1024 - 14 - 'com.example.orders'.length - 'Order Placed'.length - '{"b":""}'.length;
    const fits = await b.putEvents([entry({ b: 'y'.repeat(room) }, { Time: new Date() })]);
    assert.equal(fits.FailedEntryCount, 0);
    await assert.rejects(b.putEvents([entry({ b: 'y'.repeat(room + 1) }, { Time: new Date() })]), PutEventsRequestError);
    await assert.rejects(b.putEvents([{ Source: 's' }, { DetailType: 'd' }]), PutEventsRequestError);
  });
});

describe('EventBus: rule validation', () => {
  it('throws the pattern error for an invalid pattern', () => {
    const { bus: b } = bus();
    assert.throws(() => b.putRule({ name: 'r', eventPattern: { source: 'not-an-array' } }), InvalidEventPatternError);
    assert.throws(() => b.putRule({ name: 'r', eventPattern: '{bad json' }), InvalidEventPatternError);
    assert.deepEqual(b.rules(), []);
  });

  it('names the bad field of rules and targets', () => {
    const { bus: b } = bus();
    const ok = recorder('t').target;
    const cases: [Parameters<EventBus['putRule']>[0], string][] = [
      [{ name: 'bad name!', eventPattern: { a: [1] } }, 'name'],
      [{ name: 'r', eventPattern: { a: [1] }, state: 'ON' as 'ENABLED' }, 'state'],
      [{ name: 'r', eventPattern: undefined }, 'eventPattern'],
      [{ name: 'r', eventPattern: { a: [1] }, targets: Array.from({ length: 6 }, (_, i) => ({ ...ok, id: `t${i}` })) }, 'targets'],
      [{ name: 'r', eventPattern: { a: [1] }, targets: [ok, ok] }, 'targets[1].id'],
      [{ name: 'r', eventPattern: { a: [1] }, targets: [{ ...ok, retryPolicy: { maximumRetryAttempts: 186 } }] }, 'targets[0].retryPolicy.maximumRetryAttempts'],
      [{ name: 'r', eventPattern: { a: [1] }, targets: [{ ...ok, retryPolicy: { maximumEventAgeSeconds: 59 } }] }, 'targets[0].retryPolicy.maximumEventAgeSeconds'],
      [{ name: 'r', eventPattern: { a: [1] }, targets: [{ ...ok, inputPath: '$.a', inputTransformer: { inputTemplate: '"x"' } }] }, 'targets[0]'],
      [{ name: 'r', eventPattern: { a: [1] }, targets: [{ ...ok, inputPath: 'detail' }] }, 'targets[0].inputPath'],
      [{ name: 'r', eventPattern: { a: [1] }, targets: [{ ...ok, inputTransformer: { inputTemplate: '' } }] }, 'targets[0].inputTransformer'],
    ];
    for (const [input, path] of cases) {
      assert.throws(() => b.putRule(input), (err: unknown) => err instanceof InvalidEventBusRuleError && err.fields.path === path, path);
    }
  });
});

describe('EventBus: retries and dead letters', () => {
  it('retries with exponential backoff and full jitter, then succeeds', async () => {
    const { bus: b, clock } = bus({ backoff: { baseDelayMs: 1000, maxDelayMs: 3000 } });
    let calls = 0;
    b.putRule({
      name: 'r',
      eventPattern: { source: ['com.example.orders'] },
      targets: [
        {
          id: 'flaky',
          invoke: async () => {
            calls++;
            if (calls <= 4) throw new TransientError('TARGET_BUSY', 'busy');
          },
        },
      ],
    });
    await b.putEvents([entry({})]);
    await b.deliveryIdle();
    assert.equal(calls, 5);
    // random() = 0.5 of the ceilings 1000, 2000, 3000 (capped), 3000
    assert.deepEqual(clock.delays, [500, 1000, 1500, 1500]);
  });

  it('dead-letters to the object store after the maximum retry attempts', async () => {
    const store = new MemoryObjectStore();
    const metrics = new Metrics();
    const { bus: b } = bus({ deadLetter: new ObjectStoreDeadLetterSink(store, '_events/dead-letter'), metrics });
    let calls = 0;
    const failing: EventBusTarget = {
      id: 'job',
      retryPolicy: { maximumRetryAttempts: 2 },
      invoke: async () => {
        calls++;
        throw new Error(`down ${calls}`);
      },
    };
    const terminal: EventBusTarget = { id: 'fn', invoke: async () => Promise.reject(new TerminalError('FN_GONE', 'function deleted')) };
    b.putRule({ name: 'to-job', eventPattern: { source: ['com.example.orders'] }, targets: [failing, terminal] });
    const result = await b.putEvents([entry({ id: 7 })]);
    await b.deliveryIdle();

    const eventId = (result.Entries[0] as { EventId: string }).EventId;
    assert.equal(calls, 3, 'one attempt and two retries');
    const key = `_events/dead-letter/orders/to-job/2026-11-23/${eventId}.json`;
    const lines = (await store.get(key)).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as DeadLetterRecord);
    const byTarget = Object.fromEntries(lines.map((r) => [r.target, r]));
    assert.equal(byTarget.job?.attempts, 3);
    assert.equal(byTarget.job?.exhaustedCondition, 'MaximumRetryAttempts');
    assert.deepEqual(byTarget.job?.error, { name: 'Error', message: 'down 3' });
    assert.deepEqual(byTarget.job?.event.detail, { id: 7 });
    assert.equal(byTarget.job?.rule, 'to-job');
    assert.equal(byTarget.job?.firstAttemptAt, '2026-11-23T10:00:00.000Z');
    assert.ok(Date.parse(byTarget.job?.lastAttemptAt ?? '') > Date.parse(byTarget.job?.firstAttemptAt ?? ''));
    assert.equal(byTarget.fn?.attempts, 1, 'a TerminalError is not retried');
    assert.equal(byTarget.fn?.exhaustedCondition, 'TerminalError');
    assert.equal(byTarget.fn?.error.code, 'FN_GONE');
    assert.equal(metrics.counter('eventbus_dead_lettered', { bus: 'orders', rule: 'to-job', target: 'job' }), 1);
    assert.equal(metrics.counter('eventbus_retries', { bus: 'orders', rule: 'to-job', target: 'job' }), 2);
  });

  it('stops retrying when the next attempt would pass the maximum event age', async () => {
    const records: DeadLetterRecord[] = [];
    const { bus: b, clock } = bus({ deadLetter: { write: async (r) => void records.push(r) }, backoff: { baseDelayMs: 20_000, maxDelayMs: 600_000 } });
    let calls = 0;
    b.putRule({
      name: 'r',
      eventPattern: { source: ['com.example.orders'] },
      targets: [
        {
          id: 't',
          retryPolicy: { maximumEventAgeSeconds: 60 },
          invoke: async () => {
            calls++;
            throw new Error('x');
          },
        },
      ],
    });
    await b.putEvents([entry({})]);
    await b.deliveryIdle();
    // delays 10 s, 20 s (30 s elapsed); the next, 40 s, would reach 70 s > 60 s
    assert.deepEqual(clock.delays, [10_000, 20_000]);
    assert.equal(calls, 3);
    assert.equal(records[0]?.exhaustedCondition, 'MaximumEventAgeInSeconds');
    assert.equal(records[0]?.attempts, 3);
  });

  it('retries a failing dead-letter sink, and drops (logging) when there is no sink', async () => {
    let writes = 0;
    const flaky: DeadLetterSink = {
      write: async () => {
        writes++;
        if (writes < 3) throw new Error('sink down');
      },
    };
    const metrics = new Metrics();
    const { bus: withSink } = bus({ deadLetter: flaky, metrics });
    const failing: EventBusTarget = { id: 't', retryPolicy: { maximumRetryAttempts: 0 }, invoke: async () => Promise.reject(new Error('no')) };
    withSink.putRule({ name: 'r', eventPattern: { source: ['com.example.orders'] }, targets: [failing] });
    await withSink.putEvents([entry({})]);
    await withSink.deliveryIdle();
    assert.equal(writes, 3);
    assert.equal(metrics.counter('eventbus_dead_lettered', { bus: 'orders', rule: 'r', target: 't' }), 1);

    const { bus: noSink } = bus({ metrics });
    noSink.putRule({ name: 'r', eventPattern: { source: ['com.example.orders'] }, targets: [failing] });
    await noSink.putEvents([entry({})]);
    await noSink.deliveryIdle();
    assert.equal(metrics.counter('eventbus_dropped', { bus: 'orders', rule: 'r', target: 't' }), 1);
  });
});

describe('EventBus: concurrency', () => {
  it('delivers many events to every target, never running more invocations than allowed', async () => {
    const { bus: b } = bus({ maxConcurrentDeliveries: 8 });
    let active = 0;
    let peak = 0;
    const seen = new Map<string, number>();
    const slow = (id: string): EventBusTarget => ({
      id,
      invoke: async (input) => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((resolve) => setImmediate(resolve));
        active--;
        const key = `${id}:${(input as EventBusEvent).id}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      },
    });
    b.putRule({ name: 'r', eventPattern: { source: ['com.example.orders'] }, targets: [slow('a'), slow('b')] });
    const batches = Array.from({ length: 50 }, (_, i) => b.putEvents(Array.from({ length: 10 }, (_, j) => entry({ n: i * 10 + j }))));
    const results = await Promise.all(batches);
    assert.ok(b.pendingDeliveries > 0);
    await b.deliveryIdle();
    assert.equal(b.pendingDeliveries, 0);
    assert.equal(results.reduce((n, r) => n + r.Entries.length - r.FailedEntryCount, 0), 500);
    assert.equal(seen.size, 1000);
    assert.ok([...seen.values()].every((n) => n === 1), 'each event reaches each target exactly once');
    assert.ok(peak <= 8, `peak concurrency ${peak}`);
    assert.ok(peak > 1, 'deliveries overlap');
  });

  it('deliveryIdle resolves at once when nothing is pending', async () => {
    const { bus: b } = bus();
    await b.deliveryIdle();
    assert.equal(b.pendingDeliveries, 0);
  });
});
