import type avsc from 'avsc';
import { LakestackError, errorMessage } from '../../errors.ts';
import { AvroByteCursor, AvroFramingError } from './avro-byte-cursor.ts';
import { AVRO_READ_CODECS, decompressBlock, isReadableCodec } from './avro-codecs.ts';
import type { AvroCodecName } from './avro-codecs.ts';
import { corruptFileError } from './avro-errors.ts';
import type { CorruptionSite } from './avro-errors.ts';
import { SYNC_SIZE, readAvroHeader } from './avro-header.ts';
import type { AvroHeader } from './avro-header.ts';
import { resolveAvroSchemas } from './avro-resolver.ts';
import { parseAvroSchema } from './avro-schema.ts';
import type { AvroSchema } from './avro-schema.ts';
import type { AvroNode } from './avro-schema-tree.ts';

/** Options of the container readers. */
export interface ReadAvroContainerOptions {
  /** Schema to read records as (Avro schema resolution); the writer schema when absent. */
  readerSchema?: AvroSchema;
  /** Names the file in error messages. */
  source?: string;
}

/** One decoded block of a container file. */
export interface AvroBlock {
  /** 0-based block number. */
  index: number;
  /** Byte offset of the block (its record count) in the file. */
  offset: number;
  records: unknown[];
}

/** A whole container file, decoded. */
export interface AvroContainer {
  header: AvroHeader;
  /** The writer schema from the header. */
  writerSchema: AvroSchema;
  records: unknown[];
}

/** An opened container: header checked, schemas resolved; blocks and records read lazily. */
export interface AvroContainerReader {
  readonly header: AvroHeader;
  readonly writerSchema: AvroSchema;
  /** The schema records come out in: `readerSchema` when given, else the writer schema. */
  readonly readerSchema: AvroSchema;
  /** Blocks in file order; a corrupt block throws when reached, after the blocks before it. */
  blocks(): Generator<AvroBlock>;
  /** Records in file order; a corrupt record throws when reached, after the records before it. */
  records(): Generator<unknown>;
}

/**
 * Opens an Object Container File held in memory (current format, or the Avro 1.2 format).
 * @throws ValidationError `AVRO_CORRUPT_FILE` for a missing magic, a broken header, an unknown
 *   codec or an unreadable writer schema; `AVRO_INCOMPATIBLE_SCHEMA` when `readerSchema`
 *   cannot resolve the writer schema.
 */
export function openAvroContainer(buffer: Buffer, options: ReadAvroContainerOptions = {}): AvroContainerReader {
  const ctx = openContext(buffer, options);
  return {
    header: ctx.header,
    writerSchema: ctx.writerSchema,
    readerSchema: ctx.readerSchema,
    *blocks() {
      for (const block of rawBlocks(ctx)) {
        const records: unknown[] = [];
        decodeBlockInto(ctx, block, records);
        yield { index: block.index, offset: block.offset, records };
      }
    },
    *records() {
      for (const block of rawBlocks(ctx)) yield* blockRecords(ctx, block);
    },
  };
}

/**
 * Decodes a whole container file held in memory.
 * @throws ValidationError `AVRO_CORRUPT_FILE` naming the block number and byte offset of the
 *   first problem (bad magic, truncated block, wrong sync marker, unknown codec, bad datum);
 *   `AVRO_INCOMPATIBLE_SCHEMA` when `readerSchema` cannot read the writer schema.
 */
export function decodeAvroContainer(buffer: Buffer, options: ReadAvroContainerOptions = {}): AvroContainer {
  const ctx = openContext(buffer, options);
  const records: unknown[] = [];
  for (const block of rawBlocks(ctx)) decodeBlockInto(ctx, block, records);
  return { header: ctx.header, writerSchema: ctx.writerSchema, records };
}

/** The blocks of a container file, decoded one at a time (see `openAvroContainer`). */
export function readAvroBlocks(buffer: Buffer, options: ReadAvroContainerOptions = {}): Generator<AvroBlock> {
  return openAvroContainer(buffer, options).blocks();
}

/** The records of a container file, decoded one at a time (see `openAvroContainer`). */
export function readAvroRecords(buffer: Buffer, options: ReadAvroContainerOptions = {}): Generator<unknown> {
  return openAvroContainer(buffer, options).records();
}

interface ReadContext {
  buffer: Buffer;
  header: AvroHeader;
  codec: AvroCodecName;
  source: string | undefined;
  writerSchema: AvroSchema;
  readerSchema: AvroSchema;
  /** Decodes records: the reader schema's type, or its resolution-ready variant. */
  type: avsc.Type;
  /** Fewest bytes one record takes in the writer schema; bounds a block's record count. */
  minRecordSize: number;
  resolver: ReturnType<avsc.Type['createResolver']> | undefined;
}

function openContext(buffer: Buffer, options: ReadAvroContainerOptions): ReadContext {
  const { source } = options;
  const header = readAvroHeader(buffer, { source });
  if (header === null) {
    throw corruptFileError({ source, offset: 0 }, 'the bytes do not start with the Avro container magic "Obj\\x01" (is it a raw datum or another format?)');
  }
  const { codec } = header;
  if (!isReadableCodec(codec) || (header.version === 0 && codec !== 'null')) {
    throw corruptFileError({ source, offset: 4 }, `the file uses codec "${codec}", which cannot be read (supported: ${AVRO_READ_CODECS.join(', ')})`);
  }
  const writerSchema = writerSchemaOf(header, source);
  const readerSchema = options.readerSchema ?? writerSchema;
  const resolution = options.readerSchema === undefined ? undefined : resolveAvroSchemas(readerSchema, writerSchema, source);
  return {
    buffer,
    header,
    codec,
    source,
    writerSchema,
    readerSchema,
    type: resolution?.type ?? readerSchema.type,
    minRecordSize: minEncodedSize(writerSchema.root, new Set()),
    resolver: resolution?.resolver,
  };
}

/** The smallest encoding of any value of `node` (0 for null, empty records and empty fixed). */
function minEncodedSize(node: AvroNode, open: Set<AvroNode>): number {
  switch (node.kind) {
    case 'null':
      return 0;
    case 'float':
      return 4;
    case 'double':
      return 8;
    case 'fixed':
      return node.size;
    case 'record': {
      if (open.has(node)) return 0;
      open.add(node);
      const size = node.fields.reduce((sum, f) => sum + minEncodedSize(f.type, open), 0);
      open.delete(node);
      return size;
    }
    default:
      // every other value starts with at least one varint byte (length, count, index or value)
      return 1;
  }
}

function checkCount(ctx: ReadContext, count: number, bytes: number, offset: number): void {
  if (ctx.minRecordSize > 0 && count > bytes / ctx.minRecordSize) {
    throw new AvroFramingError(`block declares ${count} records, but its ${bytes} bytes hold at most ${Math.floor(bytes / ctx.minRecordSize)}`, offset);
  }
}

/**
 * A block's records as bytes. `data` runs to the end of the block (current format) or to the
 * end of the data region (Avro 1.2, which has no block sizes: the decoder reports where the
 * records ended through `end`).
 */
interface RawBlock {
  index: number;
  offset: number;
  count: number;
  data: Buffer;
  /** File offset of `data[0]` when `data` is the file's own bytes; undefined when decompressed. */
  dataOffset: number | undefined;
  /** File offset of the block's compressed data. */
  payloadOffset: number;
  end: number;
}

function* rawBlocks(ctx: ReadContext): Generator<RawBlock> {
  const { buffer, header, source } = ctx;
  const legacy = header.version === 0;
  const region = legacy ? buffer.subarray(0, header.dataEnd) : buffer;
  const cursor = new AvroByteCursor(region, header.dataOffset);
  let index = 0;
  while (cursor.remaining > 0) {
    const offset = cursor.pos;
    let block: RawBlock;
    try {
      if (legacy) {
        checkSync(ctx, cursor, index);
        const count = cursor.long('block record count');
        // a count of -1 marks a footer block: its length follows, then it is skipped
        if (count === -1) {
          const length = cursor.long('footer length');
          cursor.fixed(Math.min(length, cursor.remaining), 'footer');
          continue;
        }
        if (count < 0) throw new AvroFramingError(`negative block record count ${count}`, offset);
        checkCount(ctx, count, cursor.remaining, offset);
        block = { index, offset, count, data: region.subarray(cursor.pos), dataOffset: cursor.pos, payloadOffset: cursor.pos, end: 0 };
      } else {
        const count = cursor.long('block record count');
        if (count < 0) throw new AvroFramingError(`negative block record count ${count}`, offset);
        const sizeOffset = cursor.pos;
        const size = cursor.long('block byte size');
        if (size < 0) throw new AvroFramingError(`negative block byte size ${size}`, sizeOffset);
        const payloadOffset = cursor.pos;
        if (size > cursor.remaining) {
          throw new AvroFramingError(`truncated block: it declares ${size} bytes of data but only ${cursor.remaining} remain`, payloadOffset);
        }
        const payload = cursor.fixed(size, 'block data');
        let data: Buffer;
        try {
          data = decompressBlock(ctx.codec, payload);
        } catch (err) {
          throw corruptFileError({ source, block: index, offset: payloadOffset }, `cannot decompress ${ctx.codec} block data (${errorMessage(err)})`, err);
        }
        checkCount(ctx, count, data.length, offset);
        const dataOffset = ctx.codec === 'null' ? payloadOffset : undefined;
        block = { index, offset, count, data, dataOffset, payloadOffset, end: data.length };
      }
    } catch (err) {
      throw asCorrupt(err, { source, block: index, offset });
    }
    yield block;
    if (legacy) {
      cursor.pos = block.payloadOffset + block.end;
    } else {
      try {
        checkSync(ctx, cursor, index);
      } catch (err) {
        throw asCorrupt(err, { source, block: index, offset: cursor.pos });
      }
    }
    index++;
  }
}

function checkSync(ctx: ReadContext, cursor: AvroByteCursor, index: number): void {
  const at = cursor.pos;
  const marker = cursor.fixed(SYNC_SIZE, 'sync marker after the block');
  if (!marker.equals(ctx.header.sync)) {
    throw corruptFileError(
      { source: ctx.source, block: index, offset: at },
      `wrong sync marker (expected ${ctx.header.sync.toString('hex')}, found ${marker.toString('hex')}); the block size is wrong or bytes were inserted or lost`,
    );
  }
}

function* blockRecords(ctx: ReadContext, block: RawBlock): Generator<unknown> {
  let pos = 0;
  for (let i = 0; i < block.count; i++) {
    const decoded = decodeAt(ctx, block, pos, i);
    pos = decoded.offset;
    yield decoded.value;
  }
  finishBlock(ctx, block, pos);
}

function decodeBlockInto(ctx: ReadContext, block: RawBlock, out: unknown[]): void {
  let pos = 0;
  for (let i = 0; i < block.count; i++) {
    const decoded = decodeAt(ctx, block, pos, i);
    pos = decoded.offset;
    out.push(decoded.value);
  }
  finishBlock(ctx, block, pos);
}

function decodeAt(ctx: ReadContext, block: RawBlock, pos: number, i: number): { value: unknown; offset: number } {
  let decoded: { value: unknown; offset: number };
  try {
    decoded = ctx.type.decode(block.data, pos, ctx.resolver);
  } catch (err) {
    throw corruptFileError(recordSite(ctx, block, pos, i), `cannot decode record ${i} of ${block.count} (${errorMessage(err)})`, err);
  }
  if (decoded.offset < 0) {
    throw corruptFileError(recordSite(ctx, block, pos, i), `record ${i} of ${block.count} is truncated: the block data ends inside it`);
  }
  return decoded;
}

function finishBlock(ctx: ReadContext, block: RawBlock, pos: number): void {
  if (ctx.header.version === 0) {
    block.end = pos;
  } else if (pos !== block.data.length) {
    throw corruptFileError(
      recordSite(ctx, block, pos, block.count),
      `block holds ${block.data.length - pos} bytes after its ${block.count} records; the record count or the data is wrong`,
    );
  }
}

function recordSite(ctx: ReadContext, block: RawBlock, pos: number, record: number): CorruptionSite {
  // inside decompressed data there is no file offset: point at the block's compressed bytes
  const offset = block.dataOffset === undefined ? block.payloadOffset : block.dataOffset + pos;
  return { ...(ctx.source === undefined ? {} : { source: ctx.source }), block: block.index, offset, record };
}

function asCorrupt(err: unknown, site: CorruptionSite): LakestackError {
  if (err instanceof LakestackError) return err;
  if (err instanceof AvroFramingError) return corruptFileError({ ...site, offset: err.offset }, err.reason, err);
  return corruptFileError(site, errorMessage(err), err);
}

const SCHEMA_CACHE_SIZE = 64;
const writerSchemas = new Map<string, AvroSchema>();

// Files of one table share a writer schema: parse each distinct header text once.
function writerSchemaOf(header: AvroHeader, source: string | undefined): AvroSchema {
  const cached = writerSchemas.get(header.schemaText);
  if (cached !== undefined) return cached;
  let schema: AvroSchema;
  try {
    schema = parseAvroSchema(header.schemaText, { source: 'the container header' });
  } catch (err) {
    throw corruptFileError({ source, offset: 4 }, `the writer schema in the header is not a valid Avro schema (${errorMessage(err)})`, err);
  }
  if (writerSchemas.size >= SCHEMA_CACHE_SIZE) writerSchemas.delete(writerSchemas.keys().next().value as string);
  writerSchemas.set(header.schemaText, schema);
  return schema;
}
