import { InvalidScheduleOptionsError } from './schedule-errors.ts';
import { nextFireTimes, previousFireTimes, validateScheduleExpression, validateSchedulerOptions } from './schedule-expression.ts';
import type { FireTimeWindow, FlexibleTimeWindow, ScheduleExpression } from './schedule-expression.ts';
import type { ScheduleKind } from './schedule-errors.ts';
import { systemClock } from './scheduler-clock.ts';
import type { SchedulerClock } from './scheduler-clock.ts';
import { flexibleOffsetMs } from './scheduler-flex-offset.ts';
import { MemoryScheduleStateStore } from './scheduler-state.ts';
import type { ScheduleStateStore } from './scheduler-state.ts';

/**
 * What a runner does with occurrences that came and went while it was not running (process down,
 * machine suspended, or the previous fire's target still busy):
 * - `'fire-once'` (default): one catch-up fire, for the latest missed occurrence, as soon as noticed;
 * - `'skip'`: none; the schedule waits for its next future occurrence;
 * - `'fire-all'`: each missed occurrence in order, at most `maxCatchUp` of them (the latest ones).
 */
export type MissedFirePolicy = 'skip' | 'fire-once' | 'fire-all';

/** One invocation of a schedule's target. */
export interface ScheduleFire {
  name: string;
  /** The occurrence this fire is for (EventBridge's `<aws.scheduler.scheduled-time>`). */
  scheduledTime: Date;
  /** When the runner invoked the target: `scheduledTime` plus any flexible-window offset, later for catch-up fires. */
  actualTime: Date;
  /** True for a fire made up for a missed occurrence. */
  catchUp: boolean;
}

/** A schedule for `ScheduleRunner.add`. */
export interface ScheduleDefinition {
  /** Unique within the runner; keys the persisted state. */
  name: string;
  /** `cron(...)`, `rate(...)` or (Scheduler only) `at(...)`. */
  expression: string;
  /** `'rule'`: an EventBridge scheduled rule (UTC, no other options); `'scheduler'`: an EventBridge Scheduler schedule. */
  kind: ScheduleKind;
  /** Scheduler only: IANA zone for cron and at(); default UTC. */
  timezone?: string;
  /** Scheduler only: inclusive; also the anchor of rate schedules. Ignored by at(). */
  startDate?: Date;
  /** Scheduler only: exclusive. Ignored by at(). */
  endDate?: Date;
  /** Scheduler only: fire at a deterministic offset within this many minutes after each occurrence. */
  flexibleTimeWindow?: FlexibleTimeWindow;
  /** Default `'fire-once'`; see `MissedFirePolicy`. */
  missedFires?: MissedFirePolicy;
  /** With `'fire-all'`: most missed occurrences replayed; default 100. */
  maxCatchUp?: number;
  /** Scheduler's ActionAfterCompletion: `'DELETE'` removes a completed schedule (at() fired, or past endDate) from the runner; default `'NONE'`. */
  actionAfterCompletion?: 'NONE' | 'DELETE';
  /** Invoked once per fire, one at a time per schedule. A rejection goes to `onError`; the schedule carries on. */
  target: (fire: ScheduleFire) => Promise<void>;
}

/** A failure while running a schedule: its target rejected, or its state could not be read or written. */
export interface ScheduleRunnerError {
  name: string;
  /** The occurrence concerned, when there is one. */
  scheduledTime?: Date;
  error: unknown;
}

/** Occurrences a schedule missed, reported before any catch-up fire. */
export interface MissedFires {
  name: string;
  policy: MissedFirePolicy;
  /** The latest missed occurrence. */
  latest: Date;
  /** The occurrences that will be fired (catch-up), oldest first; empty for `'skip'`. */
  firing: Date[];
}

/** Options of `new ScheduleRunner`. */
export interface ScheduleRunnerOptions {
  /** Default: in memory, so downtime across process restarts goes unnoticed; pass a `FileScheduleStateStore`. */
  state?: ScheduleStateStore;
  /** Default: the system clock. */
  clock?: SchedulerClock;
  /** Told about every failure; the runner never stops because of one. Default: `console.error`. */
  onError?: (failure: ScheduleRunnerError) => void;
  /** Told when a schedule finds occurrences it missed. */
  onMissed?: (missed: MissedFires) => void;
}

type LoopState = 'idle' | 'sleeping' | 'working' | 'done';

interface Entry {
  def: ScheduleDefinition;
  parsed: ScheduleExpression;
  policy: MissedFirePolicy;
  maxCatchUp: number;
  windowMinutes: number;
  /** Rate schedules without startDate: the grid origin (last fired time, else the time the loop began). */
  anchor?: Date;
  loop: LoopState;
  running?: Promise<void>;
  /** Ends this schedule's loop alone (remove). */
  abort: AbortController;
}

/**
 * Runs schedules in-process: invokes each schedule's target at its fire times, persists the scheduled
 * time of every fire, and after downtime applies the schedule's `MissedFirePolicy`.
 *
 * Delivery is at most once per scheduled time: the fire is recorded in the state store BEFORE the
 * target is invoked, so a crash during the target loses that fire rather than repeating it after
 * restart (targets start pipeline runs, which have run records to inspect and re-run by id; a
 * silent second ingest is the worse failure). A failed state write skips the fire and is reported.
 *
 * Without any recorded fire, a recurring schedule starts fresh from `start()` (nothing counts as
 * missed); a rate schedule without `startDate` is anchored at that moment and, as on AWS, fires at once,
 * then every interval (later restarts keep that grid: it continues from the last fire). An at() schedule
 * that never fired and whose time has passed is treated as missed, so a one-time job whose moment fell
 * into downtime still runs (under `'skip'` it never does).
 *
 * Flexible windows: each occurrence fires at `flexibleOffsetMs(name, time, window)` after its time, and
 * counts as missed only once that moment has passed, so a restart inside a window still fires on time.
 * Fires of one schedule stay in scheduled-time order: with a window longer than the interval (which AWS
 * accepts), an occurrence whose moment passes while an earlier one waits out its offset is caught up
 * per the policy rather than fired on time.
 */
export class ScheduleRunner {
  readonly #entries = new Map<string, Entry>();
  readonly #state: ScheduleStateStore;
  readonly #clock: SchedulerClock;
  readonly #onError: (failure: ScheduleRunnerError) => void;
  readonly #onMissed: ((missed: MissedFires) => void) | undefined;
  #abort: AbortController | undefined;

  constructor(options: ScheduleRunnerOptions = {}) {
    this.#state = options.state ?? new MemoryScheduleStateStore();
    this.#clock = options.clock ?? systemClock;
    this.#onError = options.onError ?? ((f) => console.error(`schedule "${f.name}" failed${f.scheduledTime ? ` for ${f.scheduledTime.toISOString()}` : ''}:`, f.error));
    this.#onMissed = options.onMissed;
  }

  /**
   * Adds a schedule; when the runner is started it begins at once.
   * Throws `InvalidScheduleExpressionError` / `InvalidScheduleOptionsError` (also for a duplicate name,
   * or Scheduler-only options on a `'rule'`).
   */
  add(def: ScheduleDefinition): void {
    if (typeof def.name !== 'string' || def.name === '') throw new InvalidScheduleOptionsError('name', def.name, 'must be a non-empty string');
    if (this.#entries.has(def.name)) throw new InvalidScheduleOptionsError('name', def.name, 'is already a schedule of this runner; pick another name or remove it first');
    const parsed = validateScheduleExpression(def.expression, def.kind);
    if (def.kind === 'rule') {
      for (const key of ['timezone', 'startDate', 'endDate', 'flexibleTimeWindow'] as const) {
        if (def[key] !== undefined) throw new InvalidScheduleOptionsError(key, String(def[key]), 'is an EventBridge Scheduler option; use kind "scheduler" (rules run in UTC with no window)');
      }
    }
    validateSchedulerOptions(def);
    const policy = def.missedFires ?? 'fire-once';
    if (policy !== 'skip' && policy !== 'fire-once' && policy !== 'fire-all') throw new InvalidScheduleOptionsError('missedFires', policy, 'must be "skip", "fire-once" or "fire-all"');
    const maxCatchUp = def.maxCatchUp ?? 100;
    if (!Number.isSafeInteger(maxCatchUp) || maxCatchUp < 1) throw new InvalidScheduleOptionsError('maxCatchUp', maxCatchUp, 'must be a whole number >= 1');
    const windowMinutes = def.flexibleTimeWindow?.mode === 'FLEXIBLE' ? (def.flexibleTimeWindow.maximumWindowInMinutes ?? 0) : 0;
    const entry: Entry = { def: { ...def }, parsed, policy, maxCatchUp, windowMinutes, loop: 'idle', abort: new AbortController() };
    this.#entries.set(def.name, entry);
    if (this.#abort) this.#launch(entry, this.#abort.signal);
  }

  /** Removes a schedule; resolves once its loop (and any target call in flight) has ended. */
  async remove(name: string): Promise<void> {
    const entry = this.#entries.get(name);
    if (!entry) return;
    this.#entries.delete(name);
    entry.abort.abort();
    await entry.running;
    entry.loop = 'done';
  }

  /** Names of the runner's schedules (completed ones with `actionAfterCompletion: 'DELETE'` are gone). */
  names(): string[] {
    return [...this.#entries.keys()];
  }

  /** True when `name` will fire no more: its at() fired, or its endDate passed. */
  isComplete(name: string): boolean {
    return this.#entries.get(name)?.loop === 'done';
  }

  /** Starts every schedule (a no-op when started). Missed occurrences are handled first, per schedule. */
  start(): void {
    if (this.#abort) return;
    this.#abort = new AbortController();
    for (const entry of this.#entries.values()) this.#launch(entry, this.#abort.signal);
  }

  /** Stops firing: wakes the sleeping schedules and waits for target calls in flight to finish. `start()` may follow. */
  async stop(): Promise<void> {
    const abort = this.#abort;
    if (!abort) return;
    abort.abort();
    await Promise.all([...this.#entries.values()].map((e) => e.running));
    this.#abort = undefined;
  }

  /** Resolves once every schedule is asleep or done (no target call or state access in flight); for tests. */
  async idle(): Promise<void> {
    while ([...this.#entries.values()].some((e) => e.loop === 'working')) await new Promise<void>((resolve) => setImmediate(resolve));
  }

  #launch(entry: Entry, signal: AbortSignal): void {
    if (entry.loop === 'done') return;
    entry.loop = 'working';
    entry.running = this.#run(entry, AbortSignal.any([signal, entry.abort.signal]))
      .catch((error: unknown) => this.#onError({ name: entry.def.name, error }))
      .finally(() => {
        if (entry.loop !== 'done') entry.loop = 'idle';
      });
  }

  async #run(entry: Entry, signal: AbortSignal): Promise<void> {
    const { def } = entry;
    let cursor: Date | undefined;
    try {
      cursor = await this.#state.get(def.name);
    } catch (error) {
      // without history nothing counts as missed; better than not running at all
      this.#onError({ name: def.name, error });
    }
    const isAt = entry.parsed.type === 'at';
    if (entry.parsed.type === 'rate' && def.startDate === undefined) entry.anchor ??= cursor ?? this.#clock.now();
    // a recurring schedule with no history starts now (an occurrence exactly now is on time, not
    // missed); an at() with none is due if its time has passed
    if (cursor === undefined && !isAt) cursor = new Date(this.#clock.now().getTime() - 1);

    while (!signal.aborted) {
      const now = this.#clock.now();
      const due = this.#due(entry, cursor, now, entry.policy === 'fire-all' ? entry.maxCatchUp : 1);
      const latest = due.at(-1);
      if (latest !== undefined) {
        const firing = entry.policy === 'skip' ? [] : entry.policy === 'fire-once' ? [latest] : due;
        this.#onMissed?.({ name: def.name, policy: entry.policy, latest, firing: [...firing] });
        for (const scheduledTime of firing) {
          if (signal.aborted) return;
          await this.#fire(entry, scheduledTime, true);
        }
        cursor = latest;
        continue;
      }
      const next = nextFireTimes(entry.parsed, cursor ?? new Date(now.getTime() - 1), 1, def.timezone, this.#window(entry))[0];
      if (next === undefined) {
        this.#complete(entry);
        return;
      }
      const fireAt = next.getTime() + flexibleOffsetMs(def.name, next, entry.windowMinutes);
      entry.loop = 'sleeping';
      await this.#clock.sleep(fireAt - now.getTime(), signal);
      entry.loop = 'working';
      if (signal.aborted) return;
      const woke = this.#clock.now();
      // woke early (timer cap, clock step back): sleep again for the rest
      if (woke.getTime() < fireAt) continue;
      // later occurrences already passed too (suspended machine): the top of the loop treats them all as missed
      if (this.#due(entry, next, woke, 1).length > 0) continue;
      await this.#fire(entry, next, false);
      cursor = next;
    }
  }

  /**
   * Missed occurrences: those after `cursor` whose fire moment (time + flexible offset) is before `now`,
   * oldest first, at most `limit` (the latest ones). One whose moment is exactly now, or still ahead
   * inside its window, is not missed: it fires on time.
   */
  #due(entry: Entry, cursor: Date | undefined, now: Date, limit: number): Date[] {
    const { name, timezone } = entry.def;
    const window = this.#window(entry);
    const windowMs = entry.windowMinutes * 60_000;
    const after = (t: Date): boolean => cursor === undefined || t.getTime() > cursor.getTime();
    // an occurrence at least a whole window ago has certainly passed its moment (offsets are < window)
    const surely = previousFireTimes(entry.parsed, new Date(now.getTime() - windowMs + (windowMs > 0 ? 1 : 0)), limit, timezone, window).filter(after).reverse();
    if (windowMs === 0) return surely;
    // occurrences in the last window: missed only if their own offset has passed; at most one a minute
    const from = new Date(Math.max(now.getTime() - windowMs, cursor?.getTime() ?? Number.NEGATIVE_INFINITY));
    const recent = nextFireTimes(entry.parsed, from, entry.windowMinutes + 1, timezone, window).filter(
      (t) => after(t) && t.getTime() + flexibleOffsetMs(name, t, entry.windowMinutes) < now.getTime(),
    );
    return [...surely, ...recent].slice(-limit);
  }

  #window(entry: Entry): FireTimeWindow {
    return { startDate: entry.def.startDate ?? entry.anchor, endDate: entry.def.endDate };
  }

  async #fire(entry: Entry, scheduledTime: Date, catchUp: boolean): Promise<void> {
    const { name, target } = entry.def;
    try {
      // record first: at most once per scheduled time across restarts
      await this.#state.set(name, scheduledTime);
    } catch (error) {
      this.#onError({ name, scheduledTime, error });
      return;
    }
    try {
      await target({ name, scheduledTime: new Date(scheduledTime.getTime()), actualTime: this.#clock.now(), catchUp });
    } catch (error) {
      this.#onError({ name, scheduledTime, error });
    }
  }

  #complete(entry: Entry): void {
    entry.loop = 'done';
    if (entry.def.actionAfterCompletion === 'DELETE') this.#entries.delete(entry.def.name);
  }
}
