import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../../test/support/paths.ts';
import { ValidationError } from '../errors.ts';
import { createObjectStore, hasLocalFileAccess } from './index.ts';
import type { ObjectStoreConfig } from './index.ts';

describe('createObjectStore', () => {
  it('builds a working local store with local file access', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const store = createObjectStore({ kind: 'local', root: join(dir, 'lake') });
      assert.equal(store.kind, 'local');
      assert.ok(hasLocalFileAccess(store));
      await store.put('a/b', 'x');
      assert.equal((await store.get('a/b')).toString(), 'x');
      await store.close();
    } finally {
      await cleanup();
    }
  });

  it('builds an s3 store with its bucket and prefix, and a memory store', async () => {
    const s3 = createObjectStore({ kind: 's3', bucket: 'lake', prefix: 'dev', region: 'eu-west-1', accessKeyId: 'a', secretAccessKey: 'b' });
    assert.equal(s3.kind, 's3');
    assert.equal(s3.location, 's3://lake/dev/');
    assert.deepEqual(s3.capabilities, { atomicPut: true, conditionalPut: true });
    assert.equal(hasLocalFileAccess(s3), false);
    await s3.close();
    const memory = createObjectStore({ kind: 'memory' });
    assert.equal(memory.kind, 'memory');
    await memory.put('k', 'v');
    assert.equal((await memory.get('k')).toString(), 'v');
  });

  it('rejects half-set credentials and unknown kinds', () => {
    assert.throws(() => createObjectStore({ kind: 's3', bucket: 'lake', accessKeyId: 'only' }), (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      assert.equal(err.code, 'STORAGE_INVALID_CONFIG');
      assert.equal(err.fields.path, 'secretAccessKey');
      return true;
    });
    assert.throws(() => createObjectStore({ kind: 'ftp' } as unknown as ObjectStoreConfig), { code: 'STORAGE_INVALID_CONFIG', message: /"ftp" is unknown/ });
  });
});
