import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { ValidationError } from '../../errors.ts';
import { DynamoNumber } from './dynamo-number.ts';

describe('DynamoNumber', () => {
  it('keeps the exact text of numbers a double cannot hold', () => {
    const n = new DynamoNumber('12345678901234567890.123');
    assert.equal(n.text, '12345678901234567890.123');
    assert.equal(String(n), '12345678901234567890.123');
    assert.equal(JSON.stringify({ n }), '{"n":"12345678901234567890.123"}');
    assert.equal(n.toScaled(3), 12345678901234567890123n);
    assert.equal(n.isInteger, false);
    assert.equal(n.scale, 3);
    assert.equal(n.toNumber(), 12345678901234567000); // the double rounds; the text did not
    assert.equal(inspect(n), 'DynamoNumber(12345678901234567890.123)');
  });

  it('converts integers beyond 2^53 to exact bigints', () => {
    assert.equal(new DynamoNumber('9007199254740993').toBigInt(), 9007199254740993n);
    assert.equal(new DynamoNumber('-9223372036854775808').toBigInt(), -9223372036854775808n);
    assert.equal(new DynamoNumber('12345678901234567890123456789012345678').toBigInt(), 12345678901234567890123456789012345678n);
  });

  it('decides integrality from the value, not the spelling', () => {
    assert.equal(new DynamoNumber('1.50E2').isInteger, true);
    assert.equal(new DynamoNumber('1.50E2').toBigInt(), 150n);
    assert.equal(new DynamoNumber('100e-2').toBigInt(), 1n);
    assert.equal(new DynamoNumber('2.000').isInteger, true);
    assert.equal(new DynamoNumber('1e-2').isInteger, false);
    assert.equal(new DynamoNumber('-0').isNegative, false);
    assert.equal(new DynamoNumber('-0.5').isNegative, true);
  });

  it('toBigInt rejects fractions with DDB_NOT_INTEGRAL naming the value', () => {
    assert.throws(() => new DynamoNumber('123.45').toBigInt(), (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      assert.equal(err.code, 'DDB_NOT_INTEGRAL');
      assert.match(err.message, /123\.45 is not an integer/);
      return true;
    });
  });

  it('toScaled is exact and refuses to drop digits; toScaledFloor rounds down', () => {
    assert.equal(new DynamoNumber('19.9').toScaled(2), 1990n);
    assert.equal(new DynamoNumber('-0.05').toScaled(2), -5n);
    assert.throws(() => new DynamoNumber('19.999').toScaled(2), { code: 'DDB_SCALE_EXCEEDED' });
    assert.equal(new DynamoNumber('1635734407.1234567').toScaledFloor(3), 1635734407123n);
    assert.equal(new DynamoNumber('-1.001').toScaledFloor(2), -101n);
    assert.equal(new DynamoNumber('-1.000').toScaledFloor(0), -1n);
    assert.equal(new DynamoNumber('1649930048474').toScaledFloor(-3), 1649930048n);
  });

  it('accepts the decimal spellings DynamoDB accepts', () => {
    for (const text of ['0', '-1', '+1', '.5', '5.', '1E+3', '1e-130', '9.9999999999999999999999999999999999999E+125', '000123']) {
      assert.equal(DynamoNumber.invalidReason(text), undefined, text);
      assert.equal(new DynamoNumber(text).text, text);
    }
  });

  it('rejects malformed and out-of-range numbers with DDB_BAD_NUMBER', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /no digits/],
      ['.', /no digits/],
      ['abc', /not a decimal number/],
      ['1,5', /not a decimal number/],
      [' 1', /not a decimal number/],
      ['NaN', /not a decimal number/],
      ['Infinity', /not a decimal number/],
      ['0x10', /not a decimal number/],
      ['1e126', /outside DynamoDB's number range/],
      ['1e-131', /outside DynamoDB's number range/],
      ['123456789012345678901234567890123456789', /39 significant digits/],
    ];
    for (const [text, reason] of cases) {
      assert.match(String(DynamoNumber.invalidReason(text)), reason, text);
      assert.throws(() => new DynamoNumber(text), { code: 'DDB_BAD_NUMBER' });
    }
  });
});
