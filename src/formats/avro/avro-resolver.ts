import type avsc from 'avsc';
import { ValidationError, errorMessage } from '../../errors.ts';
import { AvroErrorCode } from './avro-errors.ts';
import { parseAvroSchema } from './avro-schema.ts';
import type { AvroSchema } from './avro-schema.ts';

/** A decoder for data written with one schema and read as another. */
export interface AvroResolution {
  /** The type to decode with (pass `resolver` along). */
  type: avsc.Type;
  resolver: ReturnType<avsc.Type['createResolver']>;
}

const lenientReaders = new WeakMap<AvroSchema, AvroSchema | null>();

/**
 * Avro schema resolution of `writer` data into `reader`, with one allowance beyond the spec:
 * a reader field that is nullable but has no default reads as null when the writer lacks it
 * (the column was added as nullable, which `compareAvroSchemas` calls compatible).
 * @throws ValidationError `AVRO_INCOMPATIBLE_SCHEMA` naming both schemas and `source`.
 */
export function resolveAvroSchemas(reader: AvroSchema, writer: AvroSchema, source?: string): AvroResolution {
  try {
    return { type: reader.type, resolver: reader.type.createResolver(writer.type) };
  } catch (err) {
    const lenient = lenientReader(reader);
    if (lenient !== null) {
      try {
        return { type: lenient.type, resolver: lenient.type.createResolver(writer.type) };
      } catch {
        // report the original failure: it names the reader the caller gave
      }
    }
    const name = (s: AvroSchema): string => s.type.name ?? s.type.typeName;
    const what = source === undefined ? 'data' : `"${source}"`;
    throw new ValidationError(
      AvroErrorCode.incompatibleSchema,
      `reader schema "${name(reader)}" cannot read ${what} written with schema "${name(writer)}": ${errorMessage(err)}; add defaults or aliases to the reader schema, or read with the writer schema`,
      { cause: err, fields: { reader: name(reader), writer: name(writer), ...(source === undefined ? {} : { source }) } },
    );
  }
}

function lenientReader(reader: AvroSchema): AvroSchema | null {
  let lenient = lenientReaders.get(reader);
  if (lenient === undefined) {
    const json = withNullDefaults(reader.json);
    lenient = json === reader.json ? null : parseAvroSchema(json as object, reader.source === undefined ? {} : { source: reader.source });
    lenientReaders.set(reader, lenient);
  }
  return lenient;
}

const isNull = (branch: unknown): boolean => branch === 'null' || (typeof branch === 'object' && branch !== null && (branch as { type?: unknown }).type === 'null');

/**
 * The schema JSON with `"default": null` on every record field that is a union holding null
 * and has no default (null moved to the first branch, as Avro requires of a null default).
 * Returns the input itself when nothing changes.
 */
function withNullDefaults(schema: unknown): unknown {
  if (Array.isArray(schema)) {
    const branches = schema.map(withNullDefaults);
    return branches.every((b, i) => b === schema[i]) ? schema : branches;
  }
  if (schema === null || typeof schema !== 'object') return schema;
  const obj = schema as Record<string, unknown>;
  const out: Record<string, unknown> = { ...obj };
  let changed = false;
  for (const key of ['items', 'values'] as const) {
    if (key in obj) {
      out[key] = withNullDefaults(obj[key]);
      changed ||= out[key] !== obj[key];
    }
  }
  if ((obj.type === 'record' || obj.type === 'error') && Array.isArray(obj.fields)) {
    out.fields = obj.fields.map((field: Record<string, unknown>) => {
      let type = withNullDefaults(field.type);
      if (!('default' in field) && Array.isArray(type) && type.some(isNull)) {
        type = [...type.filter(isNull), ...type.filter((b) => !isNull(b))];
        changed = true;
        return { ...field, type, default: null };
      }
      if (type === field.type) return field;
      changed = true;
      return { ...field, type };
    });
  }
  return changed ? out : schema;
}
