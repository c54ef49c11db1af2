import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { duckDbTypeOf, quoteIdent } from '../../catalog/column-types.ts';
import { tempDir } from '../../../test/support/paths.ts';
import { avroToColumns } from './avro-columns.ts';
import { avroRecordToRow, blobFromRowSql } from './avro-record-to-row.ts';
import { decodeAvroContainer } from './avro-reader.ts';
import { parseAvroSchema } from './avro-schema.ts';
import { encodeAvroContainer } from './avro-writer.ts';

const logical = (type: string, logicalType: string, extra: object = {}): object => ({ type, logicalType, ...extra });

const schema = parseAvroSchema({
  type: 'record',
  name: 'Row',
  fields: [
    { name: 'big', type: 'long' },
    { name: 'small', type: 'long' },
    { name: 'nan', type: 'double' },
    { name: 'payload', type: 'bytes' },
    { name: 'hash', type: { type: 'fixed', name: 'Hash', size: 2 } },
    { name: 'day', type: logical('int', 'date') },
    { name: 'tmil', type: logical('int', 'time-millis') },
    { name: 'tmic', type: logical('long', 'time-micros') },
    { name: 'tsms', type: logical('long', 'timestamp-millis') },
    { name: 'tsus', type: logical('long', 'timestamp-micros') },
    { name: 'tsns', type: logical('long', 'timestamp-nanos') },
    { name: 'ltus', type: logical('long', 'local-timestamp-micros') },
    { name: 'price', type: logical('bytes', 'decimal', { precision: 9, scale: 2 }) },
    { name: 'id', type: logical('string', 'uuid') },
    { name: 'wait', type: { type: 'fixed', name: 'Dur', size: 12, logicalType: 'duration' } },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'attrs', type: { type: 'map', values: 'long' } },
    { name: 'inner', type: { type: 'record', name: 'Inner', fields: [{ name: 'at', type: ['null', logical('long', 'timestamp-millis')] }] } },
    { name: 'maybe', type: ['null', 'string'] },
    { name: 'either', type: ['null', 'int', 'string'] },
    { name: 'wrapped', type: ['int', 'long'] },
  ],
});

const duration = Buffer.alloc(12);
duration.writeUInt32LE(1, 0);
duration.writeUInt32LE(2, 4);
duration.writeUInt32LE(3, 8);

const record = {
  big: 2n ** 62n + 1n,
  small: -5,
  nan: Number.NaN,
  payload: Buffer.from([0, 255, 1]),
  hash: Buffer.from([0xab, 0xcd]),
  day: 19844, // 2024-05-01
  tmil: 45296123, // 12:34:56.123
  tmic: 45296123456, // 12:34:56.123456
  tsms: 1714566896123,
  tsus: -1, // one microsecond before the epoch
  tsns: 1714566896123456789n,
  ltus: 1714566896123456,
  price: Buffer.from([0xff, 0xff, 0xcf, 0xc7]), // -12345 unscaled -> -123.45
  id: '123e4567-e89b-12d3-a456-426614174000',
  wait: duration,
  tags: ['a', 'b'],
  attrs: { x: 1, y: 2n ** 60n },
  inner: { at: 0 },
  maybe: null,
  either: 'text',
  wrapped: { long: 2n ** 55n },
};

const expectedRow = {
  big: '4611686018427387905',
  small: -5,
  nan: 'NaN',
  payload: 'AP8B',
  hash: 'q80=',
  day: '2024-05-01',
  tmil: '12:34:56.123',
  tmic: '12:34:56.123456',
  tsms: '2024-05-01T12:34:56.123Z',
  tsus: '1969-12-31T23:59:59.999999Z',
  tsns: '2024-05-01T12:34:56.123456789',
  ltus: '2024-05-01T12:34:56.123456',
  price: '-123.45',
  id: '123e4567-e89b-12d3-a456-426614174000',
  wait: '1 months 2 days 3 milliseconds',
  tags: ['a', 'b'],
  attrs: { x: 1, y: '1152921504606846976' },
  inner: { at: '1970-01-01T00:00:00.000Z' },
  maybe: null,
  either: 'text',
  wrapped: '36028797018963968',
};

describe('avroRecordToRow', () => {
  it('converts every type to the JSON value its column type parses', () => {
    const decoded = decodeAvroContainer(encodeAvroContainer(schema, [record], { codec: 'null' })).records[0];
    const row = avroRecordToRow(schema, decoded);
    assert.deepEqual(row, expectedRow);
    assert.deepEqual(JSON.parse(JSON.stringify(row)), expectedRow);
  });

  it('names the field whose value does not fit', () => {
    assert.throws(() => avroRecordToRow(schema, { ...record, inner: { at: 'soon' } }), {
      code: 'AVRO_INVALID_RECORD',
      message: /field "inner\.at" to a row: expected long, got "soon"/,
    });
    assert.throws(() => avroRecordToRow(schema, { ...record, tags: ['a', 3] }), { code: 'AVRO_INVALID_RECORD', message: /field "tags\[1\]"/ });
  });

  it("produces rows DuckDB's read_json loads into the mapped column types", async () => {
    const { dir, cleanup } = await tempDir();
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const file = join(dir, 'rows.jsonl');
      await writeFile(file, `${JSON.stringify(avroRecordToRow(schema, record))}\n`);
      const columns = avroToColumns(schema);
      // bytes travel as base64 text: read them as VARCHAR and decode in the select list
      const declared = columns.map((c) => `${quoteIdent(c.name)}: '${c.type.kind === 'blob' ? 'VARCHAR' : duckDbTypeOf(c.type)}'`).join(', ');
      const select = columns.map((c) => (c.type.kind === 'blob' ? `${blobFromRowSql(quoteIdent(c.name))}::VARCHAR` : `${quoteIdent(c.name)}::VARCHAR`));
      const reader = await connection.runAndReadAll(
        `SET TimeZone = 'UTC'; SELECT ${select.join(', ')} FROM read_json('${file}', format = 'newline_delimited', columns = {${declared}})`,
      );
      const [values] = reader.getRows();
      assert.deepEqual(values, [
        '4611686018427387905',
        '-5',
        'nan',
        '\\x00\\xFF\\x01',
        '\\xAB\\xCD',
        '2024-05-01',
        '12:34:56.123',
        '12:34:56.123456',
        '2024-05-01 12:34:56.123+00',
        '1969-12-31 23:59:59.999999+00',
        '2024-05-01 12:34:56.123456789',
        '2024-05-01 12:34:56.123456',
        '-123.45',
        '123e4567-e89b-12d3-a456-426614174000',
        '1 month 2 days 00:00:00.003',
        '[a, b]',
        '{x=1, y=1152921504606846976}',
        "{'at': '1970-01-01 00:00:00+00'}",
        null,
        '"text"',
        // a json column keeps the long's digits as a JSON string
        '"36028797018963968"',
      ]);
    } finally {
      connection.closeSync();
      instance.closeSync();
      await cleanup();
    }
  });
});
