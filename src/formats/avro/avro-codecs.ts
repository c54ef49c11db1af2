import { createRequire } from 'node:module';
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';

/** The structural slice of snappyjs (pure-JS snappy, no type declarations) this layer uses. */
interface SnappyLike {
  compress(input: Buffer): Buffer;
  uncompress(input: Buffer, maxLength?: number): Buffer;
}
const snappy = createRequire(import.meta.url)('snappyjs') as SnappyLike;

/** Codecs the reader understands (the spec's `avro.codec` values). */
export const AVRO_READ_CODECS = ['null', 'deflate', 'snappy', 'zstandard'] as const;
export type AvroCodecName = (typeof AVRO_READ_CODECS)[number];

/** Codecs the writer can produce (zstandard has no pure-JS compressor installed). */
export const AVRO_WRITE_CODECS = ['null', 'deflate', 'snappy'] as const;
export type AvroWriteCodec = (typeof AVRO_WRITE_CODECS)[number];

/** Upper bound of one decompressed block; guards against decompression bombs. */
export const MAX_BLOCK_BYTES = 512 * 1024 * 1024;

interface AvroCodec {
  decompress(data: Buffer): Buffer;
}

const CODECS: Record<AvroCodecName, AvroCodec> = {
  null: { decompress: (data) => data },
  // the spec's deflate is raw RFC 1951 data: no zlib header, no checksum
  deflate: { decompress: (data) => inflateRawSync(data, { maxOutputLength: MAX_BLOCK_BYTES }) },
  // snappy blocks carry the big-endian CRC32 of the uncompressed data after the compressed bytes
  snappy: {
    decompress: (data) => {
      if (data.length < 4) throw new Error(`snappy block of ${data.length} bytes is too short to hold its CRC32`);
      const out = snappy.uncompress(data.subarray(0, data.length - 4), MAX_BLOCK_BYTES);
      const expected = data.readUInt32BE(data.length - 4);
      const actual = crc32(out);
      if (actual !== expected) {
        throw new Error(`snappy block CRC32 mismatch (stored ${hex(expected)}, computed ${hex(actual)})`);
      }
      return out;
    },
  },
  zstandard: {
    decompress: (data) => {
      const out = zstdDecompress(data);
      return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
    },
  },
};

/** True when the reader can decompress blocks written with `codec`. */
export function isReadableCodec(codec: string): codec is AvroCodecName {
  return Object.hasOwn(CODECS, codec);
}

/** Decompresses one block's data. Throws the codec's own error on bad data. */
export function decompressBlock(codec: AvroCodecName, data: Buffer): Buffer {
  return CODECS[codec].decompress(data);
}

/** Compresses one block's data for `codec`. */
export function compressBlock(codec: AvroWriteCodec, data: Buffer, deflateLevel?: number): Buffer {
  switch (codec) {
    case 'null':
      return data;
    case 'deflate':
      return deflateRawSync(data, deflateLevel === undefined ? {} : { level: deflateLevel });
    case 'snappy': {
      const compressed = snappy.compress(data);
      const out = Buffer.allocUnsafe(compressed.length + 4);
      out.set(compressed, 0);
      out.writeUInt32BE(crc32(data), compressed.length);
      return out;
    }
  }
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
