import { NotFoundError, TerminalError, TransientError, ValidationError } from '../errors.ts';

/**
 * Stable error codes of the streams layer:
 * - `STREAM_NOT_FOUND` (`NotFoundError`): the stream does not exist; create it with ensureStream.
 * - `STREAM_SHARD_NOT_FOUND` (`NotFoundError`): the stream has no shard with that id.
 * - `STREAM_INVALID_ARGUMENT` (`ValidationError`): a name, shard count, limit, sequence number or
 *   record is malformed; `fields.path` names it.
 * - `STREAM_LOCK_TIMEOUT` (`TransientError`): embedded log only; another process holds the append
 *   lock for too long.
 * - `STREAM_SEGMENT_CORRUPT` (`TerminalError`): embedded log only; a sealed segment fails its CRC.
 * - `STREAM_IO_ERROR` (`TransientError` for EAGAIN/EBUSY/EMFILE/EIO..., else `TerminalError`):
 *   embedded log only; a filesystem call failed.
 * - `STREAM_UNAVAILABLE` (`TransientError`): the stream server cannot be reached; retry later.
 * - `STREAM_REQUEST_FAILED` (`TerminalError`): the stream server rejected a request.
 * - `STREAM_NAME_CONFLICT` (`TerminalError`): a server-side stream of that name is not lakestack's.
 * - `STREAM_CLOSED` (`TerminalError`): the transport was used after close().
 * - `STREAM_CONSUMER_BUSY` (`TerminalError`): a consumer was asked to run twice at once.
 */
export type StreamErrorCode =
  | 'STREAM_NOT_FOUND'
  | 'STREAM_SHARD_NOT_FOUND'
  | 'STREAM_INVALID_ARGUMENT'
  | 'STREAM_LOCK_TIMEOUT'
  | 'STREAM_SEGMENT_CORRUPT'
  | 'STREAM_IO_ERROR'
  | 'STREAM_UNAVAILABLE'
  | 'STREAM_REQUEST_FAILED'
  | 'STREAM_NAME_CONFLICT'
  | 'STREAM_CLOSED'
  | 'STREAM_CONSUMER_BUSY';

/** describeStream (or any call) on a stream that does not exist at `location`. */
export function streamNotFound(stream: string, location: string, cause?: unknown): NotFoundError {
  return new NotFoundError(
    'STREAM_NOT_FOUND',
    `stream "${stream}" not found in ${location}; create it first (ensureStream, or \`lakestack stream create ${stream}\`)`,
    { cause, fields: { stream, location } },
  );
}

/** A shard id the stream does not have. */
export function shardNotFound(stream: string, shardId: string, shards: readonly string[]): NotFoundError {
  const range = shards.length === 0 ? 'none' : `${shards[0]} .. ${shards[shards.length - 1]}`;
  return new NotFoundError(
    'STREAM_SHARD_NOT_FOUND',
    `stream "${stream}" has no shard "${shardId}" (shards: ${range}); use an id from describeStream`,
    { fields: { stream, shardId, shardCount: shards.length } },
  );
}

/** A malformed argument; `path` names it (e.g. `records[3].partitionKey`). */
export function invalidArgument(path: string, message: string, fields: Record<string, unknown> = {}): ValidationError {
  return new ValidationError('STREAM_INVALID_ARGUMENT', `${path}: ${message}`, { fields: { path, ...fields } });
}

/** Use after close(). */
export function transportClosed(kind: string, operation: string): TerminalError {
  return new TerminalError(
    'STREAM_CLOSED',
    `${kind} stream transport is closed; ${operation} needs a new transport (createStreamTransport)`,
    { fields: { kind, operation } },
  );
}

/** The server (or filesystem) failed in a way a retry may fix. */
export function streamUnavailable(message: string, fields: Record<string, unknown>, cause?: unknown): TransientError {
  return new TransientError('STREAM_UNAVAILABLE', message, { cause, fields });
}
