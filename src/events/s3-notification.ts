/**
 * Turns what S3 sends about objects into `ObjectEvent`s: S3 event notifications (`{"Records":[...]}`,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html), the same
 * wrapped in SQS (Lambda SQS events, or an SQS body) or SNS, and S3 events delivered by EventBridge.
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { ValidationError } from '../errors.ts';
import { DEFAULT_EVENT_ACCOUNT, bucketArn, eventTime, unquoteEtag } from './object-event.ts';
import type { ObjectCreatedDetail, ObjectCreatedEvent, ObjectDeletedDetail, ObjectDeletedEvent, ObjectEvent } from './object-event.ts';

/**
 * A message that is not an S3 notification this module understands (code `S3_NOTIFICATION_INVALID`).
 * `fields.path` is the JSON path of the bad part (`$` for the whole message), `fields.reason` the reason alone.
 */
export class InvalidS3NotificationError extends ValidationError {
  constructor(reason: string, path: string, options: { cause?: unknown } = {}) {
    super(
      'S3_NOTIFICATION_INVALID',
      `S3 notification is not valid: ${reason} (at ${path}); pass an S3 event notification, an SQS or SNS message carrying one, or an S3 event delivered by EventBridge`,
      { cause: options.cause, fields: { path, reason } },
    );
  }
}

export interface ParseS3NotificationOptions {
  /** Account of events made from S3 notifications, which carry none. Default `DEFAULT_EVENT_ACCOUNT`. */
  account?: string;
  /**
   * Whether keys in EventBridge-delivered S3 events are URL-encoded like notification keys and must be
   * decoded. Default true: AWS documents no difference, and AWS Lambda Powertools and OpenSearch Data
   * Prepper both decode them. Set false for producers that put plain keys into EventBridge-shaped events.
   */
  decodeEventBridgeKeys?: boolean;
}

/**
 * The object events in `message` (an object, or its JSON text), in record order. Test events
 * (`s3:TestEvent`) and S3 events other than object created/deleted (restore, replication, lifecycle
 * transition, tagging, ACL, ...) yield nothing. Keys come out decoded (`a+b%2Bc` -> `a b+c`).
 * Errors: `InvalidS3NotificationError` for any other shape, an empty `Records`, a missing field or a
 * key that is not valid URL encoding.
 */
export function parseS3Notification(message: unknown, options: ParseS3NotificationOptions = {}): ObjectEvent[] {
  const out: ObjectEvent[] = [];
  collect(typeof message === 'string' ? parseJson(message, '$') : message, '$', options, out, 0);
  return out;
}

/** Decodes an object key from an S3 notification (form encoding: `+` is a space, `%XX` a UTF-8 byte). */
export function decodeS3Key(encoded: string, path = '$'): string {
  try {
    return decodeURIComponent(encoded.replace(/\+/g, ' '));
  } catch (cause) {
    throw new InvalidS3NotificationError(`object key ${JSON.stringify(encoded)} is not valid URL encoding`, path, { cause });
  }
}

/** Encodes an object key the way S3 notifications carry it (the inverse of `decodeS3Key`). */
export function encodeS3Key(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
}

type Json = Record<string, unknown>;

// SQS -> SNS -> notification is the deepest real nesting; more means a loop or garbage.
const MAX_DEPTH = 3;

function collect(value: unknown, path: string, options: ParseS3NotificationOptions, out: ObjectEvent[], depth: number): void {
  if (depth > MAX_DEPTH) throw new InvalidS3NotificationError(`messages nested more than ${MAX_DEPTH} deep`, path);
  const message = asObject(value, path);
  if ('Records' in message) {
    const records = message.Records;
    if (!Array.isArray(records)) throw new InvalidS3NotificationError('Records is not an array', `${path}.Records`);
    if (records.length === 0) throw new InvalidS3NotificationError('Records is empty', `${path}.Records`);
    records.forEach((record, i) => collectRecord(record, `${path}.Records[${i}]`, options, out, depth));
  } else if (message.Event === 's3:TestEvent') {
    // sent once when a notification configuration is saved; no object behind it
  } else if (message.source === 'aws.s3' && 'detail-type' in message) {
    const event = eventBridgeEvent(message, path, options.decodeEventBridgeKeys ?? true);
    if (event) out.push(event);
  } else if (message.Type === 'Notification' && typeof message.Message === 'string') {
    collect(parseJson(message.Message, `${path}.Message`), `${path}.Message`, options, out, depth + 1);
  } else {
    throw new InvalidS3NotificationError('not an S3 event notification (Records), test event, SNS message or EventBridge S3 event', path);
  }
}

function collectRecord(value: unknown, path: string, options: ParseS3NotificationOptions, out: ObjectEvent[], depth: number): void {
  const record = asObject(value, path);
  if (record.eventSource === 'aws:sqs') {
    collect(parseJson(string(record, 'body', path), `${path}.body`), `${path}.body`, options, out, depth + 1);
  } else if (record.EventSource === 'aws:sns') {
    const sns = asObject(record.Sns, `${path}.Sns`);
    collect(parseJson(string(sns, 'Message', `${path}.Sns`), `${path}.Sns.Message`), `${path}.Sns.Message`, options, out, depth + 1);
  } else if (typeof record.eventSource === 'string' && /^[a-z0-9-]+:s3$/.test(record.eventSource)) {
    const event = notificationRecordEvent(record, path, options.account ?? DEFAULT_EVENT_ACCOUNT);
    if (event) out.push(event);
  } else {
    throw new InvalidS3NotificationError(`eventSource ${JSON.stringify(record.eventSource)} is neither aws:s3 nor aws:sqs`, `${path}.eventSource`);
  }
}

const DELETIONS: Record<string, { reason: string; deletionType: string }> = {
  'ObjectRemoved:Delete': { reason: 'DeleteObject', deletionType: 'Permanently Deleted' },
  'ObjectRemoved:DeleteMarkerCreated': { reason: 'DeleteObject', deletionType: 'Delete Marker Created' },
  'LifecycleExpiration:Delete': { reason: 'Lifecycle Expiration', deletionType: 'Permanently Deleted' },
  'LifecycleExpiration:DeleteMarkerCreated': { reason: 'Lifecycle Expiration', deletionType: 'Delete Marker Created' },
};

const CREATION_REASONS: Record<string, string> = {
  Put: 'PutObject',
  Post: 'POST Object',
  Copy: 'CopyObject',
  CompleteMultipartUpload: 'CompleteMultipartUpload',
};

function notificationRecordEvent(record: Json, path: string, account: string): ObjectEvent | undefined {
  // some producers (and AWS samples) keep the configuration's `s3:` prefix
  const eventName = string(record, 'eventName', path).replace(/^s3:/, '');
  const s3 = asObject(record.s3, `${path}.s3`);
  const bucket = string(asObject(s3.bucket, `${path}.s3.bucket`), 'name', `${path}.s3.bucket`);
  const objectPath = `${path}.s3.object`;
  const o = asObject(s3.object, objectPath);
  const key = decodeS3Key(string(o, 'key', objectPath), `${objectPath}.key`);
  const created = eventName.startsWith('ObjectCreated:');
  const deletion = DELETIONS[eventName] as (typeof DELETIONS)[string] | undefined;
  if (!created && deletion === undefined) return undefined;

  const region = string(record, 'awsRegion', path);
  const rawTime = string(record, 'eventTime', path);
  const time = timeOf(rawTime, `${path}.eventTime`);
  const requestId = optionalString(asObject(record.responseElements ?? {}, `${path}.responseElements`)['x-amz-request-id']) ?? '';
  const requester = optionalString(asObject(record.userIdentity ?? {}, `${path}.userIdentity`).principalId) ?? '';
  const sourceIp = optionalString(asObject(record.requestParameters ?? {}, `${path}.requestParameters`).sourceIPAddress);
  const versionId = optionalString(o.versionId);
  const sequencer = optionalString(o.sequencer);
  const id = eventId([bucket, key, eventName, rawTime, requestId, sequencer ?? '', versionId ?? '']);

  const envelope = { version: '0', id, source: 'aws.s3' as const, account, time, region, resources: [bucketArn(bucket, region)] };
  const base = { version: '0', bucket: { name: bucket }, 'request-id': requestId, requester };
  // lifecycle events carry `s3.amazonaws.com` here; EventBridge leaves the field out for them
  const ip = sourceIp !== undefined && isIP(sourceIp) !== 0 ? { 'source-ip-address': sourceIp } : {};
  const optional = { ...(versionId ? { 'version-id': versionId } : {}), ...(sequencer !== undefined ? { sequencer } : {}) };

  if (created) {
    const action = eventName.slice('ObjectCreated:'.length);
    const object: ObjectCreatedDetail['object'] = { key, size: size(o, 'size', objectPath), etag: unquoteEtag(string(o, 'eTag', objectPath)), ...optional };
    const event: ObjectCreatedEvent = { ...envelope, 'detail-type': 'Object Created', detail: { ...base, object, ...ip, reason: CREATION_REASONS[action] ?? action } };
    return event;
  }
  const { reason, deletionType } = deletion ?? { reason: 'DeleteObject', deletionType: 'Permanently Deleted' };
  const object: ObjectDeletedDetail['object'] = { key, ...optional };
  const event: ObjectDeletedEvent = { ...envelope, 'detail-type': 'Object Deleted', detail: { ...base, object, ...ip, reason, 'deletion-type': deletionType } };
  return event;
}

function eventBridgeEvent(message: Json, path: string, decodeKeys: boolean): ObjectEvent | undefined {
  const detailType = string(message, 'detail-type', path);
  if (detailType !== 'Object Created' && detailType !== 'Object Deleted') return undefined;

  const resources = message.resources;
  if (!Array.isArray(resources) || !resources.every((r) => typeof r === 'string')) {
    throw new InvalidS3NotificationError('resources is not an array of strings', `${path}.resources`);
  }
  const envelope = {
    version: string(message, 'version', path),
    id: string(message, 'id', path),
    source: 'aws.s3' as const,
    account: string(message, 'account', path),
    time: string(message, 'time', path),
    region: string(message, 'region', path),
    resources: [...resources],
  };
  timeOf(envelope.time, `${path}.time`);

  const detailPath = `${path}.detail`;
  const detail = asObject(message.detail, detailPath);
  const objectPath = `${detailPath}.object`;
  const o = asObject(detail.object, objectPath);
  const rawKey = string(o, 'key', objectPath);
  const key = decodeKeys ? decodeS3Key(rawKey, `${objectPath}.key`) : rawKey;
  const optionalObject = {
    ...optionalField(o, 'version-id', objectPath),
    ...optionalField(o, 'sequencer', objectPath),
  };
  const base = {
    version: string(detail, 'version', detailPath),
    ...optionalField(detail, 'event-version', detailPath),
    bucket: { name: string(asObject(detail.bucket, `${detailPath}.bucket`), 'name', `${detailPath}.bucket`) },
    'request-id': string(detail, 'request-id', detailPath),
    requester: string(detail, 'requester', detailPath),
    ...optionalField(detail, 'source-ip-address', detailPath),
    reason: string(detail, 'reason', detailPath),
  };

  if (detailType === 'Object Created') {
    const object = { key, size: size(o, 'size', objectPath), etag: string(o, 'etag', objectPath), ...optionalObject };
    const event: ObjectCreatedEvent = { ...envelope, 'detail-type': detailType, detail: { ...base, object } };
    return event;
  }
  const object: ObjectDeletedDetail['object'] = { key, ...optionalObject };
  if (o.size !== undefined) object.size = size(o, 'size', objectPath);
  if (o.etag !== undefined) object.etag = string(o, 'etag', objectPath);
  const event: ObjectDeletedEvent = { ...envelope, 'detail-type': detailType, detail: { ...base, object, 'deletion-type': string(detail, 'deletion-type', detailPath) } };
  return event;
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new InvalidS3NotificationError(`text is not JSON (${(cause as Error).message})`, path, { cause });
  }
}

function asObject(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidS3NotificationError(`expected an object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`, path);
  }
  return value as Json;
}

function string(o: Json, name: string, path: string): string {
  const value = o[name];
  if (typeof value !== 'string') throw new InvalidS3NotificationError(`${name} is ${value === undefined ? 'missing' : `not a string (${JSON.stringify(value)})`}`, `${path}.${name}`);
  return value;
}

function size(o: Json, name: string, path: string): number {
  const value = o[name];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidS3NotificationError(`${name} is ${value === undefined ? 'missing' : `not a byte count (${JSON.stringify(value)})`}`, `${path}.${name}`);
  }
  return value;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function optionalField(o: Json, name: string, path: string): Record<string, string> {
  return o[name] === undefined ? {} : { [name]: string(o, name, path) };
}

function timeOf(text: string, path: string): string {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new InvalidS3NotificationError(`time ${JSON.stringify(text)} is not an ISO-8601 timestamp`, path);
  return eventTime(ms);
}

// Notifications carry no event id; one derived from the record keeps redeliveries recognisable.
function eventId(parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\n')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
