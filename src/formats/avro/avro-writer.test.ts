import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import avsc from 'avsc';
import { ValidationError } from '../../errors.ts';
import { AVRO_WRITE_CODECS } from './avro-codecs.ts';
import { readAvroHeader } from './avro-header.ts';
import { decodeAvroContainer, readAvroBlocks } from './avro-reader.ts';
import { parseAvroSchema } from './avro-schema.ts';
import { everything, everythingRecord, toPlain } from './avro-test-records.ts';
import { encodeAvroContainer } from './avro-writer.ts';

const SYNC = Buffer.alloc(16, 7);

describe('encodeAvroContainer', () => {
  for (const codec of AVRO_WRITE_CODECS) {
    it(`round-trips every Avro type with codec ${codec}`, () => {
      const records = Array.from({ length: 300 }, (_, i) => everythingRecord(i));
      const file = encodeAvroContainer(everything, records, { codec, blockSize: 4096 });
      const { header, records: back, writerSchema } = decodeAvroContainer(file);
      assert.equal(header.codec, codec);
      assert.equal(writerSchema.fingerprint, everything.fingerprint);
      assert.deepEqual(toPlain(back), records);
    });
  }

  it('splits large batches into blocks of about blockSize bytes and keeps bigints beyond 2^53', () => {
    const records = Array.from({ length: 8_000 }, (_, i) => ({ id: 2n ** 53n + BigInt(i), name: `n${i}` }));
    const schema = parseAvroSchema({ type: 'record', name: 'Big', fields: [{ name: 'id', type: 'long' }, { name: 'name', type: 'string' }] });
    for (const codec of ['null', 'deflate'] as const) {
      const file = encodeAvroContainer(schema, records, { codec, blockSize: 8 * 1024 });
      const blocks = [...readAvroBlocks(file)];
      assert.ok(blocks.length > 10, `expected many blocks, got ${blocks.length}`);
      assert.deepEqual(blocks.map((b) => b.index), blocks.map((_, i) => i));
      assert.equal(blocks.reduce((n, b) => n + b.records.length, 0), records.length);
      const back = decodeAvroContainer(file).records as { id: bigint }[];
      assert.equal(back[7_999]?.id, 2n ** 53n + 7_999n);
      assert.deepEqual(toPlain(back), records);
    }
  });

  it('writes a record larger than the block size in a block of its own', () => {
    const schema = parseAvroSchema('"string"');
    const big = 'x'.repeat(200_000);
    const file = encodeAvroContainer(schema, ['a', big, 'b'], { codec: 'null', blockSize: 1024 });
    assert.deepEqual(decodeAvroContainer(file).records, ['a', big, 'b']);
  });

  it('writes the header: schema text, codec, metadata and the sync marker', () => {
    const file = encodeAvroContainer(everything, [], { codec: 'deflate', metadata: { 'lakestack.batch': 'b-1', raw: Buffer.from([0, 1]) }, syncMarker: SYNC });
    const header = readAvroHeader(file);
    assert.ok(header !== null);
    assert.equal(header.schemaText, everything.text);
    assert.equal(header.codec, 'deflate');
    assert.equal(header.metadata['lakestack.batch']?.toString(), 'b-1');
    assert.deepEqual(header.metadata.raw, Buffer.from([0, 1]));
    assert.deepEqual(header.sync, SYNC);
    // no records: the file is the header alone
    assert.equal(file.length, header.dataOffset);
    assert.deepEqual(decodeAvroContainer(file).records, []);
  });

  it('is deterministic for a fixed sync marker', () => {
    const records = Array.from({ length: 50 }, (_, i) => everythingRecord(i));
    const a = encodeAvroContainer(everything, records, { codec: 'deflate', syncMarker: SYNC });
    const b = encodeAvroContainer(everything, records, { codec: 'deflate', syncMarker: SYNC });
    assert.deepEqual(a, b);
  });

  it('names the record, field, expectation and value of a record that does not match', () => {
    const records = [everythingRecord(1), { ...everythingRecord(2), r: { x: 'seven' } }];
    assert.throws(
      () => encodeAvroContainer(everything, records, { codec: 'null' }),
      (err: unknown) => {
        assert.ok(err instanceof ValidationError);
        assert.equal(err.code, 'AVRO_INVALID_RECORD');
        assert.equal(err.fields.index, 1);
        assert.equal(err.fields.path, 'r.x');
        assert.match(err.message, /record 1 does not match Avro schema "lakestack\.test\.Everything": field "r\.x" expects int, got "seven"/);
        return true;
      },
    );
  });

  it('leaves out invalid records and reports them when onInvalidRecord is given', () => {
    const records = [everythingRecord(1), { ...everythingRecord(2), l: 1.5 }, everythingRecord(3), { nope: true }];
    const rejected: [number, string][] = [];
    const file = encodeAvroContainer(everything, records, {
      codec: 'deflate',
      onInvalidRecord: (error, _record, index) => rejected.push([index, error.code]),
    });
    assert.deepEqual(rejected, [
      [1, 'AVRO_INVALID_RECORD'],
      [3, 'AVRO_INVALID_RECORD'],
    ]);
    assert.deepEqual(toPlain(decodeAvroContainer(file).records), [everythingRecord(1), everythingRecord(3)]);
  });

  it('rejects options the format does not allow', () => {
    const bad: [object, RegExp][] = [
      [{ codec: 'zstandard' }, /codec "zstandard" cannot be written/],
      [{ codec: 'null', blockSize: 0 }, /blockSize must be a positive integer/],
      [{ codec: 'null', syncMarker: Buffer.alloc(8) }, /sync marker must be 16 bytes/],
      [{ codec: 'null', metadata: { 'avro.codec': 'x' } }, /"avro\.codec" is reserved/],
    ];
    for (const [options, message] of bad) {
      assert.throws(() => encodeAvroContainer(everything, [], options as never), (err: ValidationError) => {
        assert.equal(err.code, 'AVRO_INVALID_OPTION');
        assert.match(err.message, message);
        return true;
      });
    }
  });

  it("writes files avsc's BlockDecoder reads, and reads files its BlockEncoder writes", async () => {
    const schema = parseAvroSchema({ type: 'record', name: 'P', fields: [{ name: 'id', type: 'long' }, { name: 'tags', type: { type: 'array', items: 'string' } }] });
    const records = Array.from({ length: 500 }, (_, i) => ({ id: i * 1000, tags: [`t${i}`] }));
    const ours = encodeAvroContainer(schema, records, { codec: 'deflate', blockSize: 2048 });
    const decoded: unknown[] = [];
    await new Promise<void>((resolve, reject) => {
      Readable.from([ours])
        .pipe(new avsc.streams.BlockDecoder())
        .on('data', (r: unknown) => decoded.push(r))
        .on('error', reject)
        .on('end', resolve);
    });
    assert.deepEqual(toPlain(decoded), records);

    const chunks: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      const encoder = new avsc.streams.BlockEncoder(schema.json as avsc.schema.AvroSchema, { codec: 'deflate', blockSize: 2048 });
      encoder.on('data', (c: Buffer) => chunks.push(c)).on('error', reject).on('end', resolve);
      for (const r of records) encoder.write(r);
      encoder.end();
    });
    assert.deepEqual(toPlain(decodeAvroContainer(Buffer.concat(chunks)).records), records);
  });
});
