import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ConflictError, NotFoundError, ValidationError } from '../../src/errors.ts';
import type { ObjectStore } from '../../src/storage/object-store.ts';

/** A fresh, empty store for one test, and how to dispose of it. */
export type MakeObjectStore = () => Promise<{ store: ObjectStore; cleanup(): Promise<void> }>;

function md5(content: Uint8Array | string): string {
  return `"${createHash('md5').update(content).digest('hex')}"`;
}

async function keysOf(store: ObjectStore, prefix: string, options?: Parameters<ObjectStore['list']>[1]): Promise<string[]> {
  return (await store.list(prefix, options)).objects.map((o) => o.key);
}

function isCode(type: new (...args: never[]) => Error, code: string) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof type, `expected ${type.name}, got ${String(err)}`);
    assert.equal((err as { code?: string }).code, code);
    return true;
  };
}

const BAD_KEYS: [string, string][] = [
  ['', 'empty'],
  ['/abs/key', 'absolute'],
  ['a/../b', 'dot-dot segment'],
  ['..', 'dot-dot alone'],
  ['a/./b', 'dot segment'],
  ['a\\b', 'backslash'],
  ['a\u0000b', 'NUL'],
  ['a\u001fb', 'U+001F'],
  ['a\u007fb', 'DEL'],
  ['a//b', 'empty segment'],
  ['a/', 'trailing slash'],
  ['k'.repeat(1025), 'over 1024 bytes'],
  ['é'.repeat(513), 'over 1024 UTF-8 bytes though 513 characters'],
];

/**
 * The `ObjectStore` contract, run against every adapter: each test gets a fresh store from
 * `make` and disposes of it afterwards. Behaviour that depends on a capability flag is tested
 * as the flag documents it.
 */
export function describeObjectStore(name: string, make: MakeObjectStore): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let store: ObjectStore;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await make());
    });
    afterEach(async () => {
      await store.close();
      await cleanup();
    });

    it('describes itself', () => {
      assert.ok(store.kind.length > 0);
      assert.ok(store.location.length > 0);
      assert.equal(typeof store.capabilities.atomicPut, 'boolean');
      assert.equal(typeof store.capabilities.conditionalPut, 'boolean');
    });

    it('puts and gets an object, returning its info', async () => {
      const before = Date.now();
      const info = await store.put('zone/table/part-0001.json', '{"a":1}', { contentType: 'application/json' });
      assert.equal(info.key, 'zone/table/part-0001.json');
      assert.equal(info.size, 7);
      assert.equal(info.etag, md5('{"a":1}'));
      assert.ok(info.lastModified instanceof Date);
      assert.ok(Math.abs(info.lastModified.getTime() - before) < 60_000, 'lastModified is about now');
      const body = await store.get('zone/table/part-0001.json');
      assert.ok(Buffer.isBuffer(body));
      assert.equal(body.toString('utf8'), '{"a":1}');
    });

    it('stores strings as UTF-8', async () => {
      await store.put('text.txt', 'grüße 日本 😀');
      const body = await store.get('text.txt');
      assert.deepEqual(body, Buffer.from('grüße 日本 😀', 'utf8'));
      assert.equal((await store.head('text.txt'))?.size, Buffer.byteLength('grüße 日本 😀'));
    });

    it('round-trips binary content exactly, including every byte value and an empty object', async () => {
      const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      const random = randomBytes(64 * 1024);
      const view = new Uint8Array(random.buffer, random.byteOffset + 10, 1000);
      await store.put('bin/all-bytes', all);
      await store.put('bin/random', random);
      await store.put('bin/view', view);
      await store.put('bin/empty', new Uint8Array(0));
      assert.deepEqual(await store.get('bin/all-bytes'), all);
      assert.deepEqual(await store.get('bin/random'), random);
      assert.deepEqual(await store.get('bin/view'), Buffer.from(view));
      assert.equal((await store.get('bin/empty')).length, 0);
      assert.equal((await store.head('bin/empty'))?.size, 0);
    });

    it('reports the quoted MD5 of the content as the ETag in put, head and list', async () => {
      const content = randomBytes(4096);
      const expected = md5(content);
      assert.equal((await store.put('etag/x', content)).etag, expected);
      assert.equal((await store.head('etag/x'))?.etag, expected);
      assert.equal((await store.list('etag/')).objects[0]?.etag, expected);
      assert.match(expected, /^"[0-9a-f]{32}"$/);
    });

    it('heads an object, and returns undefined for an absent key', async () => {
      await store.put('h/one', 'abc');
      const info = await store.head('h/one');
      assert.equal(info?.key, 'h/one');
      assert.equal(info?.size, 3);
      assert.equal(info?.etag, md5('abc'));
      assert.ok(info?.lastModified instanceof Date);
      assert.equal(await store.head('h/two'), undefined);
      assert.equal(await store.head('h'), undefined, 'a "folder" of keys is not an object');
    });

    it('fails get() of an absent key with NotFoundError STORAGE_NOT_FOUND naming the key', async () => {
      await store.put('present/x', 'x');
      await assert.rejects(store.get('absent/key.parquet'), (err: unknown) => {
        isCode(NotFoundError, 'STORAGE_NOT_FOUND')(err);
        assert.match((err as Error).message, /absent\/key\.parquet/);
        return true;
      });
      await assert.rejects(store.get('present'), isCode(NotFoundError, 'STORAGE_NOT_FOUND'));
    });

    it('overwrites an existing key', async () => {
      await store.put('ow/k', 'first version');
      const second = await store.put('ow/k', 'v2');
      assert.equal((await store.get('ow/k')).toString(), 'v2');
      assert.equal(second.etag, md5('v2'));
      const head = await store.head('ow/k');
      assert.equal(head?.size, 2);
      assert.equal(head?.etag, md5('v2'));
      assert.deepEqual(await keysOf(store, 'ow/'), ['ow/k']);
    });

    it('lists every key under a prefix, sorted, with info', async () => {
      const keys = ['b/2', 'a/1', 'ab', 'a/0/deep/x', 'b/10', 'a/1x', 'c'];
      for (const key of keys) await store.put(key, `body of ${key}`);
      assert.deepEqual(await keysOf(store, ''), ['a/0/deep/x', 'a/1', 'a/1x', 'ab', 'b/10', 'b/2', 'c']);
      assert.deepEqual(await keysOf(store, 'a/'), ['a/0/deep/x', 'a/1', 'a/1x']);
      assert.deepEqual(await keysOf(store, 'a'), ['a/0/deep/x', 'a/1', 'a/1x', 'ab']);
      assert.deepEqual(await keysOf(store, 'a/1'), ['a/1', 'a/1x'], 'a prefix may end part-way through a segment');
      assert.deepEqual(await keysOf(store, 'a/0/deep/x'), ['a/0/deep/x']);
      assert.deepEqual(await keysOf(store, 'zzz/'), []);
      const listed = await store.list('b/');
      assert.deepEqual(listed.prefixes, [], 'no delimiter, no common prefixes');
      assert.deepEqual(
        listed.objects.map((o) => [o.key, o.size, o.etag]),
        [['b/10', 12, md5('body of b/10')], ['b/2', 11, md5('body of b/2')]],
      );
      assert.ok(listed.objects.every((o) => o.lastModified instanceof Date));
    });

    it('groups keys at the delimiter into common prefixes (S3 semantics)', async () => {
      for (const key of ['d/x', 'd/y/1', 'd/y/2', 'd/z/deep/er/1', 'e', 'f/g/h']) await store.put(key, key);
      assert.deepEqual(await store.list('d/', { delimiter: '/' }), {
        objects: (await store.list('d/x')).objects,
        prefixes: ['d/y/', 'd/z/'],
      });
      const top = await store.list('', { delimiter: '/' });
      assert.deepEqual(top.objects.map((o) => o.key), ['e']);
      assert.deepEqual(top.prefixes, ['d/', 'f/'], 'folders holding only folders still form a prefix');
      const partial = await store.list('d/y', { delimiter: '/' });
      assert.deepEqual(partial.objects, []);
      assert.deepEqual(partial.prefixes, ['d/y/']);
    });

    it('supports delimiters other than "/"', async () => {
      for (const key of ['logs/2024-01-a', 'logs/2024-02-b', 'logs/2025-01/x', 'logs/plain', 'logs/sub/2024-9']) await store.put(key, key);
      const result = await store.list('logs/', { delimiter: '-' });
      assert.deepEqual(result.prefixes, ['logs/2024-', 'logs/2025-', 'logs/sub/2024-']);
      assert.deepEqual(result.objects.map((o) => o.key), ['logs/plain']);
    });

    it('lists only keys strictly after startAfter', async () => {
      for (const key of ['s/a', 's/b', 's/bb/1', 's/c', 's/d']) await store.put(key, key);
      assert.deepEqual(await keysOf(store, 's/', { startAfter: 's/b' }), ['s/bb/1', 's/c', 's/d']);
      assert.deepEqual(await keysOf(store, 's/', { startAfter: 's/bz' }), ['s/c', 's/d'], 'startAfter need not be a key');
      assert.deepEqual(await keysOf(store, 's/', { startAfter: 's/d' }), []);
      assert.deepEqual(await keysOf(store, 's/', { startAfter: 'a' }), ['s/a', 's/b', 's/bb/1', 's/c', 's/d'], 'startAfter before the prefix');
    });

    it('combines startAfter with a delimiter: a prefix appears while some key under it is after startAfter', async () => {
      for (const key of ['p/a/1', 'p/a/2', 'p/b/1', 'p/c']) await store.put(key, key);
      assert.deepEqual(await store.list('p/', { delimiter: '/', startAfter: 'p/a/1' }).then((r) => [r.prefixes, r.objects.map((o) => o.key)]), [['p/a/', 'p/b/'], ['p/c']]);
      assert.deepEqual(await store.list('p/', { delimiter: '/', startAfter: 'p/a/2' }).then((r) => [r.prefixes, r.objects.map((o) => o.key)]), [['p/b/'], ['p/c']]);
      assert.deepEqual(await store.list('p/', { delimiter: '/', startAfter: 'p/' }).then((r) => r.prefixes), ['p/a/', 'p/b/']);
    });

    it('deletes objects; deleting an absent key is not an error', async () => {
      await store.put('del/a/b/c', 'x');
      await store.put('del/keep', 'y');
      await store.delete('del/a/b/c');
      assert.equal(await store.head('del/a/b/c'), undefined);
      await assert.rejects(store.get('del/a/b/c'), isCode(NotFoundError, 'STORAGE_NOT_FOUND'));
      assert.deepEqual(await keysOf(store, ''), ['del/keep']);
      const top = await store.list('del/', { delimiter: '/' });
      assert.deepEqual(top.prefixes, [], 'a prefix with no objects left is gone');
      await store.delete('del/a/b/c');
      await store.delete('never/existed');
      await store.delete('del');
      assert.equal((await store.get('del/keep')).toString(), 'y');
      await store.put('del/a/b/c', 'again');
      assert.equal((await store.get('del/a/b/c')).toString(), 'again');
    });

    it('ifNoneMatch "*" creates an absent key and refuses an existing one with ConflictError', async () => {
      const created = await store.put('once/k', 'first', { ifNoneMatch: '*' });
      assert.equal(created.etag, md5('first'));
      await assert.rejects(store.put('once/k', 'second', { ifNoneMatch: '*' }), (err: unknown) => {
        isCode(ConflictError, 'STORAGE_ALREADY_EXISTS')(err);
        assert.match((err as Error).message, /once\/k/);
        return true;
      });
      assert.equal((await store.get('once/k')).toString(), 'first');
      await store.put('once/k', 'unconditional');
      assert.equal((await store.get('once/k')).toString(), 'unconditional');
      await store.delete('once/k');
      await store.put('once/k', 'recreated', { ifNoneMatch: '*' });
      assert.equal((await store.get('once/k')).toString(), 'recreated');
    });

    it('ifNoneMatch "*" under concurrency: exactly one winner when conditionalPut, else as documented', async () => {
      const bodies = Array.from({ length: 8 }, (_, i) => `writer ${i}`);
      const results = await Promise.allSettled(bodies.map((body) => store.put('race/k', body, { ifNoneMatch: '*' })));
      const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [bodies[i]] : []));
      for (const r of results) if (r.status === 'rejected') isCode(ConflictError, 'STORAGE_ALREADY_EXISTS')(r.reason);
      const stored = (await store.get('race/k')).toString();
      if (store.capabilities.conditionalPut) {
        assert.equal(winners.length, 1, 'exactly one concurrent create wins');
        assert.equal(stored, winners[0]);
      } else {
        // emulated: concurrent creates may each pass the existence check; the object is one whole winner
        assert.ok(winners.length >= 1);
        assert.ok(winners.includes(stored));
      }
    });

    it('rejects bad keys with ValidationError STORAGE_INVALID_KEY before touching the store', async () => {
      for (const [key, why] of BAD_KEYS) {
        const check = (err: unknown): boolean => {
          isCode(ValidationError, 'STORAGE_INVALID_KEY')(err);
          assert.ok((err as Error).message.includes(JSON.stringify(key).slice(0, 40)), `message names the key (${why})`);
          return true;
        };
        await assert.rejects(store.put(key, 'x'), check, why);
        await assert.rejects(store.get(key), check, why);
        await assert.rejects(store.head(key), check, why);
        await assert.rejects(store.delete(key), check, why);
      }
      for (const prefix of ['/abs/', 'a/../', 'a//', 'a\\', '..']) {
        await assert.rejects(store.list(prefix), isCode(ValidationError, 'STORAGE_INVALID_KEY'), prefix);
      }
      assert.deepEqual(await store.list(''), { objects: [], prefixes: [] });
    });

    it('handles unicode and punctuation in keys, ordering by UTF-8 bytes', async () => {
      const keys = ['u/😀', 'u/ｱ', 'u/é', 'u/z', 'u/日本語/ファイル.txt', 'u/type=sale/partition_date=2024-05-01/part 1+2%3.parquet'];
      for (const key of keys) await store.put(key, key);
      for (const key of keys) assert.equal((await store.get(key)).toString(), key);
      // U+FF71 (EF BD B1) sorts before U+1F600 (F0 9F 98 80) in UTF-8, though not in UTF-16
      assert.deepEqual(await keysOf(store, 'u/'), [
        'u/type=sale/partition_date=2024-05-01/part 1+2%3.parquet',
        'u/z',
        'u/é',
        'u/日本語/ファイル.txt',
        'u/ｱ',
        'u/😀',
      ]);
      assert.deepEqual(await keysOf(store, 'u/', { startAfter: 'u/ｱ' }), ['u/😀']);
      assert.deepEqual((await store.list('u/', { delimiter: '/' })).prefixes, ['u/type=sale/', 'u/日本語/']);
    });

    it('round-trips a large-ish object (~5 MB)', async () => {
      const big = randomBytes(5 * 1024 * 1024 + 123);
      const info = await store.put('big/blob.bin', big);
      assert.equal(info.size, big.length);
      assert.equal(info.etag, md5(big));
      const back = await store.get('big/blob.bin');
      assert.equal(back.length, big.length);
      assert.ok(back.equals(big));
    });

    it('takes concurrent puts to different keys', async () => {
      const keys = Array.from({ length: 24 }, (_, i) => `conc/${String(i).padStart(2, '0')}/f`);
      await Promise.all(keys.map((key) => store.put(key, `content of ${key}`)));
      assert.deepEqual(await keysOf(store, 'conc/'), keys);
      const bodies = await Promise.all(keys.map((key) => store.get(key)));
      bodies.forEach((body, i) => assert.equal(body.toString(), `content of ${keys[i]}`));
    });

    it('never lets a reader see a partial object while it is overwritten (atomicPut), or documents otherwise', async () => {
      const versions = [Buffer.alloc(512 * 1024, 1), Buffer.alloc(512 * 1024, 2), Buffer.alloc(512 * 1024, 3)];
      await store.put('atomic/k', versions[0]!);
      if (!store.capabilities.atomicPut) {
        // documented: no promise while a put is in flight, only that a finished put is whole
        for (const v of versions) await store.put('atomic/k', v);
        assert.deepEqual(await store.get('atomic/k'), versions[2]);
        return;
      }
      const known = new Set(versions.map((v) => md5(v)));
      let writing = true;
      const writer = (async () => {
        try {
          for (let round = 0; round < 3; round++) for (const v of versions) await store.put('atomic/k', v);
        } finally {
          writing = false;
        }
      })();
      let reads = 0;
      while (writing || reads === 0) {
        const body = await store.get('atomic/k');
        reads++;
        assert.ok(known.has(md5(body)), `read ${reads} saw a partial or mixed object`);
      }
      await writer;
      assert.deepEqual(await store.get('atomic/k'), versions[2]);
    });
  });
}
