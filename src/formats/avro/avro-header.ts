import { errorMessage } from '../../errors.ts';
import { AvroByteCursor, AvroFramingError, pushAvroLong } from './avro-byte-cursor.ts';
import { corruptFileError } from './avro-errors.ts';

/** First four bytes of an Object Container File. */
export const AVRO_MAGIC = Buffer.from('Obj\x01', 'latin1');
/** Magic of files written by Avro 1.2 and earlier (metadata in a footer, no block sizes). */
const LEGACY_MAGIC = Buffer.from('Obj\x00', 'latin1');
/** Length of the sync marker that ends every block. */
export const SYNC_SIZE = 16;

/** The header of an Object Container File. */
export interface AvroHeader {
  /** 1 for the current format; 0 for Avro 1.2-era files (read-only support). */
  version: 0 | 1;
  /** The writer schema as JSON (from `avro.schema`). */
  schemaJson: unknown;
  /** The writer schema text exactly as stored. */
  schemaText: string;
  /** `avro.codec`, or `null` when the key is absent (the spec's default). */
  codec: string;
  /** Every metadata entry, `avro.*` keys included, as raw bytes. */
  metadata: Record<string, Buffer>;
  /** The 16-byte marker that follows every block. */
  sync: Buffer;
  /** Byte offset of the first block. */
  dataOffset: number;
  /** Byte offset where block data ends (the file length, or the footer of a version 0 file). */
  dataEnd: number;
}

/**
 * Reads the header of an Object Container File.
 * @returns null when the bytes do not start with the container magic (`Obj\x01`, or `Obj\x00`
 *   for Avro 1.2 files), e.g. a raw datum file.
 * @throws ValidationError `AVRO_CORRUPT_FILE` when the magic is there but the header is broken.
 */
export function readAvroHeader(buffer: Buffer, options: { source?: string } = {}): AvroHeader | null {
  if (buffer.length < 4) return null;
  const magic = buffer.subarray(0, 4);
  const legacy = magic.equals(LEGACY_MAGIC);
  if (!legacy && !magic.equals(AVRO_MAGIC)) return null;
  try {
    return legacy ? readLegacyHeader(buffer, options.source) : readHeader(buffer, options.source);
  } catch (err) {
    if (err instanceof AvroFramingError) throw corruptFileError({ source: options.source, offset: err.offset }, err.reason, err);
    throw err;
  }
}

function readHeader(buffer: Buffer, source: string | undefined): AvroHeader {
  const cursor = new AvroByteCursor(buffer, 4);
  const metadata = readMetadataMap(cursor);
  const sync = Buffer.from(cursor.fixed(SYNC_SIZE, 'header sync marker'));
  return finish(1, metadata, sync, cursor.pos, buffer.length, source);
}

// Avro 1.2: magic, then blocks; the metadata map sits in a footer whose length is the file's
// last four bytes (big-endian), as DataFileReader12 in the Java implementation reads it.
function readLegacyHeader(buffer: Buffer, source: string | undefined): AvroHeader {
  if (buffer.length < 8) throw new AvroFramingError('truncated Avro 1.2 file: no footer length', 4);
  const footerSize = buffer.readUInt32BE(buffer.length - 4);
  const footerStart = buffer.length - footerSize;
  if (footerSize < 4 || footerStart < 4) {
    throw new AvroFramingError(`Avro 1.2 footer length ${footerSize} does not fit the ${buffer.length}-byte file`, buffer.length - 4);
  }
  const metadata = readMetadataMap(new AvroByteCursor(buffer.subarray(0, buffer.length - 4), footerStart));
  const sync = metadata.sync;
  if (sync === undefined || sync.length !== SYNC_SIZE) {
    throw new AvroFramingError('Avro 1.2 footer has no 16-byte "sync" entry', footerStart);
  }
  const renamed: Record<string, Buffer> = { ...metadata };
  if (metadata.schema !== undefined) renamed['avro.schema'] = metadata.schema;
  if (metadata.codec !== undefined) renamed['avro.codec'] = metadata.codec;
  return finish(0, renamed, Buffer.from(sync), 4, footerStart, source);
}

function finish(version: 0 | 1, metadata: Record<string, Buffer>, sync: Buffer, dataOffset: number, dataEnd: number, source: string | undefined): AvroHeader {
  const rawSchema = metadata['avro.schema'];
  if (rawSchema === undefined) throw corruptFileError({ source, offset: 4 }, 'the header has no "avro.schema" entry');
  const schemaText = rawSchema.toString('utf8');
  let schemaJson: unknown;
  try {
    schemaJson = JSON.parse(schemaText);
  } catch (err) {
    throw corruptFileError({ source, offset: 4 }, `the header's "avro.schema" is not valid JSON (${errorMessage(err)})`, err);
  }
  const codec = metadata['avro.codec']?.toString('utf8') ?? 'null';
  return { version, schemaJson, schemaText, codec, metadata, sync, dataOffset, dataEnd };
}

function readMetadataMap(cursor: AvroByteCursor): Record<string, Buffer> {
  const metadata: Record<string, Buffer> = Object.create(null) as Record<string, Buffer>;
  for (;;) {
    let count = cursor.long('header metadata block count');
    if (count === 0) return { ...metadata };
    if (count < 0) {
      count = -count;
      cursor.long('header metadata block size');
    }
    for (let i = 0; i < count; i++) {
      const key = cursor.string('header metadata key');
      metadata[key] = Buffer.from(cursor.bytes(`header metadata value "${key}"`));
    }
  }
}

/**
 * Encodes a header: magic, the metadata map (`avro.schema`, `avro.codec`, then `metadata`),
 * and the sync marker.
 */
export function encodeAvroHeader(schemaText: string, codec: string, metadata: Record<string, Buffer>, sync: Buffer): Buffer {
  const entries: [string, Buffer][] = [
    ['avro.schema', Buffer.from(schemaText, 'utf8')],
    ['avro.codec', Buffer.from(codec, 'utf8')],
    ...Object.entries(metadata),
  ];
  const parts: Buffer[] = [AVRO_MAGIC];
  const head: number[] = [];
  pushAvroLong(head, entries.length);
  parts.push(Buffer.from(head));
  for (const [key, value] of entries) {
    const k = Buffer.from(key, 'utf8');
    const prefix: number[] = [];
    pushAvroLong(prefix, k.length);
    parts.push(Buffer.from(prefix), k);
    const valuePrefix: number[] = [];
    pushAvroLong(valuePrefix, value.length);
    parts.push(Buffer.from(valuePrefix), value);
  }
  parts.push(Buffer.from([0]), sync);
  return Buffer.concat(parts);
}
