import { createHash } from 'node:crypto';
import { ValidationError, errorMessage } from '../../errors.ts';
import { describeFound } from './attribute-path.ts';
import { decodeChangeRecord } from './change-record.ts';
import type { ChangeRecord, DecodeChangeRecordOptions } from './change-record.ts';
import { epochNumberToDate } from './epoch-time.ts';
import { decodeStrictBase64 } from './strict-base64.ts';

/** One change record cut out of an input, ready to put on a stream. */
export interface ChangeInputRecord {
  /**
   * Stream partition key that keeps one item's changes in order: the item's `Keys` serialized
   * canonically (attribute names sorted), or, for a Kinesis envelope, the envelope's own partition
   * key (per item already for Kinesis Data Streams for DynamoDB). Keys longer than 256 characters
   * (the Kinesis limit) are replaced by `sha256:<hex>` of the same text.
   */
  partitionKey: string;
  /** One change record's JSON: the stream record itself, or the decoded Kinesis `data`. */
  payload: Buffer;
  /** 1-based line of the input where the JSON value holding this record starts. */
  line: number;
  /** The envelope's fields, for records that came in a Kinesis envelope. */
  kinesis?: { partitionKey: string; sequenceNumber?: string; approximateArrivalTimestamp?: Date };
}

/** A part of the input that is not a record: bad JSON, an unknown shape, bad base64 data. */
export interface ChangeInputError {
  line: number;
  reason: string;
  /** The offending text, whole, for the dead-letter zone. */
  raw: string;
  /** The `ValidationError` code, when the error came from decoding a record. */
  code?: string;
}

/** The result of `splitChangeInput`. */
export interface SplitChangeInput {
  records: ChangeInputRecord[];
  errors: ChangeInputError[];
}

const MAX_PARTITION_KEY = 256;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function boundedKey(key: string): string {
  return key.length <= MAX_PARTITION_KEY ? key : `sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

function itemKey(record: Record<string, unknown>, payload: Buffer): string {
  const keys = isObject(record.dynamodb) ? record.dynamodb.Keys : undefined;
  if (isObject(keys)) {
    const sorted = Object.keys(keys).sort().map((name) => [name, keys[name]]);
    return boundedKey(JSON.stringify(Object.fromEntries(sorted)));
  }
  // keyless records fail decoding later; any stable key will do
  return typeof record.eventID === 'string' && record.eventID !== '' ? boundedKey(record.eventID) : `sha256:${createHash('sha256').update(payload).digest('hex')}`;
}

class Splitter {
  readonly records: ChangeInputRecord[] = [];
  readonly errors: ChangeInputError[] = [];

  /** A JSON value from one document or line: a Lambda event or a single record. */
  value(value: unknown, line: number, rawText: string): void {
    if (isObject(value) && Array.isArray(value.Records)) {
      value.Records.forEach((element: unknown, i: number) => this.record(element, line, `Records[${i}]`, undefined));
    } else {
      this.record(value, line, '', rawText);
    }
  }

  private record(value: unknown, line: number, where: string, rawText: string | undefined): void {
    const at = where === '' ? '' : `${where}: `;
    const raw = (): string => rawText ?? JSON.stringify(value) ?? String(value);
    if (!isObject(value)) {
      this.errors.push({ line, reason: `${at}expected a DynamoDB Streams record, a Kinesis record or a Lambda event, found ${describeFound(value)}`, raw: raw() });
      return;
    }
    if (isObject(value.kinesis)) {
      this.kinesisRecord(value.kinesis, line, at, raw);
      return;
    }
    if (isObject(value.dynamodb) || 'eventName' in value) {
      const payload = Buffer.from(raw(), 'utf8');
      this.records.push({ partitionKey: itemKey(value, payload), payload, line });
      return;
    }
    const keys = Object.keys(value).slice(0, 8).join(', ') || 'none';
    this.errors.push({ line, reason: `${at}not a DynamoDB Streams record (no "dynamodb" block), Kinesis record or Lambda event (found keys: ${keys})`, raw: raw() });
  }

  private kinesisRecord(kinesis: Record<string, unknown>, line: number, at: string, raw: () => string): void {
    const { data, partitionKey, sequenceNumber, approximateArrivalTimestamp } = kinesis;
    if (typeof data !== 'string') {
      this.errors.push({ line, reason: `${at}Kinesis record has no base64 "data" string (found ${describeFound(data)})`, raw: raw() });
      return;
    }
    if (typeof partitionKey !== 'string' || partitionKey === '') {
      this.errors.push({ line, reason: `${at}Kinesis record has no partitionKey (found ${describeFound(partitionKey)})`, raw: raw() });
      return;
    }
    const payload = decodeStrictBase64(data);
    if (typeof payload === 'string') {
      this.errors.push({ line, reason: `${at}Kinesis data of record ${describeFound(sequenceNumber)} is not valid base64: ${payload}`, raw: raw() });
      return;
    }
    const envelope: NonNullable<ChangeInputRecord['kinesis']> = { partitionKey };
    if (typeof sequenceNumber === 'string') envelope.sequenceNumber = sequenceNumber;
    if (typeof approximateArrivalTimestamp === 'number' && Number.isFinite(approximateArrivalTimestamp) && approximateArrivalTimestamp >= 0) {
      envelope.approximateArrivalTimestamp = epochNumberToDate(approximateArrivalTimestamp, 1);
    }
    this.records.push({ partitionKey: boundedKey(partitionKey), payload, line, kinesis: envelope });
  }
}

/**
 * Cuts an input into single change records without decoding them: a Lambda DynamoDB Streams
 * event (`{"Records": […]}`, time-window fields ignored), one DynamoDB Streams record, a Lambda
 * Kinesis event or Kinesis record (base64 `data` is decoded; whether it holds a change record is
 * `decodeChangeRecord`'s call), or JSON lines of any of these. Never throws: parts that are not
 * records come back in `errors` with their line and raw text.
 */
export function splitChangeInput(input: string | Buffer): SplitChangeInput {
  let text = typeof input === 'string' ? input : input.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const splitter = new Splitter();
  if (text.trim() === '') return { records: [], errors: [] };
  let whole: unknown;
  let isWhole = true;
  try {
    whole = JSON.parse(text);
  } catch {
    isWhole = false;
  }
  if (isWhole) {
    splitter.value(whole, 1, text.trim());
    return { records: splitter.records, errors: splitter.errors };
  }
  const lines = text.split('\n');
  lines.forEach((rawLine, index) => {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      splitter.errors.push({ line: index + 1, reason: `line is not JSON: ${errorMessage(err)}`, raw: line });
      return;
    }
    splitter.value(value, index + 1, line.trim());
  });
  return { records: splitter.records, errors: splitter.errors };
}

/**
 * `splitChangeInput` then `decodeChangeRecord` on every record, in input order. Records that fail
 * to decode join `errors` (with the `ValidationError` code). Never throws for bad input.
 */
export function parseChangeInput(input: string | Buffer, options: DecodeChangeRecordOptions = {}): { records: ChangeRecord[]; errors: ChangeInputError[] } {
  const split = splitChangeInput(input);
  const records: ChangeRecord[] = [];
  const errors = [...split.errors];
  for (const item of split.records) {
    try {
      records.push(decodeChangeRecord(item.payload, options));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      errors.push({ line: item.line, reason: err.message, raw: item.payload.toString('utf8'), code: err.code });
    }
  }
  errors.sort((a, b) => a.line - b.line);
  return { records, errors };
}
