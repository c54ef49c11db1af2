import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { TerminalError } from '../errors.ts';

/**
 * Where a `ScheduleRunner` keeps, per schedule, the scheduled time of its last fire, so that a
 * restarted runner can tell which occurrences it missed while down. The runtime will back it with
 * the metadata store; `FileScheduleStateStore` serves one machine.
 */
export interface ScheduleStateStore {
  /** The scheduled (not actual) time of the schedule's last fire; undefined when it never fired. */
  get(name: string): Promise<Date | undefined>;
  /** Records a fire of `name` for `scheduledTime`; durable when the promise resolves. */
  set(name: string, scheduledTime: Date): Promise<void>;
}

/** A state file that cannot be read as schedule state. Code `SCHEDULE_STATE_CORRUPT`. */
export class ScheduleStateCorruptError extends TerminalError {
  constructor(path: string, problem: string, options: { cause?: unknown } = {}) {
    super('SCHEDULE_STATE_CORRUPT', `schedule state file "${path}" is not valid: ${problem}; fix or delete the file (deleting forgets missed fires) and restart`, {
      cause: options.cause,
      fields: { path, problem },
    });
  }
}

interface StateFile {
  version: 1;
  /** Schedule name -> ISO time of the last fired scheduled time. */
  lastFired: Record<string, string>;
}

/**
 * A `ScheduleStateStore` in one JSON file (`{ version: 1, lastFired: { name: iso } }`).
 * Read once, then kept in memory; every `set` rewrites the file atomically (temp file + rename),
 * one write at a time, so a crash leaves the old or the new file, never half of one.
 * One process per file: two runners sharing a file overwrite each other's entries.
 * Throws `ScheduleStateCorruptError` when the file exists but is not schedule state.
 */
export class FileScheduleStateStore implements ScheduleStateStore {
  readonly path: string;
  #state: Promise<Map<string, Date>> | undefined;
  #writes: Promise<void> = Promise.resolve();

  constructor(path: string) {
    this.path = path;
  }

  async get(name: string): Promise<Date | undefined> {
    const time = (await this.#load()).get(name);
    return time === undefined ? undefined : new Date(time.getTime());
  }

  async set(name: string, scheduledTime: Date): Promise<void> {
    const state = await this.#load();
    state.set(name, new Date(scheduledTime.getTime()));
    const body: StateFile = { version: 1, lastFired: Object.fromEntries([...state].map(([k, v]) => [k, v.toISOString()])) };
    const write = this.#writes.then(() => this.#write(JSON.stringify(body, null, 2)));
    // a failed write must not wedge later ones; the caller of this set still sees the failure
    this.#writes = write.catch(() => undefined);
    await write;
  }

  #load(): Promise<Map<string, Date>> {
    this.#state ??= this.#read();
    return this.#state;
  }

  async #read(): Promise<Map<string, Date>> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw err;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new ScheduleStateCorruptError(this.path, 'not JSON', { cause: err });
    }
    const file = parsed as Partial<StateFile> | null;
    if (file === null || typeof file !== 'object' || file.version !== 1 || typeof file.lastFired !== 'object' || file.lastFired === null) {
      throw new ScheduleStateCorruptError(this.path, 'expected { "version": 1, "lastFired": { ... } }');
    }
    const state = new Map<string, Date>();
    for (const [name, iso] of Object.entries(file.lastFired)) {
      const time = typeof iso === 'string' ? new Date(iso) : new Date(Number.NaN);
      if (Number.isNaN(time.getTime())) throw new ScheduleStateCorruptError(this.path, `lastFired["${name}"] = ${JSON.stringify(iso)} is not an ISO time`);
      state.set(name, time);
    }
    return state;
  }

  async #write(text: string): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(temp, text, { flush: true });
      // rename last: readers never see a half-written file
      await rename(temp, this.path);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }
}

/** A `ScheduleStateStore` in memory: state survives `ScheduleRunner` restarts within one process (tests, embedded use). */
export class MemoryScheduleStateStore implements ScheduleStateStore {
  readonly #state = new Map<string, Date>();

  get(name: string): Promise<Date | undefined> {
    const time = this.#state.get(name);
    return Promise.resolve(time === undefined ? undefined : new Date(time.getTime()));
  }

  set(name: string, scheduledTime: Date): Promise<void> {
    this.#state.set(name, new Date(scheduledTime.getTime()));
    return Promise.resolve();
  }
}
