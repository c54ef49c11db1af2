import { ConflictError, NotFoundError } from '../errors.ts';

/**
 * Stable error codes of the storage layer (besides `STORAGE_INVALID_KEY` from `object-key.ts`):
 * - `STORAGE_NOT_FOUND` (`NotFoundError`): get() of an absent key.
 * - `STORAGE_ALREADY_EXISTS` (`ConflictError`): put() with `ifNoneMatch: '*'` on an existing key.
 * - `STORAGE_CONDITIONAL_CONFLICT` (`ConflictError`): S3 saw a concurrent conditional write; retry.
 * - `STORAGE_BUCKET_NOT_FOUND` (`NotFoundError`): the configured bucket does not exist.
 * - `STORAGE_ACCESS_DENIED` (`TerminalError`): credentials lack permission.
 * - `STORAGE_UNAVAILABLE` (`TransientError`): throttling, 5xx, network failure; retry later.
 * - `STORAGE_REQUEST_FAILED` (`TerminalError`): any other rejection by the store.
 * - `STORAGE_KEY_COLLISION` (`TerminalError`): local store only; a key needs a directory where
 *   an object file is, or the reverse (`a` and `a/b` cannot both exist on a filesystem).
 * - `STORAGE_IO_ERROR` (`TransientError` or `TerminalError`): local filesystem failure.
 * - `STORAGE_INJECTED_FAULT` (`TransientError`): memory store fault switch fired.
 * - `STORAGE_INVALID_CONFIG` (`ValidationError`): `createObjectStore` was given a bad config.
 */
export type StorageErrorCode =
  | 'STORAGE_INVALID_KEY'
  | 'STORAGE_NOT_FOUND'
  | 'STORAGE_ALREADY_EXISTS'
  | 'STORAGE_CONDITIONAL_CONFLICT'
  | 'STORAGE_BUCKET_NOT_FOUND'
  | 'STORAGE_ACCESS_DENIED'
  | 'STORAGE_UNAVAILABLE'
  | 'STORAGE_REQUEST_FAILED'
  | 'STORAGE_KEY_COLLISION'
  | 'STORAGE_IO_ERROR'
  | 'STORAGE_INJECTED_FAULT'
  | 'STORAGE_INVALID_CONFIG';

/** get() of a key that does not exist in the store at `location`. */
export function objectNotFound(key: string, location: string, cause?: unknown): NotFoundError {
  return new NotFoundError(
    'STORAGE_NOT_FOUND',
    `object "${key}" not found in ${location}; check the key, or list the prefix to see what exists`,
    { cause, fields: { key, location } },
  );
}

/** put() with `ifNoneMatch: '*'` lost: the key already exists. */
export function objectAlreadyExists(key: string, location: string, cause?: unknown): ConflictError {
  return new ConflictError(
    'STORAGE_ALREADY_EXISTS',
    `object "${key}" already exists in ${location} and the put required it to be absent (ifNoneMatch "*"); re-read it, or write under a new key`,
    { cause, fields: { key, location } },
  );
}
