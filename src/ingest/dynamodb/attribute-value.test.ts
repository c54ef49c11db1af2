import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../errors.ts';
import { unmarshallAttributeValue, unmarshallItem } from './attribute-value.ts';
import { DynamoNumber } from './dynamo-number.ts';
import { DynamoSet } from './dynamo-set.ts';

function badAttribute(path: string, message: RegExp) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof ValidationError, String(err));
    assert.equal(err.code, 'DDB_BAD_ATTRIBUTE');
    assert.equal(err.fields.path, path);
    assert.match(err.message, message);
    return true;
  };
}

describe('unmarshallAttributeValue', () => {
  it('unmarshalls every scalar type', () => {
    assert.equal(unmarshallAttributeValue({ S: 'Hello' }), 'Hello');
    assert.equal(unmarshallAttributeValue({ S: '' }), '');
    assert.equal(unmarshallAttributeValue({ BOOL: false }), false);
    assert.equal(unmarshallAttributeValue({ NULL: true }), null);
    assert.deepEqual(unmarshallAttributeValue({ B: 'AAEqQQ==' }), Buffer.from([0, 1, 42, 65]));
    const n = unmarshallAttributeValue({ N: '12345678901234567890.123' });
    assert.ok(n instanceof DynamoNumber);
    assert.equal(n.text, '12345678901234567890.123');
  });

  it('unmarshalls sets as DynamoSets that keep order and duplicates', () => {
    const ss = unmarshallAttributeValue({ SS: ['Zebra', 'Giraffe', 'Zebra'] });
    assert.ok(ss instanceof DynamoSet);
    assert.equal(ss.setType, 'SS');
    assert.deepEqual([...ss], ['Zebra', 'Giraffe', 'Zebra']);
    const ns = unmarshallAttributeValue({ NS: ['1234', '567.8'] }) as DynamoSet<'NS'>;
    assert.equal(ns.setType, 'NS');
    assert.deepEqual(ns.map((x) => x.text), ['1234', '567.8']);
    assert.equal(Array.isArray(ns.map((x) => x.text)) && !(ns.map((x) => x) instanceof DynamoSet), true);
    const bs = unmarshallAttributeValue({ BS: ['AAEqQQ==', 'QSoBAA=='] }) as DynamoSet<'BS'>;
    assert.equal(bs.setType, 'BS');
    assert.deepEqual([...bs], [Buffer.from([0, 1, 42, 65]), Buffer.from([65, 42, 1, 0])]);
    assert.equal((unmarshallAttributeValue({ SS: [] }) as DynamoSet).length, 0);
  });

  it('unmarshalls nested maps and lists', () => {
    const value = unmarshallAttributeValue({
      M: { items: { L: [{ M: { sku: { S: 'A-1' }, price: { N: '9.99' } } }, { NULL: true }] }, ok: { BOOL: true } },
    });
    const items = (value as { items: Array<{ sku: string; price: DynamoNumber } | null> }).items;
    assert.equal(items[0]?.sku, 'A-1');
    assert.equal(items[0]?.price.text, '9.99');
    assert.equal(items[1], null);
    assert.equal((value as { ok: boolean }).ok, true);
  });

  it('keeps a "__proto__" attribute as data', () => {
    const item = unmarshallItem(JSON.parse('{"__proto__": {"S": "x"}, "a": {"S": "y"}}'));
    assert.equal(Object.getPrototypeOf(item), Object.prototype);
    assert.deepEqual(Object.keys(item), ['__proto__', 'a']);
    assert.equal(Object.getOwnPropertyDescriptor(item, '__proto__')?.value, 'x');
  });

  it('names the attribute path and what was found in errors', () => {
    const image = { items: { L: [{ M: {} }, { M: {} }, { M: { price: { N: '12,5' } } }] } };
    assert.throws(() => unmarshallItem(image, 'NewImage'), badAttribute('NewImage.items[2].price', /N is not a decimal number, found "12,5"/));
    assert.throws(() => unmarshallItem({ 'unit-price': { X: '1' } }, 'NewImage'), badAttribute('NewImage["unit-price"]', /unknown type key "X" \(expected one of S, N, B, BOOL, NULL, M, L, SS, NS, BS\), found \{"X":"1"\}/));
  });

  it('rejects invalid base64 in B and BS with the offending element', () => {
    assert.throws(() => unmarshallItem({ b: { B: 'AA-qQQ==' } }, 'NewImage'), badAttribute('NewImage.b', /B is not valid base64 \(invalid base64 character "-" at offset 2\)/));
    assert.throws(() => unmarshallItem({ b: { B: 'AAEqQQ' } }, 'NewImage'), badAttribute('NewImage.b', /not a multiple of 4/));
    assert.throws(() => unmarshallItem({ bs: { BS: ['AAEqQQ==', 'not base64!'] } }, 'OldImage'), badAttribute('OldImage.bs[1]', /B is not valid base64/));
  });

  it('rejects malformed AttributeValues of every kind', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{}, /exactly one type key, not 0 \(none\)/],
      [{ S: 'a', N: '1' }, /exactly one type key, not 2 \(S, N\)/],
      ['plain', /expected an AttributeValue object/],
      [null, /expected an AttributeValue object/],
      [[{ S: 'a' }], /expected an AttributeValue object/],
      [{ S: 1 }, /S must be a string, found 1/],
      [{ N: 1 }, /N must be a decimal number string, found 1/],
      [{ N: 'NaN' }, /N is not a decimal number/],
      [{ B: 5 }, /B must be a base64 string/],
      [{ BOOL: 'true' }, /BOOL must be true or false/],
      [{ NULL: false }, /NULL must be true, found false/],
      [{ M: [] }, /expected a map of attribute name to AttributeValue/],
      [{ L: {} }, /L must be an array/],
      [{ SS: 'a' }, /SS must be an array of strings/],
      [{ s: 'lowercase' }, /unknown type key "s"/],
    ];
    for (const [av, message] of cases) assert.throws(() => unmarshallAttributeValue(av, 'x'), badAttribute('x', message), JSON.stringify(av));
    assert.throws(() => unmarshallAttributeValue({ SS: ['a', 2] }, 'x'), badAttribute('x[1]', /SS elements must be strings/));
    assert.throws(() => unmarshallAttributeValue({ NS: ['1', 'two'] }, 'x'), badAttribute('x[1]', /N is not a decimal number/));
  });

  it('rejects nesting deeper than 32 levels', () => {
    let av: unknown = { S: 'leaf' };
    for (let i = 0; i < 40; i++) av = { L: [av] };
    assert.throws(() => unmarshallAttributeValue(av, 'deep'), (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      assert.equal(err.code, 'DDB_BAD_ATTRIBUTE');
      assert.match(err.message, /nested deeper than DynamoDB's 32 levels/);
      return true;
    });
  });

  it('unmarshallItem requires a map', () => {
    assert.throws(() => unmarshallItem([], 'NewImage'), badAttribute('NewImage', /expected a map/));
    assert.throws(() => unmarshallItem(undefined, 'Keys'), badAttribute('Keys', /found nothing/));
  });
});
