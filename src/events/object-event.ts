/**
 * Object events in the shape Amazon S3 sends to EventBridge ("Object Created", "Object Deleted";
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html). Every object created under
 * a watched prefix becomes one of these, whichever way it arrived. Keys are plain object keys, never
 * URL-encoded; etags are unquoted MD5 hex, as S3 sends them.
 */
import { randomBytes, randomUUID } from 'node:crypto';

/** Account used when none is configured (the local platform has no AWS account). */
export const DEFAULT_EVENT_ACCOUNT = '000000000000';
/** Region used when none is configured. */
export const DEFAULT_EVENT_REGION = 'us-east-1';

/** The S3 API call that created the object (`detail.reason` of "Object Created"). */
export type ObjectCreatedReason = 'PutObject' | 'POST Object' | 'CopyObject' | 'CompleteMultipartUpload';
/** Why the object went away (`detail.reason` of "Object Deleted"). */
export type ObjectDeletedReason = 'DeleteObject' | 'Lifecycle Expiration';
/** `detail.deletion-type` of "Object Deleted". */
export type ObjectDeletionType = 'Permanently Deleted' | 'Delete Marker Created';

interface ObjectEventEnvelope<TDetailType extends string, TDetail> {
  /** `0` for every event today; kept as received. */
  version: string;
  /** UUID of this event. */
  id: string;
  'detail-type': TDetailType;
  source: 'aws.s3';
  /** 12-digit account of the bucket owner. */
  account: string;
  /** When the event occurred, ISO-8601 to the second (`2021-11-12T00:00:00Z`). */
  time: string;
  region: string;
  /** The bucket ARN, alone. */
  resources: string[];
  detail: TDetail;
}

interface ObjectEventDetailBase {
  /** `0` today; kept as received. */
  version: string;
  /** Schema version of the detail, sent by newer S3 events (e.g. `1.0`). */
  'event-version'?: string;
  bucket: { name: string };
  'request-id': string;
  /** Account id or AWS service principal that made the request. */
  requester: string;
  /** Only present for events triggered by a request (not by lifecycle rules). */
  'source-ip-address'?: string;
  /** `ObjectCreatedReason` / `ObjectDeletedReason` values; other strings pass through from AWS. */
  reason: string;
}

export interface ObjectCreatedDetail extends ObjectEventDetailBase {
  object: {
    key: string;
    size: number;
    /** MD5 hex (or multipart etag), without quotes. */
    etag: string;
    'version-id'?: string;
    /** Orders events for the same key: a greater hex value came later. */
    sequencer?: string;
  };
}

export interface ObjectDeletedDetail extends ObjectEventDetailBase {
  object: { key: string; size?: number; etag?: string; 'version-id'?: string; sequencer?: string };
  'deletion-type': string;
}

export type ObjectCreatedEvent = ObjectEventEnvelope<'Object Created', ObjectCreatedDetail>;
export type ObjectDeletedEvent = ObjectEventEnvelope<'Object Deleted', ObjectDeletedDetail>;
/** An S3 object event as EventBridge delivers it. */
export type ObjectEvent = ObjectCreatedEvent | ObjectDeletedEvent;

interface ObjectEventInputBase {
  bucket: string;
  key: string;
  /** When it happened; default now. Sent to the second, as EventBridge does. */
  time?: Date | string;
  /** Default `DEFAULT_EVENT_REGION`. */
  region?: string;
  /** Default `DEFAULT_EVENT_ACCOUNT`. */
  account?: string;
  /** Event id; default a random UUID. */
  id?: string;
  /** Default a random 16-character id like S3's. */
  requestId?: string;
  /** Default the account. */
  requester?: string;
  sourceIpAddress?: string;
  versionId?: string;
  /** Default a process-monotonic value derived from `time`. */
  sequencer?: string;
}

export interface ObjectCreatedInput extends ObjectEventInputBase {
  size: number;
  /** Quoted (`"abc"`, as `ObjectInfo.etag`) or not; events carry it unquoted. */
  etag: string;
  /** Default `PutObject`. */
  reason?: ObjectCreatedReason;
}

export interface ObjectDeletedInput extends ObjectEventInputBase {
  /** Default `DeleteObject`. */
  reason?: ObjectDeletedReason;
  /** Default `Permanently Deleted`. */
  deletionType?: ObjectDeletionType;
}

/** Builds an "Object Created" event for an object that now exists (e.g. from `ObjectStore.put`'s `ObjectInfo`). */
export function objectCreatedEvent(input: ObjectCreatedInput): ObjectCreatedEvent {
  const envelope = eventEnvelope(input);
  const object: ObjectCreatedDetail['object'] = { key: input.key, size: input.size, etag: unquoteEtag(input.etag) };
  if (input.versionId) object['version-id'] = input.versionId;
  object.sequencer = input.sequencer ?? nextSequencer(envelope.timeMs);
  return { ...envelope.fields, 'detail-type': 'Object Created', detail: { ...detailBase(input, envelope.account), object, reason: input.reason ?? 'PutObject' } };
}

/** Builds an "Object Deleted" event for an object that no longer exists. */
export function objectDeletedEvent(input: ObjectDeletedInput): ObjectDeletedEvent {
  const envelope = eventEnvelope(input);
  const object: ObjectDeletedDetail['object'] = { key: input.key };
  if (input.versionId) object['version-id'] = input.versionId;
  object.sequencer = input.sequencer ?? nextSequencer(envelope.timeMs);
  return {
    ...envelope.fields,
    'detail-type': 'Object Deleted',
    detail: { ...detailBase(input, envelope.account), object, reason: input.reason ?? 'DeleteObject', 'deletion-type': input.deletionType ?? 'Permanently Deleted' },
  };
}

/** The ARN of a bucket, in the partition of `region` (`arn:aws-cn:s3:::b` in China regions). */
export function bucketArn(bucket: string, region = DEFAULT_EVENT_REGION): string {
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return `arn:${partition}:s3:::${bucket}`;
}

/** EventBridge's time format: ISO-8601 in UTC to the second. Throws `RangeError` on an invalid date. */
export function eventTime(time: Date | string | number): string {
  return new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Etag as events carry it: without the surrounding quotes `ObjectInfo.etag` has. */
export function unquoteEtag(etag: string): string {
  return etag.length >= 2 && etag.startsWith('"') && etag.endsWith('"') ? etag.slice(1, -1) : etag;
}

function eventEnvelope(input: ObjectEventInputBase) {
  const date = input.time === undefined ? new Date() : new Date(input.time);
  const region = input.region ?? DEFAULT_EVENT_REGION;
  const account = input.account ?? DEFAULT_EVENT_ACCOUNT;
  const fields = {
    version: '0' as const,
    id: input.id ?? randomUUID(),
    source: 'aws.s3' as const,
    account,
    time: eventTime(date),
    region,
    resources: [bucketArn(input.bucket, region)],
  };
  return { fields, account, timeMs: date.getTime() };
}

function detailBase(input: ObjectEventInputBase, account: string): Omit<ObjectEventDetailBase, 'reason'> {
  const base: Omit<ObjectEventDetailBase, 'reason'> = {
    version: '0',
    bucket: { name: input.bucket },
    'request-id': input.requestId ?? randomRequestId(),
    requester: input.requester ?? account,
  };
  if (input.sourceIpAddress) base['source-ip-address'] = input.sourceIpAddress;
  return base;
}

const REQUEST_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function randomRequestId(): string {
  return Array.from(randomBytes(16), (b) => REQUEST_ID_ALPHABET[b % REQUEST_ID_ALPHABET.length]).join('');
}

let lastSequence = 0n;

// S3 sequencers only order events for one key; milliseconds shifted left leave room for a counter,
// so two events in the same millisecond of this process still compare in creation order.
function nextSequencer(timeMs: number): string {
  const candidate = BigInt(Math.max(0, Math.trunc(timeMs))) << 16n;
  lastSequence = candidate > lastSequence ? candidate : lastSequence + 1n;
  return lastSequence.toString(16).toUpperCase().padStart(16, '0');
}
