import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../errors.ts';
import { unmarshallAttributeValue } from './attribute-value.ts';
import { attributeAs, dataTypeOf } from './data-type.ts';

describe('dataTypeOf / attributeAs', () => {
  const cases: Array<[unknown, string]> = [
    [{ B: 'AAEqQQ==' }, 'Binary'],
    [{ BOOL: true }, 'Boolean'],
    [{ BS: ['AAEqQQ=='] }, 'BinarySet'],
    [{ L: [] }, 'List'],
    [{ M: {} }, 'Map'],
    [{ N: '1' }, 'Number'],
    [{ NS: ['1'] }, 'NumberSet'],
    [{ NULL: true }, 'Null'],
    [{ S: '' }, 'String'],
    [{ SS: [] }, 'StringSet'],
  ];

  it('names the data type of each unmarshalled value', () => {
    for (const [av, type] of cases) assert.equal(dataTypeOf(unmarshallAttributeValue(av)), type, JSON.stringify(av));
  });

  it('returns the value when the requested type matches', () => {
    assert.equal(attributeAs(unmarshallAttributeValue({ N: '123.45' }), 'Number').text, '123.45');
    assert.equal(attributeAs(unmarshallAttributeValue({ S: 'x' }), 'String'), 'x');
  });

  it('raises DDB_INCOMPATIBLE_TYPE with requested and actual, like IncompatibleDynamoDBTypeError', () => {
    assert.throws(() => attributeAs(unmarshallAttributeValue({ SS: ['a'] }), 'List', 'NewImage.tags'), (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      assert.equal(err.code, 'DDB_INCOMPATIBLE_TYPE');
      assert.deepEqual(err.fields, { requested: 'List', actual: 'StringSet', path: 'NewImage.tags' });
      assert.match(err.message, /NewImage\.tags is a StringSet, not a List/);
      return true;
    });
  });
});
