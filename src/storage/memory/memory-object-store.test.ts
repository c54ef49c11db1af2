import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeObjectStore } from '../../../test/contracts/object-store.contract.ts';
import { TerminalError, TransientError } from '../../errors.ts';
import { MemoryObjectStore } from './memory-object-store.ts';

describeObjectStore('memory', async () => ({ store: new MemoryObjectStore(), cleanup: async () => {} }));

describe('MemoryObjectStore fault switches', () => {
  it('failNthPut fails exactly the n-th put from now, storing nothing', async () => {
    const store = new MemoryObjectStore();
    await store.put('before', 'x');
    store.failNthPut(2);
    await store.put('one', '1');
    await assert.rejects(store.put('two', '2'), (err: unknown) => {
      assert.ok(err instanceof TransientError);
      assert.equal(err.code, 'STORAGE_INJECTED_FAULT');
      assert.match(err.message, /put #3/);
      return true;
    });
    assert.equal(await store.head('two'), undefined);
    await store.put('three', '3');
    assert.deepEqual((await store.list('')).objects.map((o) => o.key), ['before', 'one', 'three']);
    assert.equal(store.putCount, 4);
  });

  it('failNthPut throws the given error, can schedule several faults, and can fail after the write', async () => {
    const store = new MemoryObjectStore();
    const custom = new TerminalError('DISK_ON_FIRE', 'custom');
    store.failNthPut(1, custom);
    store.failNthPut(3, undefined, { afterWrite: true });
    await assert.rejects(store.put('a', 'a'), (err: unknown) => err === custom);
    await store.put('b', 'b');
    await assert.rejects(store.put('c', 'c'), TransientError);
    assert.equal((await store.get('c')).toString(), 'c', 'afterWrite: the object landed though the put failed');
    await store.put('d', 'd');
    assert.equal(await store.head('a'), undefined);
  });

  it('counts only puts with valid keys and rejects a nonsensical n', async () => {
    const store = new MemoryObjectStore();
    store.failNthPut(1);
    await assert.rejects(store.put('/bad', 'x'), { code: 'STORAGE_INVALID_KEY' });
    await assert.rejects(store.put('good', 'x'), { code: 'STORAGE_INJECTED_FAULT' });
    assert.throws(() => store.failNthPut(0), RangeError);
    assert.throws(() => store.failNthPut(1.5), RangeError);
  });

  it('delayList delays list() and returns the store as it was when list() was called', async () => {
    const store = new MemoryObjectStore();
    await store.put('k/1', '1');
    store.delayList(60);
    const started = Date.now();
    const pending = store.list('k/');
    await store.put('k/2', '2');
    const result = await pending;
    assert.ok(Date.now() - started >= 55, 'list waited');
    assert.deepEqual(result.objects.map((o) => o.key), ['k/1']);
    store.delayList(0);
    assert.deepEqual((await store.list('k/')).objects.map((o) => o.key), ['k/1', 'k/2']);
    assert.throws(() => store.delayList(-1), RangeError);
  });

  it('copies bodies in and out, so callers cannot change stored objects', async () => {
    const store = new MemoryObjectStore('copies');
    const input = Buffer.from('abc');
    await store.put('k', input);
    input[0] = 0x7a;
    const out = await store.get('k');
    out[1] = 0x7a;
    assert.equal((await store.get('k')).toString(), 'abc');
    assert.equal(store.location, 'memory://copies');
  });
});
