/**
 * Watches the local landing directory for files copied in by people and tools, and reports each
 * complete one once, as an object (relative key, size, MD5 etag), so it can become an
 * "Object Created" event like any object the platform writes.
 *
 * Polling is the source of truth: a file is reported only after its size, mtime and inode stayed the
 * same for `stableMs`, so a file still being copied is not reported half-written. Recursive `fs.watch`
 * (Linux since Node 20) only makes the next scan come sooner; it can miss files in freshly created
 * folders and fail on inotify limits, so it is never relied on.
 */
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** A complete file in the landing directory. */
export interface LandingObject {
  /** Path relative to the watched directory, `/`-separated (`2026/11/23/sales.csv`). */
  key: string;
  size: number;
  /** MD5 hex of the content, unquoted (as in S3 events). */
  etag: string;
  /** Absolute path of the file. */
  path: string;
  lastModified: Date;
}

export interface WatchLandingDirectoryOptions {
  /** Directory to watch (created when missing). */
  dir: string;
  /** Called once per new or replaced file, one call at a time, in scan order. A throw goes to `onError`; the file is not offered again. */
  onObject(object: LandingObject): void | Promise<void>;
  /** Failed scans and `onObject` throws. Default: a process warning. */
  onError?(err: unknown): void;
  /** How often the directory is scanned. Default 500 ms. */
  pollIntervalMs?: number;
  /** How long a file must stay unchanged before it counts as complete. Default 1000 ms. */
  stableMs?: number;
  /** Files already present at start: `report` them (default; nothing in landing/ has been processed) or `skip` them until they change. */
  existing?: 'report' | 'skip';
  /** Use recursive `fs.watch` to notice files sooner. Default true; polling runs regardless. */
  useFsWatch?: boolean;
}

export interface LandingWatcher {
  /** Resolves after the first scan (the baseline for `existing: 'skip'`). */
  readonly ready: Promise<void>;
  /** Stops watching; resolves once no scan or `onObject` call is running. */
  close(): Promise<void>;
}

/** True for names the watcher ignores: hidden (`.x`) and in-progress (`x.tmp`, `x.part`) files and folders. */
export function isLandingTempName(name: string): boolean {
  return name.startsWith('.') || name.endsWith('.tmp') || name.endsWith('.part');
}

interface Tracked {
  signature: string;
  /** When the watcher first saw this signature. */
  firstSeen: number;
  reported: boolean;
}

// Coalesces the burst of fs.watch events a copy produces into one scan.
const WATCH_DEBOUNCE_MS = 25;

/**
 * Starts watching `options.dir` (recursively). Every regular file that is new, or replaced since it was
 * reported, is passed to `onObject` once its content has been stable for `stableMs`.
 */
export function watchLandingDirectory(options: WatchLandingDirectoryOptions): LandingWatcher {
  const root = resolve(options.dir);
  const pollIntervalMs = options.pollIntervalMs ?? 500;
  const stableMs = options.stableMs ?? 1000;
  const onError = options.onError ?? ((err: unknown) => process.emitWarning(`landing watcher on ${root}: ${err instanceof Error ? err.message : String(err)}`));
  mkdirSync(root, { recursive: true });

  const tracked = new Map<string, Tracked>();
  let baseline = options.existing === 'skip';
  let closed = false;
  let running: Promise<void> | undefined;
  let rescan = false;
  let pollTimer: NodeJS.Timeout | undefined;
  let soonTimer: NodeJS.Timeout | undefined;
  let fsWatcher: FSWatcher | undefined;

  async function scan(): Promise<void> {
    const seen = new Set<string>();
    for await (const { key, path } of walk(root, '', onError)) {
      if (closed) return;
      const stats = await statFile(path);
      if (!stats) continue;
      seen.add(key);
      const signature = `${stats.size}:${stats.mtimeMs}:${stats.ino}`;
      const now = Date.now();
      const entry = tracked.get(key);
      if (!entry || entry.signature !== signature) {
        tracked.set(key, { signature, firstSeen: now, reported: baseline });
        continue;
      }
      // an old mtime seen unchanged twice means the copy finished before we looked
      if (entry.reported || now - Math.min(entry.firstSeen, stats.mtimeMs) < stableMs) continue;
      const etag = await md5File(path);
      const after = await statFile(path);
      if (etag === undefined || !after || `${after.size}:${after.mtimeMs}:${after.ino}` !== signature) continue;
      entry.reported = true;
      try {
        await options.onObject({ key, size: stats.size, etag, path, lastModified: new Date(stats.mtimeMs) });
      } catch (err) {
        onError(err);
      }
    }
    for (const key of tracked.keys()) if (!seen.has(key)) tracked.delete(key);
    baseline = false;
  }

  function run(): Promise<void> {
    if (running) {
      rescan = true;
      return running;
    }
    running = (async () => {
      do {
        rescan = false;
        try {
          await scan();
        } catch (err) {
          onError(err);
        }
      } while (rescan && !closed);
    })().finally(() => {
      running = undefined;
      if (!closed) {
        clearTimeout(pollTimer);
        pollTimer = setTimeout(() => void run(), pollIntervalMs);
      }
    });
    return running;
  }

  if (options.useFsWatch ?? true) {
    try {
      fsWatcher = watch(root, { recursive: true }, () => {
        if (closed || soonTimer) return;
        soonTimer = setTimeout(() => {
          soonTimer = undefined;
          void run();
        }, WATCH_DEBOUNCE_MS);
      });
      // e.g. ENOSPC (inotify watch limit): polling carries on alone
      fsWatcher.on('error', () => {
        fsWatcher?.close();
        fsWatcher = undefined;
      });
    } catch {
      fsWatcher = undefined;
    }
  }

  const ready = run();
  return {
    ready,
    async close() {
      closed = true;
      clearTimeout(pollTimer);
      clearTimeout(soonTimer);
      fsWatcher?.close();
      await running;
    },
  };
}

async function* walk(dir: string, prefix: string, onError: (err: unknown) => void): AsyncGenerator<{ key: string; path: string }> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    // a folder removed mid-scan is no error; an unreadable one is worth telling
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') onError(err);
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (isLandingTempName(entry.name)) continue;
    const path = join(dir, entry.name);
    const key = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) yield* walk(path, key, onError);
    else if (entry.isFile()) yield { key, path };
  }
}

async function statFile(path: string): Promise<{ size: number; mtimeMs: number; ino: number } | undefined> {
  try {
    const stats = await stat(path);
    return stats.isFile() ? stats : undefined;
  } catch {
    return undefined;
  }
}

async function md5File(path: string): Promise<string | undefined> {
  const hash = createHash('md5');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch {
    return undefined;
  }
  return hash.digest('hex');
}
