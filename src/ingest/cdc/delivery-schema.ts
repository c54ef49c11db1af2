import type { ColumnSpec } from '../../catalog/column-types.ts';
import { ValidationError } from '../../errors.ts';
import { avroToColumns, loadAvroSchemaFile, parseAvroSchema } from '../../formats/avro/index.ts';
import type { AvroSchema } from '../../formats/avro/index.ts';
import { createAvroConformer } from '../dynamodb/index.ts';
import type { AvroConformer } from '../dynamodb/index.ts';

/** Columns the delivery worker adds to every record type (DMS-style change metadata). */
export const CHANGE_FIELDS = {
  op: 'Op',
  eventTime: '_event_time',
  sequenceNumber: '_sequence_number',
} as const;

/** The Hive partition column of every delivered table. */
export const PARTITION_COLUMN = 'partition_date';

/** One record type's schemas: the user's, and the landed one with the change fields added. */
export interface DeliverySchema {
  type: string;
  /** The schema file as written by the team. */
  source: AvroSchema;
  /** What lands in the Avro files: the source fields, then Op, _event_time, _sequence_number. */
  landed: AvroSchema;
  /** Catalog columns: the landed fields, then `partition_date`. */
  columns: ColumnSpec[];
  conform: AvroConformer;
}

/**
 * Loads a type's Avro schema file and derives what the pipeline lands. Errors:
 * `ValidationError` when the file is missing or invalid, is not a record, or already
 * declares one of the change fields or the partition column.
 */
export async function loadDeliverySchema(type: string, file: string): Promise<DeliverySchema> {
  return deliverySchemaOf(type, await loadAvroSchemaFile(file), file);
}

/** The delivery schema of a type from its parsed source schema (see `loadDeliverySchema`). */
export function deliverySchemaOf(type: string, source: AvroSchema, file: string): DeliverySchema {
  const json = source.json as { type?: unknown; fields?: { name: string }[] };
  if (json.type !== 'record' || !Array.isArray(json.fields)) {
    throw new ValidationError('DELIVERY_SCHEMA_NOT_RECORD', `schema for type "${type}" in ${file} must be an Avro record, found ${JSON.stringify(json.type)}`);
  }
  const reserved = [...Object.values(CHANGE_FIELDS), PARTITION_COLUMN];
  const clash = json.fields.find((f) => reserved.includes(f.name));
  if (clash) {
    throw new ValidationError(
      'DELIVERY_SCHEMA_RESERVED_FIELD',
      `schema for type "${type}" in ${file} declares "${clash.name}", which the delivery worker adds itself (${reserved.join(', ')}); rename the field`,
    );
  }
  const landedJson = {
    ...json,
    fields: [
      ...json.fields,
      { name: CHANGE_FIELDS.op, type: 'string', doc: 'DMS operation: I (INSERT), U (MODIFY), D (REMOVE)' },
      { name: CHANGE_FIELDS.eventTime, type: { type: 'long', logicalType: 'timestamp-millis' }, doc: 'approximate time of the change (UTC)' },
      { name: CHANGE_FIELDS.sequenceNumber, type: 'string', doc: 'position of the change in its stream' },
    ],
  };
  const landed = parseAvroSchema(landedJson, { source: `${file} (+ change fields)` });
  const columns: ColumnSpec[] = [...avroToColumns(landed), { name: PARTITION_COLUMN, type: { kind: 'varchar' }, nullable: false }];
  return { type, source, landed, columns, conform: createAvroConformer(source.json as Record<string, unknown>) };
}
