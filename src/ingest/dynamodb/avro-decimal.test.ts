import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeAvroDecimal, encodeAvroDecimal } from './avro-decimal.ts';

describe('encodeAvroDecimal / decodeAvroDecimal', () => {
  it('writes minimal big-endian two\'s complement', () => {
    assert.deepEqual(encodeAvroDecimal(0n), Buffer.from([0]));
    assert.deepEqual(encodeAvroDecimal(127n), Buffer.from([0x7f]));
    assert.deepEqual(encodeAvroDecimal(128n), Buffer.from([0x00, 0x80]));
    assert.deepEqual(encodeAvroDecimal(-1n), Buffer.from([0xff]));
    assert.deepEqual(encodeAvroDecimal(-128n), Buffer.from([0x80]));
    assert.deepEqual(encodeAvroDecimal(-129n), Buffer.from([0xff, 0x7f]));
    assert.deepEqual(encodeAvroDecimal(1999n), Buffer.from([0x07, 0xcf]));
  });

  it('sign-extends to a fixed size and refuses values that do not fit', () => {
    assert.deepEqual(encodeAvroDecimal(-2n, 4), Buffer.from([0xff, 0xff, 0xff, 0xfe]));
    assert.deepEqual(encodeAvroDecimal(258n, 3), Buffer.from([0, 1, 2]));
    assert.equal(encodeAvroDecimal(32768n, 2), undefined);
  });

  it('round-trips large values of both signs', () => {
    for (const value of [12345678901234567890123n, -12345678901234567890123n, 2n ** 127n - 1n, -(2n ** 127n)]) {
      assert.equal(decodeAvroDecimal(encodeAvroDecimal(value) ?? Buffer.alloc(0)), value);
    }
    assert.equal(decodeAvroDecimal(Buffer.alloc(0)), 0n);
  });
});
