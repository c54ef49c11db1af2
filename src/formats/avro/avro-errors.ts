import { ValidationError } from '../../errors.ts';

/**
 * Stable error codes of the Avro format layer. All are raised as `ValidationError`
 * (terminal: the same bytes or schema will fail the same way on retry).
 */
export const AvroErrorCode = {
  /** A schema text is not valid JSON or not a valid Avro schema. */
  invalidSchema: 'AVRO_INVALID_SCHEMA',
  /** An Object Container File cannot be read: bad magic, framing, codec, sync marker or datum. */
  corruptFile: 'AVRO_CORRUPT_FILE',
  /** A record handed to a writer does not match the writer schema. */
  invalidRecord: 'AVRO_INVALID_RECORD',
  /** A reader schema cannot resolve data written with the writer schema. */
  incompatibleSchema: 'AVRO_INCOMPATIBLE_SCHEMA',
  /** A single-object message is malformed or names a schema fingerprint nobody registered. */
  invalidMessage: 'AVRO_INVALID_MESSAGE',
  /** An option value is outside what the format allows (codec name, reserved metadata key). */
  invalidOption: 'AVRO_INVALID_OPTION',
} as const;

/** Names the place a schema came from, for messages: ` in "weather.avsc"` or empty. */
export function sourceSuffix(source: string | undefined): string {
  return source === undefined ? '' : ` in "${source}"`;
}

/** `AVRO_INVALID_SCHEMA` with the reason, the source file (when known) and the next step. */
export function invalidSchemaError(reason: string, source: string | undefined, cause?: unknown): ValidationError {
  return new ValidationError(
    AvroErrorCode.invalidSchema,
    `invalid Avro schema${sourceSuffix(source)}: ${reason}; fix the schema (see https://avro.apache.org/docs/current/specification/)`,
    { cause, fields: { reason, ...(source === undefined ? {} : { source }) } },
  );
}

/** Where in a container file a problem was found. `block` is 0-based; `offset` is a byte offset in the file. */
export interface CorruptionSite {
  source?: string;
  block?: number;
  offset: number;
  record?: number;
}

/** `AVRO_CORRUPT_FILE` naming the file, block number and byte offset. */
export function corruptFileError(site: CorruptionSite, reason: string, cause?: unknown): ValidationError {
  const file = site.source === undefined ? 'Avro file' : `Avro file "${site.source}"`;
  const where = site.block === undefined ? 'in the header' : `in block ${site.block}`;
  return new ValidationError(
    AvroErrorCode.corruptFile,
    `${file} is corrupt ${where} at byte offset ${site.offset}: ${reason}; the file cannot be read as is — re-export it from its source or move it to the failed zone`,
    { cause, fields: { reason, ...site } },
  );
}
