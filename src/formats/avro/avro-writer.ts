import { randomBytes } from 'node:crypto';
import type avsc from 'avsc';
import { ValidationError, errorMessage } from '../../errors.ts';
import { pushAvroLong } from './avro-byte-cursor.ts';
import { AVRO_WRITE_CODECS, compressBlock } from './avro-codecs.ts';
import type { AvroWriteCodec } from './avro-codecs.ts';
import { AvroErrorCode } from './avro-errors.ts';
import { SYNC_SIZE, encodeAvroHeader } from './avro-header.ts';
import type { AvroSchema } from './avro-schema.ts';

/** Options of `encodeAvroContainer`. */
export interface EncodeAvroContainerOptions {
  /** Block compression: `null` (none), `deflate` (raw RFC 1951) or `snappy` (with CRC32). */
  codec: AvroWriteCodec;
  /** Target uncompressed bytes per block; a block closes after the record that reaches it. Default 64 KiB. */
  blockSize?: number;
  /** Extra header metadata. Keys starting with `avro.` are reserved by the spec and rejected. */
  metadata?: Record<string, string | Buffer>;
  /** The 16-byte sync marker; random by default. Fix it only for reproducible output. */
  syncMarker?: Buffer;
  /** zlib level 0–9 for `deflate`; zlib's default (6) when absent. */
  deflateLevel?: number;
  /**
   * Called for a record that does not match the schema; the record is left out and encoding
   * goes on (dead-letter it). Without it, the first such record throws.
   */
  onInvalidRecord?: (error: ValidationError, record: unknown, index: number) => void;
}

const DEFAULT_BLOCK_SIZE = 64 * 1024;

/**
 * Encodes records as one Avro Object Container File: magic, header (`avro.schema`,
 * `avro.codec`, `metadata`), sync marker, then blocks of about `blockSize` bytes.
 * Records are encoded straight into a growing buffer with avsc's compiled writers, without
 * the stream machinery of avsc's `BlockEncoder` (see `avro-writer.bench.ts`).
 * @throws ValidationError `AVRO_INVALID_RECORD` (record index, field path and value) unless
 *   `onInvalidRecord` is given; `AVRO_INVALID_OPTION` for a bad codec, block size, metadata
 *   key or sync marker.
 */
export function encodeAvroContainer(schema: AvroSchema, records: Iterable<unknown>, options: EncodeAvroContainerOptions): Buffer {
  const { codec, blockSize = DEFAULT_BLOCK_SIZE } = options;
  checkOptions(options, blockSize);
  const sync = options.syncMarker ?? randomBytes(SYNC_SIZE);
  const parts: Buffer[] = [encodeAvroHeader(schema.text, codec, metadataBuffers(options.metadata), sync)];
  const type = schema.type;
  const compressed = codec !== 'null';

  let buf = Buffer.allocUnsafe(blockSize + (blockSize >> 1));
  let blockStart = 0;
  let pos = 0;
  let count = 0;
  let index = -1;

  const flush = (): void => {
    const data = compressBlock(codec, buf.subarray(blockStart, pos), options.deflateLevel);
    const framing: number[] = [];
    pushAvroLong(framing, count);
    pushAvroLong(framing, data.length);
    parts.push(Buffer.from(framing), data, sync);
    count = 0;
    // compressed data is a copy, so the buffer can be reused; uncompressed blocks are views into it
    if (compressed) pos = 0;
    blockStart = pos;
  };

  for (const record of records) {
    index++;
    let next: number;
    try {
      next = type.encode(record, buf, pos);
      while (next < 0) {
        // the record did not fit: move the open block to a bigger buffer and write it again
        const needed = buf.length - next - blockStart;
        const grown = Buffer.allocUnsafe(Math.max(2 * needed, blockSize + (blockSize >> 1)));
        buf.copy(grown, 0, blockStart, pos);
        pos -= blockStart;
        blockStart = 0;
        buf = grown;
        next = type.encode(record, buf, pos);
      }
    } catch (err) {
      const error = invalidRecordError(schema, record, index, err);
      if (options.onInvalidRecord === undefined) throw error;
      options.onInvalidRecord(error, record, index);
      continue;
    }
    pos = next;
    count++;
    if (pos - blockStart >= blockSize) flush();
  }
  if (count > 0) flush();
  return Buffer.concat(parts);
}

function checkOptions(options: EncodeAvroContainerOptions, blockSize: number): void {
  const bad = (message: string): never => {
    throw new ValidationError(AvroErrorCode.invalidOption, message);
  };
  if (!(AVRO_WRITE_CODECS as readonly string[]).includes(options.codec)) {
    bad(`Avro codec "${String(options.codec)}" cannot be written; use one of ${AVRO_WRITE_CODECS.join(', ')}`);
  }
  if (!Number.isSafeInteger(blockSize) || blockSize < 1) bad(`Avro blockSize must be a positive integer, got ${blockSize}`);
  if (options.syncMarker !== undefined && options.syncMarker.length !== SYNC_SIZE) {
    bad(`Avro sync marker must be ${SYNC_SIZE} bytes, got ${options.syncMarker.length}`);
  }
  for (const key of Object.keys(options.metadata ?? {})) {
    if (key.startsWith('avro.')) bad(`Avro metadata key "${key}" is reserved by the spec (avro.*); rename it, e.g. "lakestack.${key.slice(5)}"`);
  }
}

function metadataBuffers(metadata: Record<string, string | Buffer> | undefined): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [key, value] of Object.entries(metadata ?? {})) out[key] = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return out;
}

/** Names the record, the first offending field path, what it expects and what it got. */
function invalidRecordError(schema: AvroSchema, record: unknown, index: number, cause: unknown): ValidationError {
  let detail = errorMessage(cause);
  let path = '';
  let found = false;
  schema.type.isValid(record, {
    errorHook: (p: string[], value: unknown, type: avsc.Type) => {
      if (found) return;
      found = true;
      path = p.join('.');
      const where = path === '' ? 'the record' : `field "${path}"`;
      detail = `${where} expects ${describeType(type)}, got ${describeValue(value)}`;
    },
  });
  const name = schema.type.name ?? schema.type.typeName;
  return new ValidationError(
    AvroErrorCode.invalidRecord,
    `record ${index} does not match Avro schema "${name}": ${detail}; fix the producer or evolve the schema`,
    { cause, fields: { index, path, schema: name } },
  );
}

function describeType(type: avsc.Type): string {
  return type.name === undefined ? type.typeName : `${type.typeName} "${type.name}"`;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (field missing)';
  if (typeof value === 'bigint') return `${value}n`;
  if (Buffer.isBuffer(value)) return `${value.length} bytes`;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
