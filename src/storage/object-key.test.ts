import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../errors.ts';
import { assertValidKey, assertValidPrefix, compareKeys, joinKey } from './object-key.ts';

function rejectsWith(fn: () => unknown, rule: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ValidationError);
    assert.equal(err.code, 'STORAGE_INVALID_KEY');
    assert.match(err.message, rule);
    return true;
  });
}

describe('assertValidKey', () => {
  it('accepts relative slash-separated keys, unicode and punctuation', () => {
    for (const key of ['a', 'a/b/c.parquet', 'type=sale/partition_date=2024-05-01/part 1.avro', '日本/😀', '.hidden', 'a/..b/c..', 'x'.repeat(1024)]) {
      assert.doesNotThrow(() => assertValidKey(key), key);
    }
  });

  it('rejects each broken rule, naming the key and the rule', () => {
    rejectsWith(() => assertValidKey(''), /"" is invalid: it must be a non-empty string/);
    rejectsWith(() => assertValidKey('/etc/passwd'), /"\/etc\/passwd".*must not start with "\/"/);
    rejectsWith(() => assertValidKey('a/../b'), /"a\/\.\.\/b".*"\.\." segment/);
    rejectsWith(() => assertValidKey('..'), /"\.\." segment/);
    rejectsWith(() => assertValidKey('a/.'), /"\." segment/);
    rejectsWith(() => assertValidKey('a\\b'), /backslash/);
    rejectsWith(() => assertValidKey('a\nb'), /control characters \(found U\+000A\)/);
    rejectsWith(() => assertValidKey('a\u0000'), /U\+0000/);
    rejectsWith(() => assertValidKey('a\u007f'), /U\+007F/);
    rejectsWith(() => assertValidKey('a//b'), /empty segments/);
    rejectsWith(() => assertValidKey('a/'), /empty segments/);
    rejectsWith(() => assertValidKey('x'.repeat(1025)), /1025 UTF-8 bytes, over the limit of 1024/);
    rejectsWith(() => assertValidKey('€'.repeat(342)), /1026 UTF-8 bytes/);
    rejectsWith(() => assertValidKey('a\ud800b'), /unpaired surrogate/);
    rejectsWith(() => assertValidKey(undefined as unknown as string), /non-empty string/);
  });

  it('keeps messages short for long keys', () => {
    assert.throws(() => assertValidKey('y'.repeat(5000)), (err: Error) => err.message.length < 400);
  });
});

describe('assertValidPrefix', () => {
  it('allows the empty prefix, a trailing slash and partial segments', () => {
    for (const prefix of ['', 'a/', 'a/b', 'logs/2024-', 'a/b/']) assert.doesNotThrow(() => assertValidPrefix(prefix), prefix);
  });

  it('applies the key rules to the rest', () => {
    rejectsWith(() => assertValidPrefix('/a/'), /prefix "\/a\/".*must not start/);
    rejectsWith(() => assertValidPrefix('a//'), /empty segments/);
    rejectsWith(() => assertValidPrefix('/'), /must not start with "\/"/);
    rejectsWith(() => assertValidPrefix('a/../'), /"\.\." segment/);
    rejectsWith(() => assertValidPrefix('a\tb'), /control/);
  });
});

describe('joinKey', () => {
  it('joins parts with single slashes and skips empty parts', () => {
    assert.equal(joinKey('raw/', 'dmd', '/sale/', 'a.avro'), 'raw/dmd/sale/a.avro');
    assert.equal(joinKey('', 'a', '', 'b'), 'a/b');
    assert.equal(joinKey('only'), 'only');
  });

  it('validates the result', () => {
    rejectsWith(() => joinKey('/abs', 'b'), /must not start/);
    rejectsWith(() => joinKey('a', 'b/'), /empty segments/);
    rejectsWith(() => joinKey('a', '..', 'b'), /"\.\." segment/);
    rejectsWith(() => joinKey(), /non-empty/);
  });
});

describe('compareKeys', () => {
  it('orders by UTF-8 bytes, unlike UTF-16 string comparison', () => {
    const keys = ['😀', 'ｱ', 'b', 'a/b', 'a', 'é', 'ab'];
    assert.deepEqual([...keys].sort(compareKeys), ['a', 'a/b', 'ab', 'b', 'é', 'ｱ', '😀']);
    assert.ok('😀' < 'ｱ', 'UTF-16 order differs, which is why compareKeys exists');
    assert.equal(compareKeys('same', 'same'), 0);
    const sample = ['\u{10000}', '\uffff', '\ue000', '\ud7ff', 'z'];
    const byBytes = [...sample].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    assert.deepEqual([...sample].sort(compareKeys), byBytes);
  });
});
