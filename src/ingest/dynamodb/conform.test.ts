import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../errors.ts';
import { parseAvroSchema } from '../../formats/avro/index.ts';
import { unmarshallItem } from './attribute-value.ts';
import type { DynamoItem } from './attribute-value.ts';
import { decodeAvroDecimal } from './avro-decimal.ts';
import { conformToAvro, createAvroConformer } from './conform.ts';
import { DynamoNumber } from './dynamo-number.ts';
import { DynamoSet } from './dynamo-set.ts';

const n = (text: string): DynamoNumber => new DynamoNumber(text);

function field(type: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'record', name: 'R', namespace: 'com.example.test', fields: [{ name: 'v', type, ...extra }] };
}

/** Conforms `{ v: value }` against a one-field schema and returns the field's value. */
function one(type: unknown, value: unknown): unknown {
  return conformToAvro(value === undefined ? {} : { v: value }, field(type)).record.v;
}

function mismatch(type: unknown, value: unknown, problem: string, message: RegExp, path = 'v'): void {
  assert.throws(() => one(type, value), (err: unknown) => {
    assert.ok(err instanceof ValidationError, String(err));
    assert.equal(err.code, 'DDB_SCHEMA_MISMATCH');
    assert.equal(err.fields.problem, problem);
    assert.equal(err.fields.path, path);
    assert.match(err.message, message);
    return true;
  });
}

const decimal = { type: 'bytes', logicalType: 'decimal', precision: 12, scale: 2 };
const tsMillis = { type: 'long', logicalType: 'timestamp-millis' };
const tsMicros = { type: 'long', logicalType: 'timestamp-micros' };

describe('conformToAvro: numbers', () => {
  it('int takes integral numbers in 32-bit range', () => {
    assert.equal(one('int', n('-2147483648')), -2147483648);
    assert.equal(one('int', n('1.0E3')), 1000);
    assert.equal(one('int', 7), 7);
    mismatch('int', n('2147483648'), 'range', /field v found "2147483648": int holds -2147483648 to 2147483647/);
    mismatch('int', n('1.5'), 'integral', /int needs an integer/);
    mismatch('int', '5', 'type', /int needs a number/);
  });

  it('long is a number when safe and a bigint beyond 2^53', () => {
    assert.equal(one('long', n('9007199254740991')), 9007199254740991);
    assert.equal(one('long', n('9007199254740993')), 9007199254740993n);
    assert.equal(one('long', n('-9223372036854775808')), -9223372036854775808n);
    mismatch('long', n('9223372036854775808'), 'range', /long holds/);
    mismatch('long', n('12345678901234567890.123'), 'integral', /long needs an integer/);
  });

  it('float and double take any number; float checks its range', () => {
    assert.equal(one('double', n('123.45')), 123.45);
    assert.equal(one('double', n('12345678901234567890.123')), 12345678901234567000);
    assert.equal(one('float', n('-1.5')), -1.5);
    mismatch('float', n('1e39'), 'range', /float cannot hold this value/);
    mismatch('double', true, 'type', /double needs a number/);
  });

  it('decimal encodes the exact unscaled value as two\'s complement bytes', () => {
    const bytes = one(decimal, n('9999999999.99')) as Buffer;
    assert.equal(decodeAvroDecimal(bytes), 999999999999n);
    assert.equal(decodeAvroDecimal(one(decimal, n('-0.5')) as Buffer), -50n);
    assert.equal(decodeAvroDecimal(one(decimal, '19.9') as Buffer), 1990n, 'numeric strings are accepted');
    assert.equal(decodeAvroDecimal(one(decimal, 3) as Buffer), 300n);
    mismatch(decimal, n('19.999'), 'precision', /decimal\(12,2\) keeps 2 fractional digits, the value has 3/);
    mismatch(decimal, n('12345678901.5'), 'range', /decimal\(12,2\) holds at most 10 integer digits/);
    mismatch(decimal, 'twelve', 'format', /the string is not a decimal number/);
    mismatch(decimal, true, 'type', /decimal\(12,2\) needs a number/);
  });

  it('decimal on fixed sign-extends to the fixed size', () => {
    const schema = { type: 'fixed', name: 'Money', size: 8, logicalType: 'decimal', precision: 18, scale: 4 };
    const bytes = one(schema, n('-1.2345')) as Buffer;
    assert.equal(bytes.length, 8);
    assert.equal(decodeAvroDecimal(bytes), -12345n);
  });

  it('ignores invalid decimal parameters, as the Avro spec says', () => {
    const invalid = { type: 'bytes', logicalType: 'decimal', precision: 2, scale: 3 };
    assert.deepEqual(one(invalid, Buffer.from([1])), Buffer.from([1]));
  });
});

describe('conformToAvro: strings, enums, bytes, booleans', () => {
  it('string takes strings, and numbers as their exact text', () => {
    assert.equal(one('string', 'x'), 'x');
    assert.equal(one('string', n('12345678901234567890.123')), '12345678901234567890.123');
    mismatch('string', Buffer.from('x'), 'type', /string needs a string/);
  });

  it('enum takes one of its symbols', () => {
    const status = { type: 'enum', name: 'Status', symbols: ['OPEN', 'WON'] };
    assert.equal(one(status, 'WON'), 'WON');
    mismatch(status, 'won', 'format', /enum com\.example\.test\.Status allows OPEN, WON/);
  });

  it('bytes and fixed take binary, fixed of the right size', () => {
    assert.deepEqual(one('bytes', Buffer.from([1, 2])), Buffer.from([1, 2]));
    mismatch({ type: 'fixed', name: 'Id', size: 4 }, Buffer.from([1]), 'format', /fixed\(4\) needs exactly 4 bytes, not 1/);
    mismatch('bytes', 'AQI=', 'type', /bytes needs binary/);
  });

  it('boolean takes BOOL only', () => {
    assert.equal(one('boolean', false), false);
    mismatch('boolean', 'true', 'type', /boolean needs BOOL/);
  });
});

describe('conformToAvro: timestamps and dates', () => {
  it('timestamp-millis from ISO-8601 (with offset) or epoch millis', () => {
    assert.equal(one(tsMillis, '2024-05-01T12:30:00.123Z'), 1714566600123);
    assert.equal(one(tsMillis, '2024-05-01T14:30:00.123456+02:00'), 1714566600123);
    assert.equal(one(tsMillis, '2024-05-01'), 1714521600000);
    assert.equal(one(tsMillis, n('1714566600123')), 1714566600123);
    assert.equal(one(tsMillis, new Date(5)), 5);
    mismatch(tsMillis, '2024-05-01T12:30:00', 'format', /has no UTC offset/);
    mismatch(tsMillis, '2024-02-30T00:00:00Z', 'format', /day 30 does not exist in 2024-02/);
    mismatch(tsMillis, 'yesterday', 'format', /is not an ISO-8601 timestamp/);
    mismatch(tsMillis, n('1714566600123.5'), 'integral', /whole epoch milliseconds/);
    mismatch(tsMillis, true, 'type', /ISO-8601 string or epoch milliseconds/);
  });

  it('timestamp-micros keeps microseconds from ISO text and fractional epoch millis', () => {
    assert.equal(one(tsMicros, '2024-05-01T12:30:00.123456789Z'), 1714566600123456);
    assert.equal(one(tsMicros, n('1714566600123.456')), 1714566600123456);
    mismatch(tsMicros, n('1.0001'), 'precision', /whole epoch microseconds/);
  });

  it('date from YYYY-MM-DD', () => {
    const date = { type: 'int', logicalType: 'date' };
    assert.equal(one(date, '1970-01-02'), 1);
    assert.equal(one(date, '2024-05-01'), 19844);
    assert.equal(one(date, '1969-12-31'), -1);
    mismatch(date, '2024-13-01', 'format', /month 13 is not 1-12/);
    mismatch(date, n('19844'), 'type', /date needs a YYYY-MM-DD string/);
  });
});

describe('conformToAvro: records, arrays, maps, unions', () => {
  const address = { type: 'record', name: 'Address', fields: [{ name: 'city', type: 'string' }, { name: 'zip', type: ['null', 'string'], default: null }] };
  const order = {
    type: 'record',
    name: 'Order',
    namespace: 'com.example.test',
    fields: [
      { name: 'id', type: 'string' },
      { name: 'ship_to', type: ['null', address], default: null },
      { name: 'bill_to', type: ['null', 'Address'], default: null },
      { name: 'lines', type: { type: 'array', items: { type: 'record', name: 'Line', fields: [{ name: 'sku', type: 'string' }, { name: 'price', type: decimal }] } } },
      { name: 'tags', type: { type: 'array', items: 'string' }, default: [] },
      { name: 'scores', type: { type: 'array', items: 'long' }, default: [] },
      { name: 'attrs', type: { type: 'map', values: 'string' }, default: {} },
      { name: 'channel', type: 'string', default: 'web' },
      { name: 'legacy_name', type: ['null', 'string'], aliases: ['legacyName'], default: null },
    ],
  };

  it('conforms nested maps, lists and sets; fills defaults and nulls; counts dropped attributes', () => {
    const item = unmarshallItem({
      id: { S: 'o-1' },
      ship_to: { M: { city: { S: 'Lyon' }, geo: { S: '45.7,4.8' } } },
      lines: { L: [{ M: { sku: { S: 'A' }, price: { N: '9.99' } } }, { M: { sku: { S: 'B' }, price: { N: '10' }, note: { S: 'gift' } } }] },
      tags: { SS: ['red', 'big'] },
      scores: { NS: ['1', '9007199254740993'] },
      attrs: { M: { source: { S: 'app' }, version: { N: '3' } } },
      legacyName: { S: 'old' },
      internal_note: { S: 'drop me' },
    });
    const { record, droppedFields } = conformToAvro(item, order);
    assert.equal(record.id, 'o-1');
    assert.deepEqual(record.ship_to, { city: 'Lyon', zip: null });
    assert.equal(record.bill_to, null);
    const lines = record.lines as Array<{ sku: string; price: Buffer }>;
    assert.deepEqual(lines.map((l) => [l.sku, decodeAvroDecimal(l.price)]), [['A', 999n], ['B', 1000n]]);
    assert.deepEqual(record.tags, ['red', 'big']);
    assert.deepEqual(record.scores, [1, 9007199254740993n]);
    assert.deepEqual(record.attrs, { source: 'app', version: '3' });
    assert.equal(record.channel, 'web');
    assert.equal(record.legacy_name, 'old', 'read through the alias');
    assert.deepEqual(droppedFields, ['ship_to.geo', 'lines[1].note', 'internal_note']);

    // and the Avro layer encodes it and reads it back
    const { type } = parseAvroSchema(order);
    const encoded = type.toBuffer(record);
    const back = type.fromBuffer(encoded) as { ship_to: { city: string }; lines: Array<{ price: Buffer }>; scores: unknown; legacy_name: string };
    assert.deepEqual(type.toBuffer(back), encoded);
    assert.equal(back.ship_to.city, 'Lyon');
    assert.equal(decodeAvroDecimal(back.lines[1]?.price ?? Buffer.alloc(0)), 1000n);
    assert.deepEqual(back.scores, [1, 9007199254740993n]);
    assert.equal(back.legacy_name, 'old');
  });

  it('names the missing required field and the nested path of a bad value', () => {
    const item: DynamoItem = { lines: [] };
    assert.throws(() => conformToAvro(item, order), (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      assert.equal(err.fields.problem, 'missing');
      assert.equal(err.fields.path, 'id');
      assert.match(err.message, /item does not fit Avro schema com\.example\.test\.Order: field id is missing: required string field/);
      return true;
    });
    const bad = { id: 'x', lines: [{ sku: 'A', price: n('1') }, { sku: 'B', price: n('1.234') }] };
    assert.throws(() => conformToAvro(bad, order), { fields: { path: 'lines[1].price', problem: 'precision', detail: 'decimal(12,2) keeps 2 fractional digits, the value has 3', found: '"1.234"', schema: 'com.example.test.Order' } });
  });

  it('rejects NULL for a field that is not nullable, with a hint', () => {
    mismatch('string', null, 'type', /found null: string needs a string \(or a number\) \(the attribute is NULL; make the field a union with "null"\)/);
  });

  it('rejects the wrong container kinds', () => {
    mismatch({ type: 'array', items: 'string' }, 'a', 'type', /array needs a list/);
    mismatch({ type: 'map', values: 'string' }, ['a'], 'type', /map needs a map/);
    mismatch(address, new DynamoSet('SS', ['a']), 'type', /record com\.example\.test\.Address needs a map/);
    mismatch({ type: 'array', items: 'int' }, [n('1'), n('2.5')], 'integral', /int needs an integer/, 'v[1]');
  });

  it('picks the union branch of the value\'s own kind first, then coerces', () => {
    assert.equal(one(['null', 'string', 'double'], n('1.5')), 1.5);
    assert.equal(one(['null', 'double', 'string'], 'x'), 'x');
    assert.equal(one(['null', 'boolean', 'string'], n('7')), '7');
    mismatch(['null', 'boolean', 'bytes'], 'x', 'type', /matches no branch of union \[null, boolean, bytes\]/);
  });

  it('wraps ambiguous unions as the Avro layer does, and the wrapped record encodes', () => {
    const schema = field(['null', 'int', 'long'], { default: null });
    const conform = createAvroConformer(schema);
    assert.deepEqual(conform({ v: n('5') }).record, { v: { int: 5 } });
    assert.deepEqual(conform({ v: n('5000000000') }).record, { v: { long: 5000000000 } });
    assert.deepEqual(conform({}).record, { v: null });
    const { type } = parseAvroSchema(schema);
    const back = type.fromBuffer(type.toBuffer(conform({ v: n('9007199254740993') }).record)) as { v: { long: unknown } };
    assert.equal(back.v.long, 9007199254740993n);
    assert.equal((type.fromBuffer(type.toBuffer(conform({ v: n('5') }).record)) as { v: { int: unknown } }).v.int, 5);
    const recordUnion = createAvroConformer(field(['null', { type: 'record', name: 'A', fields: [] }, { type: 'map', values: 'int' }]));
    assert.deepEqual(recordUnion({ v: {} }).record, { v: { 'com.example.test.A': {} } });
  });

  it('leaves unambiguous unions bare, bigints included, unless told to wrap', () => {
    const schema = field(['null', 'string', 'long']);
    assert.deepEqual(conformToAvro({ v: n('9007199254740993') }, schema).record, { v: 9007199254740993n });
    const { type } = parseAvroSchema(schema);
    assert.equal((type.fromBuffer(type.toBuffer({ v: 9007199254740993n })) as { v: unknown }).v, 9007199254740993n);
    assert.deepEqual(conformToAvro({ v: 'x' }, schema, { wrapUnions: 'always' }).record, { v: { string: 'x' } });
    assert.deepEqual(conformToAvro({ v: 'x' }, schema, { wrapUnions: false }).record, { v: 'x' });
  });

  it('accepts an avsc Type or schema text, and recursive named types', () => {
    const node = { type: 'record', name: 'Node', fields: [{ name: 'label', type: 'string' }, { name: 'next', type: ['null', 'Node'], default: null }] };
    const chain = { label: 'a', next: { label: 'b', next: { label: 'c' } } };
    const expected = { label: 'a', next: { label: 'b', next: { label: 'c', next: null } } };
    assert.deepEqual(conformToAvro(chain, JSON.stringify(node)).record, expected);
    assert.deepEqual(conformToAvro(chain, parseAvroSchema(node).type).record, expected);
  });

  it('rejects schemas it cannot read', () => {
    assert.throws(() => createAvroConformer('string'), { code: 'AVRO_BAD_SCHEMA', message: /root is string, not a record/ });
    assert.throws(() => createAvroConformer(field('Nope')), { code: 'AVRO_BAD_SCHEMA', message: /unknown type "Nope"/ });
    assert.throws(() => createAvroConformer(field('int', { default: 'x' })), { code: 'AVRO_BAD_SCHEMA', message: /default of com\.example\.test\.R\.v does not fit int/ });
  });

  it('caches the compiled conformer per schema object', () => {
    const schema = field('string');
    const first = conformToAvro({ v: 'a' }, schema);
    assert.deepEqual(conformToAvro({ v: 'b' }, schema).record, { v: 'b' });
    assert.deepEqual(first.record, { v: 'a' });
  });
});
