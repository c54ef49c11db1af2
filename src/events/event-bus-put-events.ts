/**
 * The `PutEvents` contract: request entries, result entries, the per-entry checks EventBridge
 * makes, and the event envelope built from an accepted entry
 * (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html).
 */
import { randomUUID } from 'node:crypto';
import { PutEventsRequestError } from './event-bus-errors.ts';
import { eventTime } from './object-event.ts';

/** At most this many entries per `PutEvents` call. */
export const PUT_EVENTS_MAX_ENTRIES = 10;
/** The entries of one call may total at most this many bytes, counted as EventBridge counts them. */
export const PUT_EVENTS_MAX_BYTES = 256 * 1024;
/** `DetailType` is at most this many characters. */
export const DETAIL_TYPE_MAX_LENGTH = 128;

/** An event as EventBridge delivers it to targets. Object events (`ObjectEvent`) have this shape. */
export interface EventBusEvent<TDetail = unknown> {
  /** `0` for every event today. */
  version: string;
  /** UUID assigned when the bus accepted the event. */
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  /** ISO-8601 UTC to the second (`2021-11-12T00:00:00Z`). */
  time: string;
  region: string;
  resources: string[];
  detail: TDetail;
}

/** One event to put, in the `PutEventsRequestEntry` shape. `Source`, `DetailType` and `Detail` are required. */
export interface PutEventsRequestEntry {
  Source?: string;
  /** Free-form, at most 128 characters. */
  DetailType?: string;
  /** A JSON object, as text. */
  Detail?: string;
  /** ARNs the event concerns; any number. */
  Resources?: string[];
  /** When the event happened (RFC 3339 text, a Date, or epoch seconds as on the wire); default now. */
  Time?: Date | string | number;
  /** Name or ARN of the bus; default the bus it is put on. */
  EventBusName?: string;
  /** X-Ray trace header; accepted and not interpreted. */
  TraceHeader?: string;
}

/** The result of one entry, at the entry's index: `EventId` when accepted, else the error. */
export type PutEventsResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

export interface PutEventsResult {
  FailedEntryCount: number;
  Entries: PutEventsResultEntry[];
}

/** Where an event lands: for envelopes and for matching `EventBusName`. */
export interface EventBusIdentity {
  name: string;
  arn: string;
  account: string;
  region: string;
}

/** Entry size as EventBridge computes it: 14 bytes for Time, UTF-8 bytes of the strings. */
export function putEventsEntrySize(entry: PutEventsRequestEntry): number {
  const bytes = (s: unknown) => (typeof s === 'string' ? Buffer.byteLength(s, 'utf8') : 0);
  let size = entry.Time === undefined ? 0 : 14;
  size += bytes(entry.Source) + bytes(entry.DetailType) + bytes(entry.Detail);
  for (const resource of entry.Resources ?? []) size += bytes(resource);
  return size;
}

/**
 * Checks a `PutEvents` call as a whole and returns, per entry, the envelope or the failure.
 * @throws PutEventsRequestError when EventBridge would fail the whole request.
 */
export function acceptEntries(bus: EventBusIdentity, entries: readonly PutEventsRequestEntry[], now: Date): (EventBusEvent | { ErrorCode: string; ErrorMessage: string })[] {
  if (!Array.isArray(entries) || entries.length === 0) throw new PutEventsRequestError(bus.name, 'Entries must hold at least one entry');
  if (entries.length > PUT_EVENTS_MAX_ENTRIES) {
    throw new PutEventsRequestError(bus.name, `${entries.length} entries given; at most ${PUT_EVENTS_MAX_ENTRIES} are allowed per call, so split them into batches`);
  }
  const total = entries.reduce((sum, e) => sum + putEventsEntrySize(e ?? {}), 0);
  if (total > PUT_EVENTS_MAX_BYTES) {
    throw new PutEventsRequestError(bus.name, `Total size of the entries in the request is over the limit (${total} bytes > ${PUT_EVENTS_MAX_BYTES}); send fewer or smaller events`);
  }
  // EventBridge fails the whole request when no entry has all three required fields
  if (entries.every((e) => !hasRequiredFields(e ?? {}))) {
    throw new PutEventsRequestError(bus.name, 'no entry has all of Source, DetailType and Detail');
  }
  return entries.map((entry) => acceptEntry(bus, entry ?? {}, now));
}

function hasRequiredFields(entry: PutEventsRequestEntry): boolean {
  return isFilled(entry.Source) && isFilled(entry.DetailType) && isFilled(entry.Detail);
}

function isFilled(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function invalid(field: string, reason: string) {
  return { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter(s) ${field} is not valid. Reason: ${reason}` };
}

function acceptEntry(bus: EventBusIdentity, entry: PutEventsRequestEntry, now: Date): EventBusEvent | { ErrorCode: string; ErrorMessage: string } {
  if (!isFilled(entry.Source)) return invalid('Source', 'Source is a required argument.');
  if (!isFilled(entry.DetailType)) return invalid('DetailType', 'DetailType is a required argument.');
  if (!isFilled(entry.Detail)) return invalid('Detail', 'Detail is a required argument.');
  if (entry.DetailType.length > DETAIL_TYPE_MAX_LENGTH) return invalid('DetailType', `DetailType is longer than ${DETAIL_TYPE_MAX_LENGTH} characters.`);
  if (entry.Source.startsWith('aws.')) {
    return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: `Not authorized for the source "${entry.Source}": sources starting with "aws." are reserved for AWS services.` };
  }
  if (entry.EventBusName !== undefined && entry.EventBusName !== bus.name && entry.EventBusName !== bus.arn) {
    return invalid('EventBusName', `Event bus ${entry.EventBusName} does not exist here; this is event bus ${bus.name}.`);
  }
  if (entry.Resources !== undefined && (!Array.isArray(entry.Resources) || entry.Resources.some((r) => typeof r !== 'string'))) {
    return invalid('Resources', 'Resources must be a list of strings.');
  }
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail);
  } catch {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  const time = entryTime(entry.Time, now);
  if (time === undefined) return invalid('Time', 'Time must be an RFC 3339 timestamp, a Date or epoch seconds.');
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': entry.DetailType,
    source: entry.Source,
    account: bus.account,
    time,
    region: bus.region,
    resources: [...(entry.Resources ?? [])],
    detail,
  };
}

function entryTime(time: PutEventsRequestEntry['Time'], now: Date): string | undefined {
  if (time === undefined) return eventTime(now);
  const date = typeof time === 'number' ? new Date(time * 1000) : new Date(time);
  return Number.isNaN(date.getTime()) ? undefined : eventTime(date);
}
