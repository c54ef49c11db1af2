import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAvroLong } from './avro-long-type.ts';
import { parseAvroSchema } from './avro-schema.ts';

const long = parseAvroSchema('"long"');
const roundTrip = (value: unknown): unknown => long.type.fromBuffer(long.type.toBuffer(value));

describe('Avro long without precision loss', () => {
  it('decodes safe integers to numbers and the rest to bigints, exactly', () => {
    const values: [number | bigint, number | bigint][] = [
      [0, 0],
      [-1, -1],
      [2 ** 31, 2 ** 31],
      [1714521600000000, 1714521600000000], // microsecond timestamp: 8 varint bytes, still a number
      [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
      [Number.MIN_SAFE_INTEGER, Number.MIN_SAFE_INTEGER],
      [2n ** 53n, 2n ** 53n],
      [-(2n ** 53n) - 1n, -(2n ** 53n) - 1n],
      [2n ** 63n - 1n, 2n ** 63n - 1n],
      [-(2n ** 63n), -(2n ** 63n)],
      [42n, 42], // a bigint that fits comes back as a number
    ];
    for (const [input, expected] of values) assert.equal(roundTrip(input), expected, `round trip of ${input}`);
  });

  it('writes the same bytes as the Avro zigzag varint', () => {
    assert.deepEqual(long.type.toBuffer(-1), Buffer.from([0x01]));
    assert.deepEqual(long.type.toBuffer(64), Buffer.from([0x80, 0x01]));
    assert.deepEqual(long.type.toBuffer(2n ** 63n - 1n), Buffer.from('feffffffffffffffff01', 'hex'));
    assert.deepEqual(long.type.toBuffer(-(2n ** 63n)), Buffer.from('ffffffffffffffffff01', 'hex'));
  });

  it('rejects non-integers, unsafe numbers and bigints outside int64', () => {
    for (const bad of [1.5, 2 ** 53, '1', 2n ** 63n, null]) {
      assert.equal(long.type.isValid(bad), false, String(bad));
      assert.throws(() => long.type.toBuffer(bad), /invalid "long"/);
    }
    assert.equal(isAvroLong(2n ** 63n - 1n), true);
    assert.equal(isAvroLong(2 ** 53), false);
  });

  it('reports a truncated varint instead of inventing a value', () => {
    assert.throws(() => long.type.fromBuffer(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])), /truncated/);
  });

  it('carries bigints through unions, records and arrays', () => {
    const schema = parseAvroSchema({
      type: 'record',
      name: 'R',
      fields: [
        { name: 'maybe', type: ['null', 'long'] },
        { name: 'both', type: ['int', 'long'] },
        { name: 'list', type: { type: 'array', items: 'long' } },
      ],
    });
    const record = { maybe: 2n ** 60n, both: { long: -(2n ** 62n) }, list: [1, 2n ** 62n] };
    const back = schema.type.fromBuffer(schema.type.toBuffer(record)) as typeof record;
    assert.equal(back.maybe, 2n ** 60n);
    assert.deepEqual({ ...back.both }, { long: -(2n ** 62n) });
    assert.deepEqual(back.list, [1, 2n ** 62n]);
  });

  it('resolves int data into long, and long data into double', () => {
    const int = parseAvroSchema('"int"');
    const double = parseAvroSchema('"double"');
    assert.equal(long.type.fromBuffer(int.type.toBuffer(-7), long.type.createResolver(int.type)), -7);
    assert.equal(double.type.fromBuffer(long.type.toBuffer(2 ** 40), double.type.createResolver(long.type)), 2 ** 40);
  });

  it('orders numbers and bigints together', () => {
    assert.equal(long.type.compare(1, 2n ** 60n), -1);
    assert.equal(long.type.compare(2n ** 60n, 5), 1);
    assert.equal(long.type.compare(7, 7), 0);
  });
});
