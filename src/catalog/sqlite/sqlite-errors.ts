import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { LakestackError, TerminalError, TransientError } from '../../errors.ts';

/** How many times a transaction that found the catalog locked is tried before giving up. */
export const BUSY_ATTEMPTS = 5;

const BUSY_CODES = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_RECOVERY', 'SQLITE_LOCKED', 'SQLITE_LOCKED_SHAREDCACHE']);

/** True for SQLite's "another connection holds the lock" errors. */
export function isSqliteBusy(err: unknown): boolean {
  return err instanceof Database.SqliteError && BUSY_CODES.has(err.code);
}

/**
 * Translates a native SQLite error into the lakestack error classes, once, at this boundary:
 * lock contention is a `TransientError` (`CATALOG_BUSY`), anything else native a
 * `TerminalError` (`CATALOG_SQLITE_ERROR`). Lakestack errors pass through unchanged.
 */
export function translateSqliteError(err: unknown, path: string, action: string): unknown {
  if (err instanceof LakestackError || !(err instanceof Database.SqliteError)) return err;
  const fields = { path, action, sqliteCode: err.code };
  if (BUSY_CODES.has(err.code)) {
    return new TransientError(
      'CATALOG_BUSY',
      `${action} on catalog "${path}" gave up after ${BUSY_ATTEMPTS} attempts: the file stayed locked by another writer (${err.code}); retry, or look for a process holding a long transaction`,
      { cause: err, fields },
    );
  }
  return new TerminalError('CATALOG_SQLITE_ERROR', `${action} on catalog "${path}" failed: ${err.message} (${err.code})`, { cause: err, fields });
}

/**
 * Runs a synchronous transaction, trying again when SQLite reports the file busy (each attempt
 * already waited out the connection's busy timeout). Errors are translated as above.
 */
export async function withBusyRetry<T>(path: string, action: string, run: () => T): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return run();
    } catch (err) {
      if (!isSqliteBusy(err) || attempt >= BUSY_ATTEMPTS) throw translateSqliteError(err, path, action);
      await sleep(10 * attempt + Math.floor(Math.random() * 20));
    }
  }
}
