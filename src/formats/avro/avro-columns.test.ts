import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { duckDbTypeOf, formatColumnType } from '../../catalog/column-types.ts';
import { avroToColumns } from './avro-columns.ts';
import { parseAvroSchema } from './avro-schema.ts';

const logical = (type: string, logicalType: string, extra: object = {}): object => ({ type, logicalType, ...extra });

const schema = parseAvroSchema({
  type: 'record',
  name: 'Wide',
  fields: [
    { name: 'n', type: 'null' },
    { name: 'b', type: 'boolean', doc: 'a flag' },
    { name: 'i', type: 'int' },
    { name: 'l', type: 'long' },
    { name: 'f', type: 'float' },
    { name: 'd', type: 'double' },
    { name: 'by', type: 'bytes' },
    { name: 's', type: 'string' },
    { name: 'e', type: { type: 'enum', name: 'Color', symbols: ['RED'] } },
    { name: 'fx', type: { type: 'fixed', name: 'Hash', size: 4 } },
    { name: 'a', type: { type: 'array', items: ['null', 'long'] } },
    { name: 'm', type: { type: 'map', values: 'double' } },
    { name: 'r', type: { type: 'record', name: 'Inner', fields: [{ name: 'x', type: ['null', 'int'] }, { name: 'y', type: 'string' }] } },
    { name: 'opt', type: ['null', 'string'] },
    { name: 'opt_last', type: ['Inner', 'null'] },
    { name: 'single', type: ['double'] },
    { name: 'mixed', type: ['null', 'int', 'string'] },
    { name: 'date', type: logical('int', 'date') },
    { name: 'tmil', type: logical('int', 'time-millis') },
    { name: 'tmic', type: logical('long', 'time-micros') },
    { name: 'tsms', type: logical('long', 'timestamp-millis') },
    { name: 'tsus', type: logical('long', 'timestamp-micros') },
    { name: 'tsns', type: logical('long', 'timestamp-nanos') },
    { name: 'ltms', type: logical('long', 'local-timestamp-millis') },
    { name: 'ltus', type: logical('long', 'local-timestamp-micros') },
    { name: 'dec_bytes', type: logical('bytes', 'decimal', { precision: 12, scale: 3 }) },
    { name: 'dec_fixed', type: { type: 'fixed', name: 'D', size: 8, logicalType: 'decimal', precision: 18, scale: 0 } },
    { name: 'dec_wide', type: logical('bytes', 'decimal', { precision: 50, scale: 10 }) },
    { name: 'uuid', type: logical('string', 'uuid') },
    { name: 'dur', type: { type: 'fixed', name: 'Dur', size: 12, logicalType: 'duration' } },
    { name: 'not_a_date', type: logical('string', 'date') },
  ],
});

describe('avroToColumns', () => {
  it('maps every Avro type and logical type', () => {
    const columns = avroToColumns(schema);
    const shown = Object.fromEntries(columns.map((c) => [c.name, `${formatColumnType(c.type)}${c.nullable ? '?' : ''}`]));
    assert.deepEqual(shown, {
      n: 'json?',
      b: 'boolean',
      i: 'int32',
      l: 'int64',
      f: 'float32',
      d: 'float64',
      by: 'blob',
      s: 'varchar',
      e: 'varchar',
      fx: 'blob',
      a: 'list<int64>',
      m: 'map<varchar,float64>',
      r: 'struct<x:int32,y:varchar>',
      opt: 'varchar?',
      opt_last: 'struct<x:int32,y:varchar>?',
      single: 'float64',
      mixed: 'json?',
      date: 'date',
      tmil: 'time',
      tmic: 'time',
      tsms: 'timestamptz',
      tsus: 'timestamptz',
      tsns: 'timestamp_ns',
      ltms: 'timestamp',
      ltus: 'timestamp',
      dec_bytes: 'decimal(12,3)',
      dec_fixed: 'decimal(18,0)',
      dec_wide: 'varchar',
      uuid: 'uuid',
      dur: 'interval',
      not_a_date: 'varchar',
    });
    assert.equal(columns.find((c) => c.name === 'b')?.doc, 'a flag');
    const inner = columns.find((c) => c.name === 'r')?.type;
    assert.ok(inner?.kind === 'struct');
    assert.deepEqual(inner.fields.map((f) => [f.name, f.nullable]), [
      ['x', true],
      ['y', false],
    ]);
    assert.equal(duckDbTypeOf(inner), 'STRUCT("x" INTEGER, "y" VARCHAR)');
  });

  it('stores a recursive reference as json', () => {
    const tree = parseAvroSchema({
      type: 'record',
      name: 'Node',
      fields: [
        { name: 'label', type: 'string' },
        { name: 'children', type: { type: 'array', items: 'Node' } },
        { name: 'parent', type: ['null', 'Node'] },
      ],
    });
    assert.deepEqual(avroToColumns(tree), [
      { name: 'label', type: { kind: 'varchar' }, nullable: false },
      { name: 'children', type: { kind: 'list', element: { kind: 'json' } }, nullable: false },
      { name: 'parent', type: { kind: 'json' }, nullable: true },
    ]);
  });

  it('needs a record schema', () => {
    assert.throws(() => avroToColumns(parseAvroSchema('"string"', { source: 'x.avsc' })), {
      code: 'AVRO_INVALID_SCHEMA',
      message: /invalid Avro schema in "x\.avsc": a table needs a record schema, but this schema is a string/,
    });
  });
});
