import { ValidationError, errorMessage } from '../../errors.ts';
import { describeFound } from './attribute-path.ts';
import { unmarshallItem } from './attribute-value.ts';
import type { DynamoItem } from './attribute-value.ts';
import { epochNumberToDate } from './epoch-time.ts';

/** The DynamoDB Streams event names. */
export type ChangeEventName = 'INSERT' | 'MODIFY' | 'REMOVE';

/** The AWS DMS `Op` convention: insert, update, delete. */
export type DmsOp = 'I' | 'U' | 'D';

/** DMS op of each event name. */
export const OP_OF_EVENT: Readonly<Record<ChangeEventName, DmsOp>> = Object.freeze({ INSERT: 'I', MODIFY: 'U', REMOVE: 'D' });

/**
 * Which wire format a record came in:
 * - `dynamodb-streams`: a DynamoDB Streams record (Lambda `Records[]` element); creation time in seconds.
 * - `kinesis-data-streams`: "Kinesis Data Streams for DynamoDB" (has `tableName`, `recordFormat`,
 *   no `SequenceNumber`); creation time in milliseconds, or microseconds when the table's Kinesis
 *   destination sets `ApproximateCreationDateTimePrecision` to MICROSECOND.
 */
export type ChangeRecordFormat = 'dynamodb-streams' | 'kinesis-data-streams';

/** One normalized DynamoDB change. */
export interface ChangeRecord {
  eventId: string;
  eventName: ChangeEventName;
  op: DmsOp;
  keys: DynamoItem;
  newImage?: DynamoItem;
  oldImage?: DynamoItem;
  /** The row to land: NewImage for INSERT and MODIFY, OldImage for REMOVE. */
  image: DynamoItem;
  /** Absent when the record carries no `ApproximateCreationDateTime` (e.g. Lambda time-window tests). */
  approximateCreationTime?: Date;
  /** DynamoDB Streams only; the Kinesis format has none (the Kinesis record's own number orders it). */
  sequenceNumber?: string;
  /** From `tableName` (Kinesis format) or the table segment of `eventSourceARN` (Streams). */
  tableName?: string;
  sizeBytes?: number;
  streamViewType?: string;
  eventSourceArn?: string;
  awsRegion?: string;
  /** Present on deletions made by DynamoDB itself: `{ type: 'Service', principalId: 'dynamodb.amazonaws.com' }` marks a TTL expiry. */
  userIdentity?: { type: string; principalId: string };
  format: ChangeRecordFormat;
}

/** Options of `decodeChangeRecord`. */
export interface DecodeChangeRecordOptions {
  /**
   * Unit of `ApproximateCreationDateTime` in the Kinesis format: the table's Kinesis destination
   * `ApproximateCreationDateTimePrecision`. Default `MILLISECOND` (the AWS default).
   */
  kinesisTimePrecision?: 'MILLISECOND' | 'MICROSECOND';
  /**
   * Unmarshall only the image that lands (NewImage for INSERT/MODIFY, OldImage for REMOVE) and
   * leave the other one out of the result: the delivery worker's hot path. Default false.
   */
  imageOnly?: boolean;
}

const EVENT_NAMES = new Set<string>(['INSERT', 'MODIFY', 'REMOVE']);
const TABLE_IN_ARN = /:table\/([^/]+)/;

function reject(code: string, label: string, problem: string, next: string, fields: Record<string, unknown> = {}): ValidationError {
  return new ValidationError(code, `${label} ${problem}; ${next}`, { fields });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parsePayload(payload: Buffer | string): unknown {
  const text = typeof payload === 'string' ? payload : payload.toString('utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw reject('DDB_BAD_JSON', 'change record payload', `is not JSON (${errorMessage(err)}); it starts with ${describeFound(text.slice(0, 40))}`,
      'expected one DynamoDB change record (DynamoDB Streams record or Kinesis Data Streams for DynamoDB record)');
  }
}

function creationTime(value: unknown, unitsPerSecond: 1 | 1000 | 1_000_000, label: string): Date | undefined {
  if (value === undefined || value === null) return undefined;
  const date = typeof value === 'number' && value >= 0 && value < 1e21 ? epochNumberToDate(value, unitsPerSecond) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) {
    throw reject('DDB_BAD_RECORD', label, `has ApproximateCreationDateTime ${describeFound(value)}, not an epoch time in range`, 'fix the producer');
  }
  return date;
}

/** Unmarshalls an image, naming the record in the error as well as the attribute path. */
function unmarshallNamed(image: unknown, path: string, label: string, eventId: string): DynamoItem {
  try {
    return unmarshallItem(image, path);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    throw new ValidationError(err.code, `${label}: ${err.message}`, { cause: err, fields: { ...err.fields, eventId } });
  }
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function describeNonRecord(raw: Record<string, unknown>): string | undefined {
  if (Array.isArray(raw.Records)) return `is a batch of ${raw.Records.length} records, not one record; split it with splitChangeInput first`;
  if (isObject(raw.kinesis)) return 'is a Kinesis envelope; decode its base64 data first (splitChangeInput does)';
  return undefined;
}

/**
 * Decodes one change record — a DynamoDB Streams record or a "Kinesis Data Streams for DynamoDB"
 * record, as JSON text or UTF-8 bytes — into a `ChangeRecord` with unmarshalled keys and images.
 *
 * Errors (all `ValidationError`): `DDB_BAD_JSON` (payload is not JSON), `DDB_BAD_RECORD` (not an
 * object, no `dynamodb` block, missing `eventID` or `Keys`, bad creation time),
 * `DDB_UNKNOWN_EVENT_NAME`, `DDB_MISSING_IMAGE` (no NewImage for INSERT/MODIFY, no OldImage for
 * REMOVE), `DDB_BAD_ATTRIBUTE` (an attribute that cannot be unmarshalled; `fields.path` names it).
 */
export function decodeChangeRecord(payload: Buffer | string, options: DecodeChangeRecordOptions = {}): ChangeRecord {
  const raw = parsePayload(payload);
  if (!isObject(raw)) {
    throw reject('DDB_BAD_RECORD', 'change record payload', `is ${describeFound(raw)}, not a JSON object`, 'expected one DynamoDB change record');
  }
  const eventId = raw.eventID;
  const label = typeof eventId === 'string' ? `change record "${eventId}"` : 'change record';
  const notRecord = describeNonRecord(raw);
  if (notRecord !== undefined) throw reject('DDB_BAD_RECORD', label, notRecord, 'pass each record on its own');
  const ddb = raw.dynamodb;
  if (!isObject(ddb)) {
    throw reject('DDB_BAD_RECORD', label, `has no "dynamodb" block (found keys: ${Object.keys(raw).join(', ') || 'none'})`, 'expected a DynamoDB change record');
  }
  if (typeof eventId !== 'string' || eventId === '') {
    throw reject('DDB_BAD_RECORD', label, `has no eventID (found ${describeFound(eventId)})`, 'expected a DynamoDB change record');
  }
  const eventName = raw.eventName;
  if (typeof eventName !== 'string' || !EVENT_NAMES.has(eventName)) {
    throw reject('DDB_UNKNOWN_EVENT_NAME', label, `has eventName ${describeFound(eventName)}, not INSERT, MODIFY or REMOVE`, 'only item changes can be delivered',
      { eventId, eventName });
  }
  const name = eventName as ChangeEventName;
  if (!isObject(ddb.Keys)) {
    throw reject('DDB_BAD_RECORD', label, `has no dynamodb.Keys (found ${describeFound(ddb.Keys)})`, 'expected the item\'s key attributes', { eventId });
  }
  const streamViewType = optionalString(ddb.StreamViewType);
  const keys = unmarshallNamed(ddb.Keys, 'Keys', label, eventId);
  const skipNew = options.imageOnly === true && name === 'REMOVE';
  const skipOld = options.imageOnly === true && name !== 'REMOVE';
  const newImage = ddb.NewImage === undefined || skipNew ? undefined : unmarshallNamed(ddb.NewImage, 'NewImage', label, eventId);
  const oldImage = ddb.OldImage === undefined || skipOld ? undefined : unmarshallNamed(ddb.OldImage, 'OldImage', label, eventId);
  const needed = name === 'REMOVE' ? 'OldImage' : 'NewImage';
  const image = name === 'REMOVE' ? oldImage : newImage;
  if (image === undefined) {
    const view = streamViewType === undefined ? '' : ` (stream view type ${streamViewType})`;
    throw reject('DDB_MISSING_IMAGE', label, `is ${name} without ${needed}${view}`, 'set the table\'s stream view type to NEW_AND_OLD_IMAGES so every change carries its item',
      { eventId, eventName: name, streamViewType });
  }

  const kinesisFormat = 'tableName' in raw || 'recordFormat' in raw;
  const unitsPerSecond = !kinesisFormat ? 1 : options.kinesisTimePrecision === 'MICROSECOND' ? 1_000_000 : 1000;
  const eventSourceArn = optionalString(raw.eventSourceARN);
  const record: ChangeRecord = {
    eventId,
    eventName: name,
    op: OP_OF_EVENT[name],
    keys,
    image,
    format: kinesisFormat ? 'kinesis-data-streams' : 'dynamodb-streams',
  };
  if (newImage !== undefined) record.newImage = newImage;
  if (oldImage !== undefined) record.oldImage = oldImage;
  const created = creationTime(ddb.ApproximateCreationDateTime, unitsPerSecond, label);
  if (created !== undefined) record.approximateCreationTime = created;
  const sequenceNumber = optionalString(ddb.SequenceNumber);
  if (sequenceNumber !== undefined) record.sequenceNumber = sequenceNumber;
  const tableName = optionalString(raw.tableName) ?? (eventSourceArn === undefined ? undefined : TABLE_IN_ARN.exec(eventSourceArn)?.[1]);
  if (tableName !== undefined) record.tableName = tableName;
  if (typeof ddb.SizeBytes === 'number') record.sizeBytes = ddb.SizeBytes;
  if (streamViewType !== undefined) record.streamViewType = streamViewType;
  if (eventSourceArn !== undefined) record.eventSourceArn = eventSourceArn;
  const awsRegion = optionalString(raw.awsRegion);
  if (awsRegion !== undefined) record.awsRegion = awsRegion;
  const identity = raw.userIdentity;
  if (isObject(identity) && typeof identity.type === 'string' && typeof identity.principalId === 'string') {
    record.userIdentity = { type: identity.type, principalId: identity.principalId };
  }
  return record;
}
