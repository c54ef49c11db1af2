import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NoSuchKey, S3ServiceException } from '@aws-sdk/client-s3';
import type { LakestackError } from '../../errors.ts';
import { ConflictError, NotFoundError, TerminalError, TransientError, ValidationError, isTransient } from '../../errors.ts';
import { translateS3Error } from './s3-errors.ts';
import type { S3ErrorContext } from './s3-errors.ts';

const getContext: S3ErrorContext = { operation: 'get', bucket: 'lake-bkt', key: 'base/t/x.parquet', callerKey: 't/x.parquet', location: 's3://lake-bkt/base/' };

function serviceError(name: string, status: number, retryable = false): S3ServiceException {
  const err = new S3ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, message: `${name} message` });
  if (retryable) err.$retryable = {};
  return err;
}

function networkError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });
}

function translated(err: unknown, context: S3ErrorContext = getContext): LakestackError {
  return translateS3Error(err, context);
}

describe('translateS3Error', () => {
  it('maps a missing key to NotFoundError STORAGE_NOT_FOUND naming the caller key', () => {
    const err = translated(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } }));
    assert.ok(err instanceof NotFoundError);
    assert.equal(err.code, 'STORAGE_NOT_FOUND');
    assert.match(err.message, /"t\/x\.parquet" not found in s3:\/\/lake-bkt\/base\//);
    assert.ok(err.cause instanceof NoSuchKey);
    assert.equal(translated(serviceError('NotFound', 404)).code, 'STORAGE_NOT_FOUND');
  });

  it('maps a missing bucket to NotFoundError STORAGE_BUCKET_NOT_FOUND', () => {
    const err = translated(serviceError('NoSuchBucket', 404));
    assert.ok(err instanceof NotFoundError);
    assert.equal(err.code, 'STORAGE_BUCKET_NOT_FOUND');
    assert.match(err.message, /bucket "lake-bkt"/);
    const listing = translated(serviceError('NotFound', 404), { operation: 'list', bucket: 'b', location: 's3://b/' });
    assert.equal(listing.code, 'STORAGE_BUCKET_NOT_FOUND');
  });

  it('maps failed conditions to ConflictError', () => {
    const exists = translated(serviceError('PreconditionFailed', 412), { ...getContext, operation: 'put' });
    assert.ok(exists instanceof ConflictError);
    assert.equal(exists.code, 'STORAGE_ALREADY_EXISTS');
    const racing = translated(serviceError('ConditionalRequestConflict', 409), { ...getContext, operation: 'put' });
    assert.ok(racing instanceof ConflictError);
    assert.equal(racing.code, 'STORAGE_CONDITIONAL_CONFLICT');
    assert.ok(isTransient(racing));
  });

  it('maps throttling, 5xx, retryable and network failures to TransientError STORAGE_UNAVAILABLE', () => {
    const cases: unknown[] = [
      serviceError('SlowDown', 503),
      serviceError('InternalError', 500),
      serviceError('SomethingNew', 502),
      serviceError('TooManyRequestsException', 429),
      serviceError('Weird', 400, true),
      networkError('ECONNRESET'),
      networkError('ECONNREFUSED'),
      networkError('ETIMEDOUT'),
      Object.assign(new AggregateError([networkError('ECONNREFUSED')], 'connect failed'), { code: undefined }),
      Object.assign(new Error('socket timed out'), { name: 'TimeoutError' }),
    ];
    for (const raw of cases) {
      const err = translated(raw);
      assert.ok(err instanceof TransientError, `${String(raw)} is transient`);
      assert.equal(err.code, 'STORAGE_UNAVAILABLE');
      assert.match(err.message, /s3 get of "base\/t\/x\.parquet" in bucket "lake-bkt" failed/);
      assert.match(err.message, /retry/);
    }
    assert.equal(translated(networkError('ECONNRESET')).fields.errno, 'ECONNRESET');
  });

  it('maps permission problems to TerminalError STORAGE_ACCESS_DENIED and the rest to STORAGE_REQUEST_FAILED', () => {
    const denied = translated(serviceError('AccessDenied', 403));
    assert.ok(denied instanceof TerminalError && !(denied instanceof TransientError));
    assert.equal(denied.code, 'STORAGE_ACCESS_DENIED');
    assert.match(denied.message, /AccessDenied \(HTTP 403\)/);
    assert.equal(translated(serviceError('SignatureDoesNotMatch', 403)).code, 'STORAGE_ACCESS_DENIED');
    const other = translated(serviceError('InvalidArgument', 400));
    assert.ok(other instanceof TerminalError);
    assert.equal(other.code, 'STORAGE_REQUEST_FAILED');
    assert.equal(isTransient(other), false);
    const unknown = translated('a string was thrown');
    assert.equal(unknown.code, 'STORAGE_REQUEST_FAILED');
    assert.match(unknown.message, /a string was thrown/);
  });

  it('passes LakestackErrors through unchanged', () => {
    const original = new ValidationError('STORAGE_INVALID_KEY', 'bad');
    assert.equal(translated(original), original);
  });
});
