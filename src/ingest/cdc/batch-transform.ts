import { LakestackError, TerminalError } from '../../errors.ts';
import { encodeAvroContainer } from '../../formats/avro/index.ts';
import type { StreamRecord } from '../../streams/stream-transport.ts';
import { decodeChangeRecord, partitionDateOf } from '../dynamodb/index.ts';
import type { DynamoItem } from '../dynamodb/index.ts';
import { deadLetterOf } from './dead-letter.ts';
import type { DeadLetter } from './dead-letter.ts';
import { CHANGE_FIELDS } from './delivery-schema.ts';
import type { DeliverySchema } from './delivery-schema.ts';

const DECODE_OPTIONS = { imageOnly: true } as const;

/** What the CPU half of a batch needs: the pipeline's settings and its kept types' schemas. */
export interface TransformSettings {
  typeField: string;
  partitionDateField?: string;
  codec: 'null' | 'deflate';
  schemas: ReadonlyMap<string, DeliverySchema>;
}

export interface TransformInput {
  stream: string;
  /** Names the batch in file metadata: `<shard>-l<lane>-<first>-<last>`. */
  batchName: string;
  records: StreamRecord[];
}

/** One Avro file to publish: the records of one type and partition date. */
export interface EncodedGroup {
  type: string;
  date: string;
  records: number;
  body: Uint8Array;
}

export interface TransformOutput {
  in: number;
  filtered: number;
  groups: EncodedGroup[];
  deadLetters: DeadLetter[];
}

/**
 * The CPU half of a delivery batch, with no I/O: decode each change record, keep the
 * configured types, take NewImage (INSERT/MODIFY) or OldImage (REMOVE), conform it to the
 * type's Avro schema, add Op/_event_time/_sequence_number, group by (type, partition date) and
 * encode one Avro container per group. Undeliverable records become dead letters with the
 * reason. Pure, so it runs in the consumer's thread or in a worker thread alike.
 */
export function transformBatch(settings: TransformSettings, input: TransformInput): TransformOutput {
  const groups = new Map<string, { type: string; schema: DeliverySchema; date: string; records: Record<string, unknown>[] }>();
  const deadLetters: DeadLetter[] = [];
  const sourceOf = new Map<Record<string, unknown>, StreamRecord>();
  let filtered = 0;

  for (const record of input.records) {
    try {
      const data = record.data;
      const change = decodeChangeRecord(Buffer.from(data.buffer, data.byteOffset, data.byteLength), DECODE_OPTIONS);
      const type = typeOf(change.image, settings.typeField);
      if (type === undefined) {
        const image = change.eventName === 'REMOVE' ? 'OldImage' : 'NewImage';
        throw new TerminalError('DELIVERY_MISSING_TYPE', `the ${image} has no string attribute "${settings.typeField}" naming the record type`);
      }
      const schema = settings.schemas.get(type);
      if (!schema) {
        filtered++;
        continue;
      }
      const { record: conformed } = schema.conform(change.image);
      const changeTime = change.approximateCreationTime ?? record.approximateArrivalTimestamp;
      const field = settings.partitionDateField;
      const date = field ? partitionDate(schema, field, conformed[field], change.image[field]) : utcDate(changeTime.getTime());
      conformed[CHANGE_FIELDS.op] = change.op;
      conformed[CHANGE_FIELDS.eventTime] = changeTime.getTime();
      conformed[CHANGE_FIELDS.sequenceNumber] = change.sequenceNumber ?? record.sequenceNumber;
      const key = `${type}\u0000${date}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { type, schema, date, records: [] }));
      group.records.push(conformed);
      sourceOf.set(conformed, record);
    } catch (err) {
      if (!(err instanceof LakestackError)) throw err;
      deadLetters.push(deadLetterOf(input.stream, record, err.code, err.message));
    }
  }

  const encoded: EncodedGroup[] = [];
  for (const group of groups.values()) {
    let invalid = 0;
    const body = encodeAvroContainer(group.schema.landed, group.records, {
      codec: settings.codec,
      metadata: { 'lakestack.batch': input.batchName },
      onInvalidRecord: (error, rec) => {
        invalid++;
        deadLetters.push(deadLetterOf(input.stream, sourceOf.get(rec as Record<string, unknown>)!, error.code, error.message));
      },
    });
    const records = group.records.length - invalid;
    if (records > 0) encoded.push({ type: group.type, date: group.date, records, body });
  }
  return { in: input.records.length, filtered, groups: encoded, deadLetters };
}

const MILLIS_PER: Partial<Record<string, number>> = {
  'timestamp-millis': 1,
  'local-timestamp-millis': 1,
  'timestamp-micros': 1000,
  'local-timestamp-micros': 1000,
};

/** Epoch units of a top-level timestamp field (per schema, cached), or undefined when it is not one. */
const fieldUnits = new WeakMap<DeliverySchema, Map<string, number | undefined>>();
function unitsOf(schema: DeliverySchema, field: string): number | undefined {
  let byField = fieldUnits.get(schema);
  if (!byField) fieldUnits.set(schema, (byField = new Map()));
  if (!byField.has(field)) {
    const root = schema.source.root;
    let node = root.kind === 'record' ? root.fields.find((f) => f.name === field)?.type : undefined;
    if (node?.kind === 'union') node = node.branches.find((b) => b.kind !== 'null');
    const logical = node && 'logical' in node ? node.logical?.name : undefined;
    byField.set(field, logical ? MILLIS_PER[logical] : undefined);
  }
  return byField.get(field);
}

/** `YYYY-MM-DD` (UTC) of epoch milliseconds. */
function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The partition date of a record. When the field is an Avro timestamp, conforming already
 * turned it into epoch units (from epoch millis or ISO-8601 text), so the date is arithmetic;
 * otherwise the raw attribute is parsed.
 */
function partitionDate(schema: DeliverySchema, field: string, conformed: unknown, raw: unknown): string {
  const per = unitsOf(schema, field);
  if (per !== undefined && typeof conformed === 'number' && Number.isSafeInteger(conformed)) {
    const ms = Math.floor(conformed / per);
    if (ms >= -62167219200000 && ms <= 253402300799999) return utcDate(ms); // years 0000..9999
  }
  return partitionDateOf(raw, field);
}

function typeOf(image: DynamoItem, field: string): string | undefined {
  const value = (image as Record<string, unknown>)[field];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
