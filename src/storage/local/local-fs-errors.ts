import { LakestackError, TerminalError, TransientError, ValidationError } from '../../errors.ts';

// Resource exhaustion and contention that can clear up on their own.
const TRANSIENT_CODES = new Set(['EAGAIN', 'EBUSY', 'EMFILE', 'ENFILE', 'ENOSPC', 'EINTR', 'ETIMEDOUT']);

/** The `code` of a Node.js system error (`ENOENT`, …), if `err` is one. */
export function fsErrorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A local store key whose path collides with a directory or file of another key. */
export function keyCollision(key: string, location: string, detail: string, cause?: unknown): TerminalError {
  return new TerminalError(
    'STORAGE_KEY_COLLISION',
    `object "${key}" cannot be stored in ${location}: ${detail}; on a filesystem "a" and "a/b" cannot both be objects, so choose keys where no key is a folder of another`,
    { cause, fields: { key, location } },
  );
}

/**
 * Translates a filesystem error from `operation` on `key` into a `LakestackError`, once, at the
 * adapter boundary. Errors that already are `LakestackError`s pass through unchanged.
 */
export function translateFsError(err: unknown, operation: string, key: string, location: string): LakestackError {
  if (err instanceof LakestackError) return err;
  const code = fsErrorCode(err) ?? 'UNKNOWN';
  const detail = err instanceof Error ? err.message : String(err);
  const fields = { key, location, operation, errno: code };
  if (code === 'ENAMETOOLONG') {
    return new ValidationError(
      'STORAGE_INVALID_KEY',
      `object key "${key}" is too long for the filesystem under ${location} (a segment is over 255 bytes); shorten the segment`,
      { cause: err, fields },
    );
  }
  const message = `${operation} of object "${key}" in ${location} failed: ${detail}`;
  if (TRANSIENT_CODES.has(code)) {
    return new TransientError('STORAGE_IO_ERROR', `${message}; free the resource (disk space, open files) and retry`, { cause: err, fields });
  }
  return new TerminalError('STORAGE_IO_ERROR', `${message}; check the permissions and health of ${location}`, { cause: err, fields });
}
