import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { describeObjectStore } from '../../../test/contracts/object-store.contract.ts';
import { tempDir } from '../../../test/support/paths.ts';
import { ConflictError, TerminalError, ValidationError } from '../../errors.ts';
import { MemoryObjectStore } from '../memory/memory-object-store.ts';
import { hasLocalFileAccess } from '../object-store.ts';
import { LOCAL_TEMP_DIR, LocalObjectStore } from './local-object-store.ts';

describeObjectStore('local', async () => {
  const { dir, cleanup } = await tempDir('lakestack-local-store-');
  return { store: new LocalObjectStore({ root: join(dir, 'objects') }), cleanup };
});

function md5(content: Uint8Array | string): string {
  return `"${createHash('md5').update(content).digest('hex')}"`;
}

describe('LocalObjectStore on disk', () => {
  let root: string;
  let store: LocalObjectStore;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    const temp = await tempDir('lakestack-local-store-');
    root = join(temp.dir, 'objects');
    cleanup = temp.cleanup;
    store = new LocalObjectStore({ root });
  });
  afterEach(async () => {
    await store.close();
    await cleanup();
  });

  it('keeps objects as plain files at localPath(key), readable by other engines', async () => {
    await store.put('type=sale/partition_date=2024-05-01/part-0.avro', 'avro bytes');
    const path = store.localPath('type=sale/partition_date=2024-05-01/part-0.avro');
    assert.ok(hasLocalFileAccess(store));
    assert.ok(isAbsolute(path));
    assert.equal(path, join(root, 'type=sale', 'partition_date=2024-05-01', 'part-0.avro'));
    assert.equal(await readFile(path, 'utf8'), 'avro bytes');
    assert.equal(store.location, root);
    assert.throws(() => store.localPath('../escape'), ValidationError);
  });

  it('lists an empty store whose root does not exist yet', async () => {
    assert.deepEqual(await store.list(''), { objects: [], prefixes: [] });
    assert.equal(await store.head('a'), undefined);
    await store.delete('a');
    assert.equal(existsSync(root), false);
  });

  it('never lists temp files, even with a delimiter, and reserves the temp folder', async () => {
    await store.put('data/a', 'a');
    await mkdir(join(root, LOCAL_TEMP_DIR), { recursive: true });
    await writeFile(join(root, LOCAL_TEMP_DIR, 'in-flight.part'), 'half');
    assert.deepEqual((await store.list('')).objects.map((o) => o.key), ['data/a']);
    assert.deepEqual(await store.list('', { delimiter: '/' }), { objects: [], prefixes: ['data/'] });
    assert.deepEqual(await store.list(LOCAL_TEMP_DIR), { objects: [], prefixes: [] });
    assert.deepEqual(await store.list(`${LOCAL_TEMP_DIR}/`), { objects: [], prefixes: [] });
    await assert.rejects(store.put(`${LOCAL_TEMP_DIR}/x`, 'x'), { code: 'STORAGE_INVALID_KEY', message: /reserves ".tmp\/"/ });
    await assert.rejects(store.get(LOCAL_TEMP_DIR), ValidationError);
  });

  it('leaves no temp file behind after puts, failed ones included', async () => {
    await store.put('k', 'v');
    await store.put('k', 'v2');
    await assert.rejects(store.put('k', 'v3', { ifNoneMatch: '*' }), ConflictError);
    await store.put('k/child', 'x').catch(() => undefined);
    assert.deepEqual(await readdir(join(root, LOCAL_TEMP_DIR)), []);
  });

  it('recovers from a crash mid-put: a leftover temp file is ignored and the key still works', async () => {
    await store.put('table/part-1', 'committed');
    // what a crash between write and rename leaves behind
    await writeFile(join(root, LOCAL_TEMP_DIR, 'crashed-put.part'), 'partial conte');
    const reopened = new LocalObjectStore({ root });
    assert.deepEqual((await reopened.list('')).objects.map((o) => o.key), ['table/part-1']);
    assert.equal((await reopened.get('table/part-1')).toString(), 'committed');
    await reopened.put('table/part-2', 'next', { ifNoneMatch: '*' });
    assert.deepEqual((await reopened.list('table/')).objects.map((o) => o.key), ['table/part-1', 'table/part-2']);
  });

  it('never exposes a partial file at the key path while a put is in flight', async () => {
    const big = randomBytes(6 * 1024 * 1024);
    const path = store.localPath('fresh/big.bin');
    const sizes = new Set<number>();
    let done = false;
    const put = store.put('fresh/big.bin', big).finally(() => {
      done = true;
    });
    while (!done) {
      const seen = await stat(path).catch(() => undefined);
      if (seen) sizes.add(seen.size);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await put;
    for (const size of sizes) assert.equal(size, big.length, 'the key path only ever holds the whole file');
    assert.equal((await stat(path)).size, big.length);
  });

  it('lists files written outside the store with their MD5, and rehashes a file changed in place', async () => {
    await mkdir(join(root, 'ext'), { recursive: true });
    await writeFile(join(root, 'ext', 'duckdb-output.parquet'), 'written by another engine');
    const [listed] = (await store.list('ext/')).objects;
    assert.equal(listed?.etag, md5('written by another engine'));
    assert.equal(listed?.size, 25);
    await store.put('ext/mine', 'one');
    await writeFile(store.localPath('ext/mine'), 'changed in place, longer');
    assert.equal((await store.head('ext/mine'))?.etag, md5('changed in place, longer'));
  });

  it('skips files whose names are not valid keys', async () => {
    await mkdir(join(root, 'odd'), { recursive: true });
    await writeFile(join(root, 'odd', 'back\\slash'), 'x');
    await writeFile(join(root, 'odd', 'fine'), 'y');
    assert.deepEqual((await store.list('odd/')).objects.map((o) => o.key), ['odd/fine']);
  });

  it('removes folders a delete leaves empty, but not the root or folders still in use', async () => {
    await store.put('a/b/c/d', 'x');
    await store.put('a/keep', 'y');
    await store.delete('a/b/c/d');
    assert.equal(existsSync(join(root, 'a', 'b')), false);
    assert.equal(existsSync(join(root, 'a', 'keep')), true);
    await store.delete('a/keep');
    assert.equal(existsSync(join(root, 'a')), false);
    assert.equal(existsSync(root), true);
  });

  it('survives puts racing deletes that prune the same folder', async () => {
    const rounds = Array.from({ length: 30 }, (_, i) => i);
    await Promise.all(
      rounds.map(async (i) => {
        await store.put(`race/dir/${i % 2}`, `v${i}`);
        await store.delete(`race/dir/${i % 2}`);
      }),
    );
    await Promise.all(rounds.map((i) => store.put(`race/dir/n${i}`, 'x')));
    assert.equal((await store.list('race/')).objects.length, 30);
  });

  it('refuses keys that collide with folders of other keys (STORAGE_KEY_COLLISION)', async () => {
    await store.put('f', 'file');
    await assert.rejects(store.put('f/child', 'x'), (err: unknown) => {
      assert.ok(err instanceof TerminalError);
      assert.equal(err.code, 'STORAGE_KEY_COLLISION');
      assert.match(err.message, /"f\/child"/);
      return true;
    });
    await store.put('g/child', 'x');
    await assert.rejects(store.put('g', 'file'), { code: 'STORAGE_KEY_COLLISION' });
    await assert.rejects(store.put('g', 'file', { ifNoneMatch: '*' }), { code: 'STORAGE_KEY_COLLISION' });
    assert.equal((await store.get('f')).toString(), 'file');
    assert.equal((await store.get('g/child')).toString(), 'x');
  });

  it('lists exactly like the in-memory reference for random layouts, prefixes, delimiters and startAfter', async () => {
    // seeded generator: a failure reproduces
    let seed = 42;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const folders = ['a', 'b', 'a-b', 'x=1', 'é', 'z'];
    const files = ['f', 'g-1', 'h.parquet'];
    const reference = new MemoryObjectStore();
    const keys = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const depth = rand(4);
      const path = Array.from({ length: depth }, () => folders[rand(folders.length)]);
      keys.add([...path, files[rand(files.length)]].join('/'));
    }
    for (const key of keys) {
      await store.put(key, key);
      await reference.put(key, key);
    }
    const probes = ['', 'a', 'a/', 'a-', 'a/b', 'x=1/', 'é/', 'b/a/', 'zz'];
    const afters = [undefined, '', 'a', 'a/', 'a-b/f', 'b/', 'b/a/b/g-1', 'x', 'é/z', '~'];
    const delimiters = [undefined, '/', '-', '=', '/a', 'b/'];
    for (let q = 0; q < 200; q++) {
      const prefix = probes[rand(probes.length)]!;
      const options = { startAfter: afters[rand(afters.length)], delimiter: delimiters[rand(delimiters.length)] };
      const [got, want] = await Promise.all([store.list(prefix, options), reference.list(prefix, options)]);
      const label = JSON.stringify({ prefix, ...options });
      assert.deepEqual(got.objects.map((o) => o.key), want.objects.map((o) => o.key), label);
      assert.deepEqual(got.prefixes, want.prefixes, label);
    }
  });

  it('rejects a segment too long for the filesystem as an invalid key', async () => {
    await assert.rejects(store.put(`long/${'s'.repeat(300)}`, 'x'), { code: 'STORAGE_INVALID_KEY', message: /too long for the filesystem/ });
  });
});
