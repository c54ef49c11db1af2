import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../../test/support/paths.ts';
import { InvalidScheduleExpressionError, InvalidScheduleOptionsError } from './schedule-errors.ts';
import { ScheduleRunner } from './scheduler.ts';
import type { MissedFires, ScheduleDefinition, ScheduleFire, ScheduleRunnerError } from './scheduler.ts';
import { flexibleOffsetMs } from './scheduler-flex-offset.ts';
import { ManualSchedulerClock } from './scheduler-manual-clock.ts';
import { FileScheduleStateStore, MemoryScheduleStateStore } from './scheduler-state.ts';
import type { ScheduleStateStore } from './scheduler-state.ts';

const T0 = new Date('2026-03-02T00:00:00Z');
const iso = (d: Date) => d.toISOString();
const at = (text: string) => new Date(text);
const MIN = 60_000;
const HOUR = 60 * MIN;

interface Harness {
  clock: ManualSchedulerClock;
  runner: ScheduleRunner;
  state: ScheduleStateStore;
  fires: ScheduleFire[];
  errors: ScheduleRunnerError[];
  missed: MissedFires[];
  add(def: Partial<ScheduleDefinition> & Pick<ScheduleDefinition, 'name' | 'expression'>): void;
}

function harness(options: { start?: Date; state?: ScheduleStateStore } = {}): Harness {
  const clock = new ManualSchedulerClock(options.start ?? T0);
  const state = options.state ?? new MemoryScheduleStateStore();
  const errors: ScheduleRunnerError[] = [];
  const missed: MissedFires[] = [];
  const fires: ScheduleFire[] = [];
  const runner = new ScheduleRunner({ clock, state, onError: (e) => errors.push(e), onMissed: (m) => missed.push(m) });
  clock.settleWith(() => runner.idle());
  const add: Harness['add'] = (def) =>
    runner.add({
      kind: 'scheduler',
      target: (fire) => {
        fires.push(fire);
        return Promise.resolve();
      },
      ...def,
    });
  return { clock, runner, state, fires, errors, missed, add };
}

const scheduled = (fires: ScheduleFire[]) => fires.map((f) => iso(f.scheduledTime));

describe('ScheduleRunner fire times', () => {
  it('fires a cron schedule at each occurrence, on time and not as catch-up', async () => {
    const h = harness();
    h.add({ name: 'daily', expression: 'cron(0 9 * * ? *)', kind: 'rule' });
    h.runner.start();
    await h.clock.advanceTo(at('2026-03-05T00:00:00Z'));
    await h.runner.stop();
    assert.deepEqual(scheduled(h.fires), ['2026-03-02T09:00:00.000Z', '2026-03-03T09:00:00.000Z', '2026-03-04T09:00:00.000Z']);
    for (const fire of h.fires) {
      assert.equal(fire.name, 'daily');
      assert.equal(fire.catchUp, false);
      assert.equal(iso(fire.actualTime), iso(fire.scheduledTime));
    }
    assert.deepEqual(h.errors, []);
  });

  it('fires a rate schedule without startDate at start, then every interval', async () => {
    const h = harness({ start: at('2026-03-02T00:00:10Z') });
    h.add({ name: 'r', expression: 'rate(15 minutes)' });
    h.runner.start();
    await h.clock.advance(HOUR);
    await h.runner.stop();
    assert.deepEqual(scheduled(h.fires), ['2026-03-02T00:00:10.000Z', '2026-03-02T00:15:10.000Z', '2026-03-02T00:30:10.000Z', '2026-03-02T00:45:10.000Z', '2026-03-02T01:00:10.000Z']);
  });

  it('anchors a rate schedule on its startDate', async () => {
    const h = harness();
    h.add({ name: 'r', expression: 'rate(10 minutes)', startDate: at('2026-03-02T00:07:00Z') });
    h.runner.start();
    await h.clock.advanceTo(at('2026-03-02T00:30:00Z'));
    await h.runner.stop();
    assert.deepEqual(scheduled(h.fires), ['2026-03-02T00:07:00.000Z', '2026-03-02T00:17:00.000Z', '2026-03-02T00:27:00.000Z']);
  });

  it('reads cron in the schedule time zone, across a DST change', async () => {
    const h = harness({ start: at('2026-03-06T00:00:00Z') });
    h.add({ name: 'ny', expression: 'cron(0 9 * * ? *)', timezone: 'America/New_York' });
    h.runner.start();
    await h.clock.advanceTo(at('2026-03-10T00:00:00Z'));
    await h.runner.stop();
    // EST (UTC-5) until Sunday 8 March, EDT (UTC-4) after
    assert.deepEqual(scheduled(h.fires), ['2026-03-06T14:00:00.000Z', '2026-03-07T14:00:00.000Z', '2026-03-08T13:00:00.000Z', '2026-03-09T13:00:00.000Z']);
  });

  it('fires an at() schedule once in its time zone, then is complete', async () => {
    const h = harness();
    h.add({ name: 'once', expression: 'at(2026-03-02T10:30:00)', timezone: 'America/New_York' });
    h.add({ name: 'once-delete', expression: 'at(2026-03-02T11:00:00)', actionAfterCompletion: 'DELETE' });
    h.runner.start();
    await h.clock.advanceTo(at('2026-03-09T00:00:00Z'));
    assert.deepEqual(scheduled(h.fires), ['2026-03-02T11:00:00.000Z', '2026-03-02T15:30:00.000Z']);
    assert.equal(h.runner.isComplete('once'), true);
    assert.deepEqual(h.runner.names(), ['once']);
    assert.equal(h.clock.pendingSleeps, 0);
    await h.runner.stop();
  });

  it('respects startDate (inclusive) and endDate (exclusive), then completes', async () => {
    const h = harness();
    h.add({ name: 'hourly', expression: 'cron(0 * * * ? *)', startDate: at('2026-03-02T02:30:00Z'), endDate: at('2026-03-02T05:00:00Z') });
    h.add({ name: 'edge', expression: 'cron(0 * * * ? *)', startDate: at('2026-03-02T03:00:00Z'), endDate: at('2026-03-02T04:00:01Z') });
    h.runner.start();
    await h.clock.advanceTo(at('2026-03-03T00:00:00Z'));
    await h.runner.stop();
    const by = (name: string) => scheduled(h.fires.filter((f) => f.name === name));
    assert.deepEqual(by('hourly'), ['2026-03-02T03:00:00.000Z', '2026-03-02T04:00:00.000Z']);
    assert.deepEqual(by('edge'), ['2026-03-02T03:00:00.000Z', '2026-03-02T04:00:00.000Z']);
    assert.equal(h.runner.isComplete('hourly'), true);
  });
});

describe('ScheduleRunner after downtime', () => {
  // state file says the last fire was 07:00; the runner comes back at 10:20, so 08:00, 09:00 and 10:00 were missed
  const NOW = at('2026-03-02T10:20:00Z');
  async function withStateFile(body: (store: FileScheduleStateStore, path: string) => Promise<void>): Promise<void> {
    const { dir, cleanup } = await tempDir('lakestack-scheduler-');
    try {
      const path = join(dir, 'state', 'schedules.json');
      const store = new FileScheduleStateStore(path);
      await store.set('hourly', at('2026-03-02T07:00:00Z'));
      await body(new FileScheduleStateStore(path), path);
    } finally {
      await cleanup();
    }
  }

  async function runPolicy(policy: 'skip' | 'fire-once' | 'fire-all' | undefined, maxCatchUp?: number) {
    let result: { h: Harness; recorded: Date | undefined } | undefined;
    await withStateFile(async (store, path) => {
      const h = harness({ start: NOW, state: store });
      h.add({ name: 'hourly', expression: 'cron(0 * * * ? *)', missedFires: policy, maxCatchUp });
      h.runner.start();
      await h.clock.advanceTo(at('2026-03-02T11:30:00Z'));
      await h.runner.stop();
      result = { h, recorded: await new FileScheduleStateStore(path).get('hourly') };
    });
    assert.ok(result);
    return result;
  }

  it("fire-once (default): one catch-up fire for the latest missed occurrence, then on schedule", async () => {
    const { h, recorded } = await runPolicy(undefined);
    assert.deepEqual(
      h.fires.map((f) => [iso(f.scheduledTime), iso(f.actualTime), f.catchUp]),
      [
        ['2026-03-02T10:00:00.000Z', '2026-03-02T10:20:00.000Z', true],
        ['2026-03-02T11:00:00.000Z', '2026-03-02T11:00:00.000Z', false],
      ],
    );
    assert.deepEqual(h.missed.map((m) => [m.policy, iso(m.latest), m.firing.map(iso)]), [['fire-once', '2026-03-02T10:00:00.000Z', ['2026-03-02T10:00:00.000Z']]]);
    assert.equal(recorded && iso(recorded), '2026-03-02T11:00:00.000Z');
  });

  it('skip: no catch-up, next future occurrence only', async () => {
    const { h } = await runPolicy('skip');
    assert.deepEqual(h.fires.map((f) => [iso(f.scheduledTime), f.catchUp]), [['2026-03-02T11:00:00.000Z', false]]);
    assert.deepEqual(h.missed.map((m) => [m.policy, iso(m.latest), m.firing.length]), [['skip', '2026-03-02T10:00:00.000Z', 0]]);
  });

  it('fire-all: each missed occurrence in order, then on schedule', async () => {
    const { h } = await runPolicy('fire-all');
    assert.deepEqual(
      h.fires.map((f) => [iso(f.scheduledTime), f.catchUp]),
      [
        ['2026-03-02T08:00:00.000Z', true],
        ['2026-03-02T09:00:00.000Z', true],
        ['2026-03-02T10:00:00.000Z', true],
        ['2026-03-02T11:00:00.000Z', false],
      ],
    );
  });

  it('fire-all: capped at maxCatchUp, keeping the latest occurrences', async () => {
    const { h } = await runPolicy('fire-all', 2);
    assert.deepEqual(scheduled(h.fires), ['2026-03-02T09:00:00.000Z', '2026-03-02T10:00:00.000Z', '2026-03-02T11:00:00.000Z']);
  });

  it('a restart does not fire again what was fired before it', async () => {
    await withStateFile(async (store, path) => {
      const first = harness({ start: at('2026-03-02T08:30:00Z'), state: store });
      first.add({ name: 'hourly', expression: 'cron(0 * * * ? *)', missedFires: 'fire-all' });
      first.add({ name: 'once', expression: 'at(2026-03-02T08:45:00)' });
      first.runner.start();
      await first.clock.advanceTo(at('2026-03-02T09:10:00Z'));
      await first.runner.stop();
      // 08:00 caught up, 08:45 and 09:00 on time
      assert.deepEqual(scheduled(first.fires), ['2026-03-02T08:00:00.000Z', '2026-03-02T08:45:00.000Z', '2026-03-02T09:00:00.000Z']);

      const second = harness({ start: at('2026-03-02T09:10:00Z'), state: new FileScheduleStateStore(path) });
      second.add({ name: 'hourly', expression: 'cron(0 * * * ? *)', missedFires: 'fire-all' });
      second.add({ name: 'once', expression: 'at(2026-03-02T08:45:00)' });
      second.runner.start();
      await second.clock.advanceTo(at('2026-03-02T10:30:00Z'));
      await second.runner.stop();
      assert.deepEqual(scheduled(second.fires), ['2026-03-02T10:00:00.000Z']);
      assert.deepEqual(second.missed, []);
      assert.equal(second.runner.isComplete('once'), true);
    });
  });

  it('a rate schedule without startDate keeps its grid across a restart', async () => {
    const state = new MemoryScheduleStateStore();
    await state.set('r', at('2026-03-02T00:07:00Z'));
    const h = harness({ start: at('2026-03-02T00:20:00Z'), state });
    h.add({ name: 'r', expression: 'rate(10 minutes)' });
    h.runner.start();
    await h.clock.advanceTo(at('2026-03-02T00:40:00Z'));
    await h.runner.stop();
    assert.deepEqual(h.fires.map((f) => [iso(f.scheduledTime), f.catchUp]), [
      ['2026-03-02T00:17:00.000Z', true],
      ['2026-03-02T00:27:00.000Z', false],
      ['2026-03-02T00:37:00.000Z', false],
    ]);
  });

  it('an at() whose moment fell into downtime fires once on start (skip: never)', async () => {
    const h = harness({ start: at('2026-03-02T12:00:00Z') });
    h.add({ name: 'late', expression: 'at(2026-03-02T10:00:00)' });
    h.add({ name: 'dropped', expression: 'at(2026-03-02T10:00:00)', missedFires: 'skip' });
    h.runner.start();
    await h.clock.advance(HOUR);
    await h.runner.stop();
    assert.deepEqual(h.fires.map((f) => [f.name, iso(f.actualTime), f.catchUp]), [['late', '2026-03-02T12:00:00.000Z', true]]);
    assert.equal(h.runner.isComplete('dropped'), true);
  });

  it('treats occurrences passed while the machine was suspended as missed', async () => {
    const h = harness();
    h.add({ name: 'q', expression: 'rate(15 minutes)', startDate: T0 });
    h.runner.start();
    await h.clock.advanceTo(at('2026-03-02T00:20:00Z'));
    // suspended from 00:20 to 01:05: the 00:30 timer wakes late, with 00:30, 00:45 and 01:00 all passed
    h.clock.jumpTo(at('2026-03-02T01:05:00Z'));
    await h.clock.advance(0);
    await h.clock.advanceTo(at('2026-03-02T01:20:00Z'));
    await h.runner.stop();
    assert.deepEqual(h.fires.map((f) => [iso(f.scheduledTime), f.catchUp]), [
      ['2026-03-02T00:00:00.000Z', false],
      ['2026-03-02T00:15:00.000Z', false],
      ['2026-03-02T01:00:00.000Z', true],
      ['2026-03-02T01:15:00.000Z', false],
    ]);
  });
});

describe('ScheduleRunner delivery', () => {
  it('records a fire before invoking the target: a crash in the target is not retried after restart', async () => {
    const state = new MemoryScheduleStateStore();
    const seenInTarget: (string | undefined)[] = [];
    const first = harness({ start: at('2026-03-02T08:30:00Z'), state });
    first.runner.add({
      name: 'hourly',
      expression: 'cron(0 * * * ? *)',
      kind: 'rule',
      target: async (fire) => {
        seenInTarget.push((await state.get(fire.name))?.toISOString());
        throw new Error('process died mid-run');
      },
    });
    first.runner.start();
    await first.clock.advanceTo(at('2026-03-02T09:00:00Z'));
    await first.runner.stop();
    assert.deepEqual(seenInTarget, ['2026-03-02T09:00:00.000Z']);
    assert.equal(first.errors.length, 1);

    const second = harness({ start: at('2026-03-02T09:00:05Z'), state });
    second.add({ name: 'hourly', expression: 'cron(0 * * * ? *)', kind: 'rule' });
    second.runner.start();
    await second.clock.advanceTo(at('2026-03-02T09:59:00Z'));
    await second.runner.stop();
    assert.deepEqual(second.fires, []);
  });

  it('reports a failing target to onError and keeps firing', async () => {
    const h = harness();
    let calls = 0;
    h.runner.add({
      name: 'flaky',
      expression: 'rate(1 hour)',
      kind: 'rule',
      target: () => {
        calls++;
        return calls === 1 ? Promise.reject(new Error('target down')) : Promise.resolve();
      },
    });
    h.runner.start();
    await h.clock.advance(3 * HOUR);
    await h.runner.stop();
    // at start (rate without startDate), 01:00, 02:00, 03:00
    assert.equal(calls, 4);
    assert.equal(h.errors.length, 1);
    assert.equal(h.errors[0]?.name, 'flaky');
    assert.equal(h.errors[0]?.scheduledTime?.toISOString(), '2026-03-02T00:00:00.000Z');
    assert.match(String(h.errors[0]?.error), /target down/);
  });

  it('skips a fire whose state cannot be recorded, reports it, and carries on', async () => {
    const inner = new MemoryScheduleStateStore();
    let failNext = true;
    const state: ScheduleStateStore = {
      get: (name) => inner.get(name),
      set: (name, time) => {
        if (failNext) {
          failNext = false;
          return Promise.reject(new Error('disk full'));
        }
        return inner.set(name, time);
      },
    };
    const h = harness({ state });
    h.add({ name: 'r', expression: 'rate(1 hour)' });
    h.runner.start();
    await h.clock.advance(2 * HOUR);
    await h.runner.stop();
    assert.deepEqual(scheduled(h.fires), ['2026-03-02T01:00:00.000Z', '2026-03-02T02:00:00.000Z']);
    assert.equal(h.errors[0]?.scheduledTime?.toISOString(), '2026-03-02T00:00:00.000Z');
    assert.match(String(h.errors[0]?.error), /disk full/);
  });
});

describe('ScheduleRunner flexible time windows', () => {
  it('fires at a deterministic offset inside the window', async () => {
    const h = harness();
    h.add({ name: 'flex', expression: 'cron(0 * * * ? *)', flexibleTimeWindow: { mode: 'FLEXIBLE', maximumWindowInMinutes: 15 } });
    h.runner.start();
    await h.clock.advanceTo(at('2026-03-02T06:00:00Z'));
    await h.runner.stop();
    // 00:00 (the start moment) to 05:00; 06:00 waits for its offset
    assert.equal(h.fires.length, 6);
    const offsets = h.fires.map((f) => f.actualTime.getTime() - f.scheduledTime.getTime());
    for (const [i, fire] of h.fires.entries()) {
      assert.equal(offsets[i], flexibleOffsetMs('flex', fire.scheduledTime, 15));
      assert.ok((offsets[i] ?? -1) >= 0 && (offsets[i] ?? Infinity) < 15 * MIN, `offset ${offsets[i]} inside 15 minutes`);
      assert.equal(fire.catchUp, false);
    }
    assert.ok(new Set(offsets).size > 1, 'offsets vary by occurrence');
  });

  it('a restart inside the window still fires at the offset; one after it catches up', async () => {
    const time = at('2026-03-02T09:00:00Z');
    const offset = flexibleOffsetMs('flex', time, 30);
    const run = async (start: Date) => {
      const state = new MemoryScheduleStateStore();
      await state.set('flex', at('2026-03-02T08:00:00Z'));
      const h = harness({ start, state });
      h.add({ name: 'flex', expression: 'cron(0 * * * ? *)', flexibleTimeWindow: { mode: 'FLEXIBLE', maximumWindowInMinutes: 30 } });
      h.runner.start();
      await h.clock.advanceTo(at('2026-03-02T09:45:00Z'));
      await h.runner.stop();
      return h.fires.map((f) => [iso(f.scheduledTime), iso(f.actualTime), f.catchUp]);
    };
    const inside = new Date(time.getTime() + Math.floor(offset / 2));
    assert.deepEqual(await run(inside), [[iso(time), iso(new Date(time.getTime() + offset)), false]]);
    const past = new Date(time.getTime() + offset + 1);
    assert.deepEqual(await run(past), [[iso(time), iso(past), true]]);
  });

  it('derives offsets from name and scheduled time only', () => {
    const time = at('2026-03-02T09:00:00Z');
    assert.equal(flexibleOffsetMs('a', time, 60), flexibleOffsetMs('a', new Date(time.getTime()), 60));
    assert.notEqual(flexibleOffsetMs('a', time, 60), flexibleOffsetMs('b', time, 60));
    assert.equal(flexibleOffsetMs('a', time, 0), 0);
    for (let i = 0; i < 200; i++) {
      const offset = flexibleOffsetMs(`s${i}`, time, 1);
      assert.ok(offset >= 0 && offset < MIN);
    }
  });
});

describe('ScheduleRunner lifecycle', () => {
  it('stop() wakes sleeping schedules, waits for a target in flight, and fires nothing after', async () => {
    const h = harness();
    let release: () => void = () => undefined;
    let entered: () => void = () => undefined;
    const inTarget = new Promise<void>((resolve) => (entered = resolve));
    let finished = false;
    h.runner.add({
      name: 'slow',
      expression: 'at(2026-03-02T01:00:00)',
      kind: 'scheduler',
      target: async () => {
        entered();
        await new Promise<void>((resolve) => (release = resolve));
        finished = true;
      },
    });
    h.add({ name: 'other', expression: 'rate(1 day)', startDate: at('2026-03-03T00:00:00Z') });
    h.runner.start();
    await h.clock.advance(0);
    assert.equal(h.clock.pendingSleeps, 2);
    // not awaited: it waits for the blocked target
    const advancing = h.clock.advanceTo(at('2026-03-02T01:00:00Z'));
    await inTarget;
    let stopped = false;
    const stopping = h.runner.stop().then(() => (stopped = true));
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.equal(stopped, false, 'stop waits for the target in flight');
    release();
    await stopping;
    await advancing;
    assert.equal(finished, true);
    assert.equal(h.clock.pendingSleeps, 0);
    await h.clock.advance(5 * 24 * HOUR);
    assert.deepEqual(scheduled(h.fires), []);
  });

  it('can start again after stop, and adds schedules while running', async () => {
    const h = harness();
    h.add({ name: 'a', expression: 'rate(1 hour)', startDate: T0 });
    h.runner.start();
    await h.clock.advance(30 * MIN);
    h.add({ name: 'b', expression: 'cron(45 * * * ? *)' });
    await h.clock.advance(30 * MIN);
    await h.runner.stop();
    await h.clock.advance(30 * MIN);
    h.runner.start();
    await h.clock.advance(60 * MIN);
    await h.runner.remove('b');
    await h.clock.advance(60 * MIN);
    await h.runner.stop();
    assert.deepEqual(h.fires.map((f) => `${f.name}@${iso(f.scheduledTime).slice(11, 16)}:${f.catchUp ? 'late' : 'ok'}`), [
      'a@00:00:ok',
      'b@00:45:ok',
      'a@01:00:ok',
      // stopped 01:00-01:30: b's 01:45 and a's 02:00 are on time after restart
      'b@01:45:ok',
      'a@02:00:ok',
      'a@03:00:ok',
    ]);
  });

  it('rejects bad definitions when added', () => {
    const h = harness();
    const target = () => Promise.resolve();
    assert.throws(() => h.runner.add({ name: 'x', expression: 'at(2026-03-02T10:00:00)', kind: 'rule', target }), InvalidScheduleExpressionError);
    assert.throws(() => h.runner.add({ name: 'x', expression: 'cron(0 9 * * ? *)', kind: 'rule', timezone: 'Europe/Paris', target }), InvalidScheduleOptionsError);
    assert.throws(() => h.runner.add({ name: 'x', expression: 'rate(1 hour)', kind: 'scheduler', flexibleTimeWindow: { mode: 'FLEXIBLE' }, target }), InvalidScheduleOptionsError);
    assert.throws(() => h.runner.add({ name: 'x', expression: 'rate(1 hour)', kind: 'scheduler', maxCatchUp: 0, target }), InvalidScheduleOptionsError);
    h.runner.add({ name: 'x', expression: 'rate(1 hour)', kind: 'scheduler', target });
    assert.throws(() => h.runner.add({ name: 'x', expression: 'rate(2 hours)', kind: 'scheduler', target }), /already a schedule/);
  });
});

describe('FileScheduleStateStore', () => {
  it('keeps the last fired time per schedule across instances, written atomically', async () => {
    const { dir, cleanup } = await tempDir('lakestack-scheduler-');
    try {
      const path = join(dir, 'schedules.json');
      const store = new FileScheduleStateStore(path);
      assert.equal(await store.get('a'), undefined);
      await Promise.all([store.set('a', at('2026-03-02T09:00:00Z')), store.set('b', at('2026-03-02T10:00:00Z'))]);
      await store.set('a', at('2026-03-02T11:00:00Z'));
      const again = new FileScheduleStateStore(path);
      assert.equal((await again.get('a'))?.toISOString(), '2026-03-02T11:00:00.000Z');
      assert.equal((await again.get('b'))?.toISOString(), '2026-03-02T10:00:00.000Z');
      assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), { version: 1, lastFired: { a: '2026-03-02T11:00:00.000Z', b: '2026-03-02T10:00:00.000Z' } });
      assert.deepEqual(await readdir(dir), ['schedules.json'], 'no temp files left behind');
    } finally {
      await cleanup();
    }
  });

  it('refuses a corrupt file with a named error', async () => {
    const { dir, cleanup } = await tempDir('lakestack-scheduler-');
    try {
      const path = join(dir, 'schedules.json');
      await writeFile(path, '{"version":1,"lastFired":{"a":"yesterday"}}');
      await assert.rejects(new FileScheduleStateStore(path).get('a'), (err: Error & { code?: string }) => err.code === 'SCHEDULE_STATE_CORRUPT' && err.message.includes('lastFired["a"]'));
      await writeFile(path, 'not json');
      await assert.rejects(new FileScheduleStateStore(path).get('a'), /not JSON/);
    } finally {
      await cleanup();
    }
  });
});
