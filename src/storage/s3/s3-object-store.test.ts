import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { describeObjectStore } from '../../../test/contracts/object-store.contract.ts';
import { startS3rver } from '../../../test/support/s3rver.ts';
import type { S3rverHandle } from '../../../test/support/s3rver.ts';
import { ConflictError, NotFoundError, TransientError } from '../../errors.ts';
import { S3ObjectStore } from './s3-object-store.ts';
import type { S3ClientLike, S3Command, S3ObjectStoreOptions } from './s3-object-store.ts';

let s3: S3rverHandle;
before(async () => {
  s3 = await startS3rver();
});
after(async () => {
  await s3.stop();
});

function s3rverStore(options: Partial<S3ObjectStoreOptions> = {}): S3ObjectStore {
  return new S3ObjectStore({
    bucket: s3.bucket,
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    // s3rver ignores If-None-Match on PUT (see the probe test below)
    conditionalPut: false,
    // s3rver rewrites the object file in place: a concurrent GET can be cut short
    atomicPut: false,
    ...options,
  });
}

// each test gets its own prefix in the shared bucket, so stores start empty
describeObjectStore('s3 (s3rver)', async () => ({ store: s3rverStore({ prefix: `contract-${randomUUID()}` }), cleanup: async () => {} }));

describe('S3ObjectStore against s3rver', () => {
  it('probeConditionalPut finds that s3rver ignores If-None-Match and turns the capability off', async () => {
    const store = s3rverStore({ prefix: `probe-${randomUUID()}`, conditionalPut: true });
    assert.equal(store.capabilities.conditionalPut, true);
    assert.equal(await store.probeConditionalPut(), false);
    assert.equal(store.capabilities.conditionalPut, false);
    assert.deepEqual(await store.list(''), { objects: [], prefixes: [] }, 'the probe object is removed');
    await store.close();
  });

  it('keeps every key under the configured prefix, invisible to other prefixes', async () => {
    const id = randomUUID();
    const one = s3rverStore({ prefix: `iso-${id}/one` });
    const two = s3rverStore({ prefix: `iso-${id}/two/` });
    const whole = s3rverStore({ prefix: `iso-${id}` });
    assert.equal(one.prefix, `iso-${id}/one/`);
    assert.equal(one.location, `s3://${s3.bucket}/iso-${id}/one/`);
    await one.put('k', '1');
    await two.put('k', '2');
    assert.equal((await one.get('k')).toString(), '1');
    assert.deepEqual((await one.list('')).objects.map((o) => o.key), ['k']);
    assert.deepEqual((await whole.list('')).objects.map((o) => o.key), ['one/k', 'two/k']);
    assert.deepEqual((await whole.list('', { delimiter: '/' })).prefixes, ['one/', 'two/']);
    assert.deepEqual((await whole.list('', { startAfter: 'one/k' })).objects.map((o) => o.key), ['two/k']);
    await Promise.all([one.close(), two.close(), whole.close()]);
  });

  it('reports an unreachable endpoint as TransientError STORAGE_UNAVAILABLE', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const store = s3rverStore({ endpoint: `http://127.0.0.1:${port}` });
    await assert.rejects(store.get('k'), (err: unknown) => {
      assert.ok(err instanceof TransientError);
      assert.equal(err.code, 'STORAGE_UNAVAILABLE');
      assert.match(err.message, /s3 get of "k" in bucket "lakestack-test" failed: .*ECONNREFUSED/);
      return true;
    });
    await store.close();
  });

  it('rejects an invalid configured prefix', () => {
    assert.throws(() => s3rverStore({ prefix: '/abs' }), { code: 'STORAGE_INVALID_KEY' });
    assert.throws(() => s3rverStore({ prefix: 'a//b' }), { code: 'STORAGE_INVALID_KEY' });
  });

  it('ensureBucket creates a missing bucket and is idempotent; a missing bucket is reported as such', async () => {
    const bucket = `fresh-${randomUUID().slice(0, 8)}`;
    const store = s3rverStore({ bucket });
    await assert.rejects(store.list(''), (err: unknown) => {
      assert.ok(err instanceof NotFoundError);
      assert.equal(err.code, 'STORAGE_BUCKET_NOT_FOUND');
      assert.match(err.message, new RegExp(`bucket "${bucket}"`));
      return true;
    });
    await assert.rejects(store.put('k', 'v'), { code: 'STORAGE_BUCKET_NOT_FOUND' });
    await store.ensureBucket();
    await store.ensureBucket();
    await store.put('k', 'v');
    assert.equal((await store.get('k')).toString(), 'v');
    await store.close();
  });
});

/** A scripted client: answers each command with the next handler for its type. */
function fakeClient(handlers: Partial<Record<string, ((input: Record<string, unknown>) => unknown)[]>>) {
  const sent: { type: string; input: Record<string, unknown> }[] = [];
  const client: S3ClientLike & { destroyed: boolean } = {
    destroyed: false,
    async send(command: S3Command) {
      const type = command.constructor.name;
      const input = command.input as unknown as Record<string, unknown>;
      sent.push({ type, input });
      const next = handlers[type]?.shift();
      if (!next) throw new Error(`unexpected ${type}`);
      return next(input);
    },
    destroy() {
      client.destroyed = true;
    },
  };
  return { client, sent };
}

function sdkError(name: string, status: number): S3ServiceException {
  return new S3ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, message: `${name} happened` });
}

describe('S3ObjectStore with a scripted client', () => {
  it('follows ListObjectsV2 pages, strips the prefix and merges common prefixes', async () => {
    const { client, sent } = fakeClient({
      [ListObjectsV2Command.name]: [
        () => ({
          IsTruncated: true,
          NextContinuationToken: 'token-1',
          Contents: [{ Key: 'base/p/a', Size: 1, ETag: '"e1"', LastModified: new Date(1000) }],
          CommonPrefixes: [{ Prefix: 'base/p/d1/' }],
        }),
        () => ({
          IsTruncated: false,
          Contents: [{ Key: 'base/p/b', Size: 2, ETag: '"e2"', LastModified: new Date(2000) }],
          CommonPrefixes: [{ Prefix: 'base/p/d2/' }],
        }),
      ],
    });
    const store = new S3ObjectStore({ bucket: 'bkt', prefix: 'base', client, pageSize: 1 });
    const result = await store.list('p/', { delimiter: '/', startAfter: 'p/0' });
    assert.deepEqual(result, {
      objects: [
        { key: 'p/a', size: 1, etag: '"e1"', lastModified: new Date(1000) },
        { key: 'p/b', size: 2, etag: '"e2"', lastModified: new Date(2000) },
      ],
      prefixes: ['p/d1/', 'p/d2/'],
    });
    assert.deepEqual(
      sent.map((s) => s.input),
      [
        { Bucket: 'bkt', Prefix: 'base/p/', Delimiter: '/', StartAfter: 'base/p/0', ContinuationToken: undefined, MaxKeys: 1 },
        { Bucket: 'bkt', Prefix: 'base/p/', Delimiter: '/', StartAfter: 'base/p/0', ContinuationToken: 'token-1', MaxKeys: 1 },
      ],
    );
    await store.close();
    assert.equal(client.destroyed, true);
  });

  it('sends If-None-Match and Content-MD5 when conditional puts are native, translating 412 to ConflictError', async () => {
    const { client, sent } = fakeClient({
      [PutObjectCommand.name]: [
        () => ({ ETag: '"5d41402abc4b2a76b9719d911017c592"' }),
        () => {
          throw sdkError('PreconditionFailed', 412);
        },
      ],
    });
    const store = new S3ObjectStore({ bucket: 'bkt', client });
    const info = await store.put('k', 'hello', { ifNoneMatch: '*', contentType: 'text/plain' });
    assert.equal(info.etag, '"5d41402abc4b2a76b9719d911017c592"');
    assert.equal(sent[0]?.input.IfNoneMatch, '*');
    assert.equal(sent[0]?.input.ContentMD5, 'XUFAKrxLKna5cZ2REBfFkg==');
    assert.equal(sent[0]?.input.ContentType, 'text/plain');
    await assert.rejects(store.put('k', 'again', { ifNoneMatch: '*' }), (err: unknown) => {
      assert.ok(err instanceof ConflictError);
      assert.equal(err.code, 'STORAGE_ALREADY_EXISTS');
      assert.match(err.message, /"k" already exists in s3:\/\/bkt\//);
      return true;
    });
    assert.equal(sent.filter((s) => s.type === HeadObjectCommand.name).length, 0, 'no HEAD when the endpoint enforces the condition');
  });

  it('emulates ifNoneMatch with a HEAD when conditional puts are off', async () => {
    const { client, sent } = fakeClient({
      [HeadObjectCommand.name]: [
        () => {
          throw sdkError('NotFound', 404);
        },
        () => ({ ContentLength: 1, ETag: '"x"', LastModified: new Date() }),
      ],
      [PutObjectCommand.name]: [() => ({ ETag: '"x"' })],
    });
    const store = new S3ObjectStore({ bucket: 'bkt', client, conditionalPut: false });
    assert.equal(store.capabilities.conditionalPut, false);
    await store.put('k', 'v', { ifNoneMatch: '*' });
    assert.equal(sent[1]?.input.IfNoneMatch, undefined, 'the header is not sent to an endpoint that ignores it');
    await assert.rejects(store.put('k', 'v', { ifNoneMatch: '*' }), { code: 'STORAGE_ALREADY_EXISTS' });
    assert.deepEqual(sent.map((s) => s.type), [HeadObjectCommand.name, PutObjectCommand.name, HeadObjectCommand.name]);
  });

  it('translates throttling and server errors into TransientError naming the key and bucket', async () => {
    const { client } = fakeClient({
      [PutObjectCommand.name]: [
        () => {
          throw sdkError('SlowDown', 503);
        },
      ],
    });
    const store = new S3ObjectStore({ bucket: 'bkt', prefix: 'lake', client });
    await assert.rejects(store.put('t/x', 'v'), (err: unknown) => {
      assert.ok(err instanceof TransientError);
      assert.equal(err.code, 'STORAGE_UNAVAILABLE');
      assert.match(err.message, /s3 put of "lake\/t\/x" in bucket "bkt" failed: SlowDown \(HTTP 503\)/);
      return true;
    });
  });
});
