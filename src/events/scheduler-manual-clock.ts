import type { SchedulerClock } from './scheduler-clock.ts';

interface Sleeper {
  wakeAt: number;
  resolve: () => void;
}

/**
 * A clock that moves only when told (`advance`, `advanceTo`), for exact scheduler tests.
 * Advancing wakes every sleeper whose time has come, in time order, letting each one's
 * follow-up work (target calls, state writes) settle before the next.
 */
export class ManualSchedulerClock implements SchedulerClock {
  #now: number;
  #sleepers: Sleeper[] = [];
  #settle: () => Promise<void> = settle;

  constructor(start: Date) {
    this.#now = start.getTime();
  }

  /**
   * How to wait, after waking a sleeper, until the woken work has finished; default a few event-loop
   * turns. Pass `() => runner.idle()` when targets or state stores do real I/O.
   */
  settleWith(wait: () => Promise<void>): void {
    this.#settle = async () => {
      await settle();
      await wait();
    };
  }

  now(): Date {
    return new Date(this.#now);
  }

  sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper: Sleeper = { wakeAt: this.#now + ms, resolve };
      const onAbort = (): void => {
        this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
        resolve();
      };
      sleeper.resolve = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#sleepers.push(sleeper);
    });
  }

  /** Number of pending sleeps (a runner waiting for its next fire holds one per schedule). */
  get pendingSleeps(): number {
    return this.#sleepers.length;
  }

  /** Moves time forward by `ms`, waking sleepers on the way. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(new Date(this.#now + ms));
  }

  /** Moves time to `target`, stopping at each sleeper's wake time and letting it run before going on. */
  async advanceTo(target: Date): Promise<void> {
    const end = target.getTime();
    await this.#settle();
    for (;;) {
      const due = this.#sleepers.filter((s) => s.wakeAt <= end).sort((a, b) => a.wakeAt - b.wakeAt)[0];
      if (due === undefined) break;
      this.#now = Math.max(this.#now, due.wakeAt);
      this.#sleepers = this.#sleepers.filter((s) => s !== due);
      due.resolve();
      await this.#settle();
    }
    this.#now = Math.max(this.#now, end);
    await this.#settle();
  }

  /** Jumps to `target` without waking anyone: the process was suspended (or down) meanwhile. */
  jumpTo(target: Date): void {
    this.#now = target.getTime();
  }
}

/** Lets pending promise chains (and file I/O started by them) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
