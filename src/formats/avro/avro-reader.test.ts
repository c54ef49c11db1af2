import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deflateRawSync } from 'node:zlib';
import { ValidationError } from '../../errors.ts';
import { encodeAvroLong } from './avro-byte-cursor.ts';
import { encodeAvroHeader, readAvroHeader } from './avro-header.ts';
import { decodeAvroContainer, openAvroContainer, readAvroBlocks, readAvroRecords } from './avro-reader.ts';
import { parseAvroSchema } from './avro-schema.ts';
import { toPlain } from './avro-test-records.ts';
import { encodeAvroContainer } from './avro-writer.ts';

const SYNC = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
const nullableInt = parseAvroSchema('["null","int"]');

/** A container assembled by hand: header, then blocks of (count, raw data), each closed by `sync`. */
function handmade(codec: string, blocks: [number, Buffer][], sync = SYNC, schemaText = nullableInt.text): Buffer {
  const parts = [encodeAvroHeader(schemaText, codec, {}, SYNC)];
  for (const [count, data] of blocks) parts.push(encodeAvroLong(count), encodeAvroLong(data.length), data, sync);
  return Buffer.concat(parts);
}

/** Asserts `fn` throws AVRO_CORRUPT_FILE and returns the error for more checks. */
function corrupt(fn: () => unknown, reason: RegExp): ValidationError {
  let caught: unknown;
  assert.throws(fn, (err: unknown) => {
    caught = err;
    return true;
  });
  assert.ok(caught instanceof ValidationError, String(caught));
  assert.equal(caught.code, 'AVRO_CORRUPT_FILE');
  assert.match(caught.message, reason);
  return caught;
}

const twoBlocks = (): Buffer =>
  handmade('null', [
    [2, Buffer.from([0x00, 0x02, 0x54])], // null, 42
    [1, Buffer.from([0x02, 0x08])], // 4
  ]);

describe('decodeAvroContainer', () => {
  it('reads blocks in order and reports where each starts', () => {
    const file = twoBlocks();
    const header = readAvroHeader(file);
    assert.ok(header !== null);
    const blocks = [...readAvroBlocks(file)];
    assert.deepEqual(blocks.map((b) => [b.index, b.records]), [
      [0, [null, 42]],
      [1, [4]],
    ]);
    assert.equal(blocks[0]?.offset, header.dataOffset);
    // block 0: count (1 byte), size (1 byte), 3 data bytes, 16 sync bytes
    assert.equal(blocks[1]?.offset, header.dataOffset + 21);
    assert.deepEqual(decodeAvroContainer(file).records, [null, 42, 4]);
  });

  it('rejects bytes without the container magic, and readAvroHeader returns null for them', () => {
    const file = twoBlocks();
    file[3] = 0x02;
    assert.equal(readAvroHeader(file), null);
    assert.equal(readAvroHeader(Buffer.from('Ob')), null);
    const err = corrupt(() => decodeAvroContainer(file, { source: 'landing/x.avro' }), /do not start with the Avro container magic/);
    assert.equal(err.fields.offset, 0);
    assert.match(err.message, /"landing\/x\.avro"/);
  });

  it('names a broken header', () => {
    const file = twoBlocks().subarray(0, 20);
    corrupt(() => readAvroHeader(file), /in the header at byte offset \d+: truncated header metadata/);
  });

  it('names the block and offset of a truncated block', () => {
    const file = twoBlocks();
    const cut = file.subarray(0, file.length - 18);
    const err = corrupt(() => decodeAvroContainer(cut), /in block 1 at byte offset \d+: truncated block: it declares 2 bytes of data but only 0 remain/);
    assert.equal(err.fields.block, 1);
    assert.equal(err.fields.offset, cut.length);
  });

  it('names the block and offset of a wrong sync marker', () => {
    const file = handmade('null', [[1, Buffer.from([0x00])]], Buffer.alloc(16, 9));
    const header = readAvroHeader(file);
    const err = corrupt(() => decodeAvroContainer(file), /in block 0 at byte offset \d+: wrong sync marker \(expected 00112233/);
    assert.equal(err.fields.offset, (header?.dataOffset ?? 0) + 3);
  });

  it('refuses a codec it cannot read', () => {
    const file = handmade('lzma', [[1, Buffer.from([0x00])]]);
    corrupt(() => decodeAvroContainer(file), /uses codec "lzma", which cannot be read \(supported: null, deflate, snappy, zstandard\)/);
    assert.equal(readAvroHeader(file)?.codec, 'lzma');
  });

  it('yields the records before a bad union discriminant, then names the record', () => {
    const file = handmade('null', [[3, Buffer.from([0x00, 0x02, 0x54, 0x04])]]);
    const seen: unknown[] = [];
    const err = corrupt(() => {
      for (const r of readAvroRecords(file)) seen.push(r);
    }, /in block 0 at byte offset \d+: cannot decode record 2 of 3 \(invalid union index: 2\)/);
    assert.deepEqual(seen, [null, 42]);
    assert.equal(err.fields.record, 2);
    const header = readAvroHeader(file);
    assert.equal(err.fields.offset, (header?.dataOffset ?? 0) + 2 + 3);
  });

  it('reports a datum cut short inside its block, and bytes left over after the last record', () => {
    corrupt(() => decodeAvroContainer(handmade('null', [[2, Buffer.from([0x00, 0x02])]])), /record 1 of 2 is truncated/);
    corrupt(() => decodeAvroContainer(handmade('null', [[1, Buffer.from([0x00, 0x00])]])), /block holds 1 bytes after its 1 records/);
    corrupt(() => decodeAvroContainer(handmade('null', [[-1, Buffer.from([0x00])]])), /negative block record count -1/);
  });

  it('refuses record, array and map counts the remaining bytes cannot hold, instead of looping on them', () => {
    const ints = parseAvroSchema('{"type":"array","items":"int"}').text;
    const strings = parseAvroSchema('{"type":"map","values":"string"}').text;
    const int = parseAvroSchema('"int"').text;
    const cases: [Buffer, RegExp][] = [
      // 2^30 items announced, no bytes left
      [handmade('null', [[1, Buffer.from([0x80, 0x80, 0x80, 0x80, 0x08])]], SYNC, ints), /array block of 1073741824 items cannot fit in the 0 bytes left/],
      // 1000 items announced, 2 bytes of them present
      [handmade('null', [[1, Buffer.from([0xd0, 0x0f, 0x02, 0x04])]], SYNC, ints), /record 0 of 1 is truncated/],
      [handmade('null', [[1, Buffer.from([0x0a])]], SYNC, strings), /map block of 5 entries cannot fit in the 0 bytes left/],
      [handmade('null', [[1000, Buffer.from([0x02, 0x04, 0x06])]], SYNC, int), /block declares 1000 records, but its 3 bytes hold at most 3/],
    ];
    for (const [file, reason] of cases) corrupt(() => decodeAvroContainer(file), reason);
  });

  it('keeps a "__proto__" map key as data', () => {
    const schema = parseAvroSchema('{"type":"map","values":"int"}');
    const file = encodeAvroContainer(schema, [JSON.parse('{"__proto__": 1, "a": 2}')], { codec: 'null' });
    const [map] = decodeAvroContainer(file).records as Record<string, number>[];
    assert.equal(Object.getPrototypeOf(map), Object.prototype);
    assert.deepEqual(Object.entries(map ?? {}), [
      ['__proto__', 1],
      ['a', 2],
    ]);
  });

  it('verifies the CRC32 of snappy blocks', () => {
    const schema = parseAvroSchema('"string"');
    const file = encodeAvroContainer(schema, ['alpha', 'beta', 'gamma'], { codec: 'snappy', syncMarker: SYNC });
    assert.deepEqual(decodeAvroContainer(file).records, ['alpha', 'beta', 'gamma']);
    const damaged = Buffer.from(file);
    const crcByte = damaged.length - 17; // last byte of the CRC, just before the sync marker
    damaged.writeUInt8((damaged[crcByte] ?? 0) ^ 0xff, crcByte);
    corrupt(() => decodeAvroContainer(damaged), /in block 0 at byte offset \d+: cannot decompress snappy block data \(snappy block CRC32 mismatch/);
  });

  it('reports deflate data that does not inflate', () => {
    const good = deflateRawSync(Buffer.from([0x02, 0x54]));
    assert.deepEqual(decodeAvroContainer(handmade('deflate', [[1, good]])).records, [42]);
    corrupt(() => decodeAvroContainer(handmade('deflate', [[1, Buffer.from([0xff, 0xff, 0xff])]])), /cannot decompress deflate block data/);
  });

  it('resolves records into a reader schema', () => {
    const writer = parseAvroSchema({ type: 'record', name: 'Sale', fields: [{ name: 'id', type: 'int' }, { name: 'amount', type: 'float' }] });
    const reader = parseAvroSchema({
      type: 'record',
      name: 'Sale',
      fields: [
        { name: 'id', type: 'long' },
        { name: 'amount', type: 'double' },
        { name: 'currency', type: 'string', default: 'EUR' },
      ],
    });
    const file = encodeAvroContainer(writer, [{ id: 1, amount: 2.5 }], { codec: 'deflate' });
    const opened = openAvroContainer(file, { readerSchema: reader });
    assert.equal(opened.writerSchema.fingerprint, writer.fingerprint);
    assert.equal(opened.readerSchema, reader);
    assert.deepEqual(toPlain([...opened.records()]), [{ id: 1, amount: 2.5, currency: 'EUR' }]);
  });

  it('reads a nullable reader field without a default as null when the writer lacks it', () => {
    const writer = parseAvroSchema({ type: 'record', name: 'Sale', fields: [{ name: 'id', type: 'int' }] });
    const reader = parseAvroSchema({
      type: 'record',
      name: 'Sale',
      fields: [
        { name: 'id', type: 'int' },
        { name: 'note', type: ['string', 'null'] },
      ],
    });
    assert.throws(() => reader.type.createResolver(writer.type), 'plain Avro resolution refuses this');
    const file = encodeAvroContainer(writer, [{ id: 1 }, { id: 2 }], { codec: 'null' });
    assert.deepEqual(toPlain(decodeAvroContainer(file, { readerSchema: reader }).records), [
      { id: 1, note: null },
      { id: 2, note: null },
    ]);
  });

  it('says so when the reader schema cannot read the writer schema', () => {
    const writer = parseAvroSchema({ type: 'record', name: 'Sale', fields: [{ name: 'id', type: 'string' }] });
    const reader = parseAvroSchema({ type: 'record', name: 'Sale', fields: [{ name: 'id', type: 'int' }] });
    const file = encodeAvroContainer(writer, [{ id: 'a' }], { codec: 'null' });
    assert.throws(() => decodeAvroContainer(file, { readerSchema: reader, source: 's.avro' }), (err: ValidationError) => {
      assert.equal(err.code, 'AVRO_INCOMPATIBLE_SCHEMA');
      assert.match(err.message, /reader schema "Sale" cannot read "s\.avro" written with schema "Sale"/);
      return true;
    });
  });
});
