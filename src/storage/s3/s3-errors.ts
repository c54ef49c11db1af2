import { ConflictError, LakestackError, NotFoundError, TerminalError, TransientError } from '../../errors.ts';
import { objectAlreadyExists, objectNotFound } from '../storage-errors.ts';

/** What an S3 call was doing, for the message of a translated error. */
export interface S3ErrorContext {
  operation: string;
  bucket: string;
  /** The full S3 key (with the store's prefix) or list prefix, when there is one. */
  key?: string;
  /** The key as the caller named it (without the store's prefix). */
  callerKey?: string;
  /** `s3://bucket/prefix` of the store. */
  location: string;
}

// Error names S3 and the SDK use for throttling and momentary server trouble.
const TRANSIENT_NAMES = new Set([
  'SlowDown', 'Throttling', 'ThrottlingException', 'ThrottledException', 'RequestThrottled', 'RequestThrottledException',
  'TooManyRequestsException', 'RequestLimitExceeded', 'BandwidthLimitExceeded', 'ProvisionedThroughputExceededException',
  'InternalError', 'ServiceUnavailable', 'RequestTimeout', 'RequestTimeoutException', 'TimeoutError',
]);
// Node.js / undici network failures.
const NETWORK_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH',
  'ENETUNREACH', 'ENETDOWN', 'ERR_SOCKET_CONNECTION_TIMEOUT', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT',
]);
const ACCESS_NAMES = new Set(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken', 'Forbidden']);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  errors?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

function networkCode(err: SdkErrorShape): string | undefined {
  if (typeof err.code === 'string' && NETWORK_CODES.has(err.code)) return err.code;
  // Node 20 reports a failed multi-address connect as an AggregateError of per-address errors
  if (Array.isArray(err.errors)) {
    for (const inner of err.errors) {
      const code = (inner as SdkErrorShape | null)?.code;
      if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    }
  }
  return undefined;
}

/**
 * Translates an error thrown by the AWS SDK (or the network under it) into a `LakestackError`,
 * once, at the adapter boundary: missing key → `NotFoundError`; failed `If-None-Match` →
 * `ConflictError`; throttling, 5xx and network failures → `TransientError`; everything else →
 * `TerminalError`. Messages name the operation, key and bucket. `LakestackError`s pass through.
 */
export function translateS3Error(err: unknown, context: S3ErrorContext): LakestackError {
  if (err instanceof LakestackError) return err;
  const shape = (typeof err === 'object' && err !== null ? err : {}) as SdkErrorShape;
  const name = typeof shape.name === 'string' ? shape.name : 'Error';
  const status = typeof shape.$metadata?.httpStatusCode === 'number' ? shape.$metadata.httpStatusCode : undefined;
  const detail = typeof shape.message === 'string' && shape.message !== '' ? shape.message : String(err);
  const { operation, bucket, key, callerKey, location } = context;
  const subject = key === undefined ? `bucket "${bucket}"` : `"${key}" in bucket "${bucket}"`;
  const what = `s3 ${operation} of ${subject} failed: ${name}${status === undefined ? '' : ` (HTTP ${status})`}: ${detail}`;
  const fields = { bucket, key, operation, s3Error: name, httpStatus: status };

  if (name === 'NoSuchBucket') {
    return new NotFoundError('STORAGE_BUCKET_NOT_FOUND', `${what}; create the bucket or fix the bucket name in the configuration`, { cause: err, fields });
  }
  if (name === 'NoSuchKey' || name === 'NotFound' || status === 404) {
    if (callerKey !== undefined) return objectNotFound(callerKey, location, err);
    return new NotFoundError('STORAGE_BUCKET_NOT_FOUND', `${what}; check that the bucket exists`, { cause: err, fields });
  }
  if (name === 'PreconditionFailed' || status === 412) {
    return objectAlreadyExists(callerKey ?? key ?? '', location, err);
  }
  if (name === 'ConditionalRequestConflict') {
    return new ConflictError('STORAGE_CONDITIONAL_CONFLICT', `${what}; another conditional write to the key was in flight, retry`, { cause: err, fields });
  }
  const network = networkCode(shape);
  if (TRANSIENT_NAMES.has(name) || network !== undefined || status === 429 || (status !== undefined && status >= 500) || shape.$retryable) {
    return new TransientError('STORAGE_UNAVAILABLE', `${what}; the store is throttling or unreachable, retry with backoff`, {
      cause: err,
      fields: network === undefined ? fields : { ...fields, errno: network },
    });
  }
  if (ACCESS_NAMES.has(name) || status === 403) {
    return new TerminalError('STORAGE_ACCESS_DENIED', `${what}; check the credentials and the bucket policy`, { cause: err, fields });
  }
  return new TerminalError('STORAGE_REQUEST_FAILED', `${what}; fix the request or the store configuration`, { cause: err, fields });
}
