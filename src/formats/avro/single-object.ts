import { ValidationError, errorMessage } from '../../errors.ts';
import { AvroErrorCode } from './avro-errors.ts';
import { resolveAvroSchemas } from './avro-resolver.ts';
import type { AvroSchema } from './avro-schema.ts';
import { fingerprintToDecimal } from './rabin-fingerprint.ts';

/** The two marker bytes that open a single-object encoded message (spec: "Single-object encoding"). */
export const SINGLE_OBJECT_MARKER = Buffer.from([0xc3, 0x01]);
const HEADER_SIZE = 10;

/** Finds the writer schema of a message by its fingerprint (signed decimal, as `AvroSchema.fingerprint`). */
export type AvroSchemaLookup = (fingerprint: string) => AvroSchema | undefined;

/**
 * Encodes one datum as a single-object message: `C3 01`, the schema's CRC-64-AVRO fingerprint
 * (8 bytes, little-endian), then the datum's binary encoding.
 * @throws ValidationError `AVRO_INVALID_RECORD` when the datum does not match the schema.
 */
export function encodeSingleObject(schema: AvroSchema, datum: unknown): Buffer {
  let body: Buffer;
  try {
    body = schema.type.toBuffer(datum);
  } catch (err) {
    throw new ValidationError(
      AvroErrorCode.invalidRecord,
      `datum does not match Avro schema "${schema.type.name ?? schema.type.typeName}" (${errorMessage(err)}); fix the value or the schema`,
      { cause: err, fields: { schema: schema.fingerprint } },
    );
  }
  return Buffer.concat([SINGLE_OBJECT_MARKER, schema.fingerprintBytes, body]);
}

/** The fingerprint a message carries (signed decimal), or null when it is not a single-object message. */
export function readSingleObjectFingerprint(message: Buffer): string | null {
  if (message.length < HEADER_SIZE || message[0] !== 0xc3 || message[1] !== 0x01) return null;
  return fingerprintToDecimal(message.readBigUInt64LE(2));
}

/**
 * Decodes a single-object message. `writer` is the schema the message must have been written
 * with, or a lookup from fingerprint to schema (a schema registry). With `readerSchema`,
 * the datum is resolved into that schema.
 * @throws ValidationError `AVRO_INVALID_MESSAGE` for a missing marker, an unknown or
 *   mismatching fingerprint, or a truncated / over-long datum; `AVRO_INCOMPATIBLE_SCHEMA` when
 *   `readerSchema` cannot read the writer schema.
 */
export function decodeSingleObject(message: Buffer, writer: AvroSchema | AvroSchemaLookup, options: { readerSchema?: AvroSchema } = {}): unknown {
  const fingerprint = readSingleObjectFingerprint(message);
  if (fingerprint === null) {
    throw invalidMessage(`it does not start with the single-object marker C3 01 and an 8-byte fingerprint (${message.length} bytes, first ${message.subarray(0, 2).toString('hex') || 'none'})`);
  }
  const schema = typeof writer === 'function' ? writer(fingerprint) : writer;
  if (schema === undefined) {
    throw invalidMessage(`no schema is registered for fingerprint ${fingerprint}; register the writer schema first`);
  }
  if (schema.fingerprint !== fingerprint) {
    throw invalidMessage(`it was written with schema fingerprint ${fingerprint}, not ${schema.fingerprint} ("${schema.type.name ?? schema.type.typeName}")`);
  }
  const resolution = options.readerSchema === undefined ? undefined : resolveAvroSchemas(options.readerSchema, schema, `fingerprint ${fingerprint}`);
  try {
    return (resolution?.type ?? schema.type).fromBuffer(message.subarray(HEADER_SIZE), resolution?.resolver);
  } catch (err) {
    throw invalidMessage(`its datum cannot be decoded (${errorMessage(err)})`, err);
  }
}

function invalidMessage(reason: string, cause?: unknown): ValidationError {
  return new ValidationError(AvroErrorCode.invalidMessage, `Avro single-object message is invalid: ${reason}`, { cause, fields: { reason } });
}
