import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { TransientError } from '../../errors.ts';

/** A held lock; release() removes the lock file if it is still ours. */
export interface FileLock {
  release(): Promise<void>;
}

/** How long to wait, and what the lock protects (for messages). */
export interface FileLockOptions {
  /** Give up after this long with `STREAM_LOCK_TIMEOUT` (a TransientError). */
  timeoutMs: number;
  /** What the lock protects, for messages: `stream "orders"`. */
  what: string;
}

interface LockHolder {
  pid: number;
  host: string;
  bootId?: string;
  startTime?: string;
  token: string;
  acquiredAt: string;
}

/** A `.break` file older than this belongs to a breaker that died mid-break. */
const BREAKER_STALE_MS = 10_000;
/** An unreadable lock file older than this was left by a process that died while writing it. */
const UNREADABLE_STALE_MS = 10_000;

const bootId = readOrUndefined('/proc/sys/kernel/random/boot_id')?.trim();
const ownStartTime = processStartTime(process.pid);

/**
 * Takes an exclusive lock across processes by creating `path` with O_EXCL. A lock whose holder
 * is gone (pid not alive, pid reused by a newer process, or written before the last reboot) is
 * stale and is broken. Breaking happens under a second `.break` lock and only removes the lock
 * file if it still holds the stale token, so two breakers never remove a fresh lock.
 */
export async function acquireFileLock(path: string, options: FileLockOptions): Promise<FileLock> {
  const me: LockHolder = { pid: process.pid, host: hostname(), bootId, startTime: ownStartTime, token: randomUUID(), acquiredAt: '' };
  const deadline = Date.now() + options.timeoutMs;
  let wait = 1;
  let lastHolder: LockHolder | undefined;
  for (;;) {
    if (await tryCreate(path, me)) return { release: () => releaseLock(path, me.token) };
    const holder = await readHolder(path);
    if (holder === 'gone') continue;
    lastHolder = holder ?? lastHolder;
    if (holder === undefined ? await olderThan(path, UNREADABLE_STALE_MS) : isStale(holder)) {
      await breakStaleLock(path, holder?.token);
      continue;
    }
    if (Date.now() >= deadline) {
      const who = lastHolder ? `process ${lastHolder.pid} on ${lastHolder.host} (since ${lastHolder.acquiredAt})` : 'an unknown process';
      throw new TransientError(
        'STREAM_LOCK_TIMEOUT',
        `could not lock ${options.what} within ${options.timeoutMs} ms: ${path} is held by ${who}; retry, and if that process is hung, stop it (a lock of a dead process is removed automatically)`,
        { fields: { lockPath: path, holderPid: lastHolder?.pid, timeoutMs: options.timeoutMs } },
      );
    }
    await sleep(wait);
    wait = Math.min(wait * 2, 25);
  }
}

/**
 * True while a live process holds the lock at `path` (false when it is absent or stale).
 * Readers use it to see only frames whose writer has finished (fsynced and released).
 */
export async function isLockHeld(path: string): Promise<boolean> {
  const holder = await readHolder(path);
  if (holder === 'gone') return false;
  if (holder === undefined) return !(await olderThan(path, UNREADABLE_STALE_MS));
  return !isStale(holder);
}

async function tryCreate(path: string, me: LockHolder): Promise<boolean> {
  let fh;
  try {
    fh = await open(path, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    await fh.writeFile(JSON.stringify({ ...me, acquiredAt: new Date().toISOString() }));
  } finally {
    await fh.close();
  }
  return true;
}

/** The holder, `undefined` when the file is not (yet) valid JSON, `'gone'` when it vanished. */
async function readHolder(path: string): Promise<LockHolder | undefined | 'gone'> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as LockHolder;
    return typeof parsed.pid === 'number' && typeof parsed.token === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function isStale(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return false; // cannot see another machine's processes
  if (holder.bootId && bootId && holder.bootId !== bootId) return true;
  if (!pidAlive(holder.pid)) return true;
  const startTime = processStartTime(holder.pid);
  return Boolean(holder.startTime && startTime && holder.startTime !== startTime);
}

async function breakStaleLock(path: string, staleToken: string | undefined): Promise<void> {
  const breaker = `${path}.break`;
  let fh;
  try {
    fh = await open(breaker, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    if (await olderThan(breaker, BREAKER_STALE_MS)) await unlinkIfPresent(breaker);
    else await sleep(1);
    return;
  }
  try {
    const holder = await readHolder(path);
    const stillStale = staleToken === undefined
      ? holder === undefined && (await olderThan(path, UNREADABLE_STALE_MS))
      : holder !== 'gone' && holder?.token === staleToken;
    if (stillStale) await unlinkIfPresent(path);
  } finally {
    await fh.close();
    await unlinkIfPresent(breaker);
  }
}

async function releaseLock(path: string, token: string): Promise<void> {
  const holder = await readHolder(path);
  if (holder !== 'gone' && holder?.token === token) await unlinkIfPresent(path);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Start time of a process in clock ticks since boot (Linux /proc), to detect pid reuse. */
function processStartTime(pid: number): string | undefined {
  const stat = readOrUndefined(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  // Field 22; the command name (field 2) may contain spaces, so count after its closing paren.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

async function olderThan(path: string, ms: number): Promise<boolean> {
  try {
    return Date.now() - (await stat(path)).mtimeMs > ms;
  } catch {
    return false;
  }
}

async function unlinkIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
