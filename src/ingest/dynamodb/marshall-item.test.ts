import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../errors.ts';
import { unmarshallItem } from './attribute-value.ts';
import { DynamoNumber } from './dynamo-number.ts';
import { DynamoSet } from './dynamo-set.ts';
import { marshallItem, marshallValue } from './marshall-item.ts';

describe('marshallItem', () => {
  it('round-trips every attribute type exactly', () => {
    const image = {
      s: { S: 'text' },
      n: { N: '12345678901234567890.123' },
      e: { N: '1.50E2' },
      b: { B: 'AAEqQQ==' },
      t: { BOOL: true },
      z: { NULL: true },
      m: { M: { inner: { L: [{ S: 'a' }, { N: '-0.5' }, { M: {} }] } } },
      l: { L: [] },
      ss: { SS: ['b', 'a'] },
      ns: { NS: ['3', '1.25'] },
      bs: { BS: ['AAEqQQ==', 'QSoBAA==', 'AAEqQQ=='] },
      empty: { SS: [] },
    };
    assert.deepEqual(marshallItem(unmarshallItem(image)), image);
  });

  it('marshalls plain JS values: numbers, bigints, Uint8Array, undefined members', () => {
    assert.deepEqual(
      marshallItem({ a: 1.5, b: 9007199254740993n, c: new Uint8Array([1, 2]), d: undefined, e: [1, 'x'], f: { g: null } }),
      { a: { N: '1.5' }, b: { N: '9007199254740993' }, c: { B: 'AQI=' }, e: { L: [{ N: '1' }, { S: 'x' }] }, f: { M: { g: { NULL: true } } } },
    );
    assert.deepEqual(marshallValue(new DynamoSet('NS', [new DynamoNumber('1'), new DynamoNumber('2')])), { NS: ['1', '2'] });
    assert.deepEqual(marshallValue(new DynamoSet('SS', ['x'])), { SS: ['x'] });
  });

  it('marshalls a Uint8Array view without its neighbours in the buffer', () => {
    const backing = new Uint8Array([9, 1, 2, 9]);
    assert.deepEqual(marshallValue(backing.subarray(1, 3)), { B: 'AQI=' });
  });

  it('rejects values DynamoDB cannot hold, naming the path', () => {
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ a: Number.NaN }, 'Item.a', /must be finite/],
      [{ a: [undefined] }, 'Item.a[0]', /undefined is only allowed as a map member/],
      [{ a: new Date(0) }, 'Item.a', /a Date has no DynamoDB type/],
      [{ a: new Map() }, 'Item.a', /a Map has no DynamoDB type/],
      [{ a: 10n ** 40n + 1n }, 'Item.a', /significant digits/],
      [{ a: new DynamoSet('SS', [new DynamoNumber('1') as unknown as string]) }, 'Item.a[0]', /does not belong in a SS set/],
      [{ a: () => 1 }, 'Item.a', /a function has no DynamoDB type/],
    ];
    for (const [item, path, message] of cases) {
      assert.throws(() => marshallItem(item as never), (err: unknown) => {
        assert.ok(err instanceof ValidationError);
        assert.equal(err.code, 'DDB_CANNOT_MARSHALL');
        assert.equal(err.fields.path, path);
        assert.match(err.message, message);
        return true;
      });
    }
  });
});
