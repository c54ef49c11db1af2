import { setTimeout as delay } from 'node:timers/promises';

/** The time source of a `ScheduleRunner`; tests inject a manual one so no test really waits. */
export interface SchedulerClock {
  now(): Date;
  /** Resolves after `ms` (at once when `ms <= 0`), or early, without error, when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** The wall clock and real timers. */
export const systemClock: SchedulerClock = {
  now: () => new Date(),
  async sleep(ms, signal) {
    if (signal.aborted) return;
    try {
      // timers cap at 2^31-1 ms; the runner re-checks the time after every wake-up
      await delay(Math.min(Math.max(ms, 0), 2_147_483_647), undefined, { signal });
    } catch (err) {
      if (!signal.aborted) throw err;
    }
  },
};
