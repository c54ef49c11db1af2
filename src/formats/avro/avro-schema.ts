import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type avsc from 'avsc';
import { errorMessage } from '../../errors.ts';
import { avroCanonicalForm } from './avro-canonical-form.ts';
import { invalidSchemaError } from './avro-errors.ts';
import { resolveAvroSchemaTree } from './avro-schema-tree.ts';
import type { AvroNode } from './avro-schema-tree.ts';
import { createAvscType } from './avsc-type.ts';
import { fingerprintToBytes, fingerprintToDecimal, rabinFingerprint64 } from './rabin-fingerprint.ts';

/** A parsed, validated Avro schema. Immutable; parse once and share. */
export interface AvroSchema {
  /** The avsc type that encodes and decodes values (conventions in `createAvscType`). */
  readonly type: avsc.Type;
  /** The schema JSON as given (attributes such as doc, defaults and logical types kept). */
  readonly json: unknown;
  /** `json` as compact text; what writers put in a container header's `avro.schema`. */
  readonly text: string;
  /** The schema with names resolved, for mapping and compatibility checks. */
  readonly root: AvroNode;
  /** Avro Parsing Canonical Form. */
  readonly canonicalForm: string;
  /** CRC-64-AVRO of the canonical form as a signed decimal, as Java prints it. */
  readonly fingerprint: string;
  /** The same fingerprint as 8 little-endian bytes (single-object encoding's schema id). */
  readonly fingerprintBytes: Buffer;
  /** Where the schema came from (a file path), for messages. */
  readonly source?: string;
}

/** Options of `parseAvroSchema`. */
export interface ParseAvroSchemaOptions {
  /** Names the schema's origin (file path, table) in error messages. */
  source?: string;
}

/**
 * Parses and validates an Avro schema given as JSON text or as already-parsed JSON.
 * A string is always read as JSON text, so the primitive `string` is `'"string"'`.
 * The empty union `[]` has a canonical form
 * (`avroCanonicalForm`) but is rejected here: no value can be written with it.
 * @throws ValidationError `AVRO_INVALID_SCHEMA` with the reason and `source`.
 */
export function parseAvroSchema(input: string | object, options: ParseAvroSchemaOptions = {}): AvroSchema {
  const { source } = options;
  let json: unknown;
  if (typeof input === 'string') {
    try {
      json = JSON.parse(input);
    } catch (err) {
      throw invalidSchemaError(`the text is not valid JSON (${errorMessage(err)})`, source, err);
    }
  } else {
    json = structuredClone(input);
  }
  const root = resolveAvroSchemaTree(json, source);
  let type: avsc.Type;
  try {
    type = createAvscType(json);
  } catch (err) {
    throw invalidSchemaError(errorMessage(err), source, err);
  }
  const canonicalForm = avroCanonicalForm(root);
  const fp = rabinFingerprint64(canonicalForm);
  const schema: AvroSchema = {
    type,
    json: deepFreeze(json),
    text: JSON.stringify(json),
    root,
    canonicalForm,
    fingerprint: fingerprintToDecimal(fp),
    fingerprintBytes: fingerprintToBytes(fp),
    ...(source === undefined ? {} : { source }),
  };
  return Object.freeze(schema);
}

/**
 * Reads and parses a schema file (`.avsc` or `.json`).
 * @throws ValidationError `AVRO_INVALID_SCHEMA` for another extension or an invalid schema;
 *   the file system's error when the file cannot be read.
 */
export async function loadAvroSchemaFile(path: string): Promise<AvroSchema> {
  const ext = extname(path).toLowerCase();
  if (ext !== '.avsc' && ext !== '.json') {
    throw invalidSchemaError(`expected a .avsc or .json file, got "${ext || 'no extension'}"`, path);
  }
  return parseAvroSchema(await readFile(path, 'utf8'), { source: path });
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
