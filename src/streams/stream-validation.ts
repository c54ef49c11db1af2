import { invalidArgument } from './stream-errors.ts';
import type { PutRecord, ReadFrom } from './stream-transport.ts';

/** Largest shard count a stream may have. */
export const MAX_SHARD_COUNT = 1000;
/** Largest `limit` of one readShard call (Kinesis GetRecords allows 10,000). */
export const MAX_READ_LIMIT = 10_000;
/** Largest partition key, in UTF-16 code units (Kinesis: 256 Unicode characters). */
export const MAX_PARTITION_KEY_LENGTH = 256;
/** Largest record payload (the classic Kinesis record limit, and NATS' default max_payload). */
export const MAX_RECORD_BYTES = 1024 * 1024;

const STREAM_NAME = /^[a-zA-Z0-9_.-]{1,128}$/;
const SEQUENCE_NUMBER = /^(0|[1-9][0-9]{0,19})$/;

/** Stream names follow Kinesis: 1-128 of `[a-zA-Z0-9_.-]`, and not made of dots only. */
export function assertStreamName(name: string, path = 'stream'): void {
  if (typeof name !== 'string' || !STREAM_NAME.test(name) || /^\.+$/.test(name)) {
    throw invalidArgument(path, `stream name ${JSON.stringify(name)} is invalid; use 1-128 characters of [a-zA-Z0-9_.-], not only dots`, { stream: name });
  }
}

/** A whole number of shards in 1..MAX_SHARD_COUNT. */
export function assertShardCount(stream: string, shardCount: number): void {
  if (!Number.isInteger(shardCount) || shardCount < 1 || shardCount > MAX_SHARD_COUNT) {
    throw invalidArgument('shardCount', `stream "${stream}" needs a whole shard count in 1..${MAX_SHARD_COUNT}, got ${shardCount}`, { stream, shardCount });
  }
}

/** A whole `limit` in 1..MAX_READ_LIMIT. */
export function assertReadLimit(stream: string, limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_READ_LIMIT) {
    throw invalidArgument('limit', `reading stream "${stream}" needs a whole limit in 1..${MAX_READ_LIMIT}, got ${limit}`, { stream, limit });
  }
}

/** Partition keys of 1..256 characters and payloads of at most MAX_RECORD_BYTES bytes. */
export function assertPutRecords(stream: string, records: readonly PutRecord[]): void {
  if (!Array.isArray(records)) throw invalidArgument('records', `putRecords to stream "${stream}" needs an array of records`, { stream });
  records.forEach((record, i) => {
    const key = record.partitionKey;
    if (typeof key !== 'string' || key.length === 0 || key.length > MAX_PARTITION_KEY_LENGTH) {
      throw invalidArgument(`records[${i}].partitionKey`, `stream "${stream}" needs a partition key of 1..${MAX_PARTITION_KEY_LENGTH} characters, got ${JSON.stringify(key)}`, { stream });
    }
    if (!(record.data instanceof Uint8Array)) {
      throw invalidArgument(`records[${i}].data`, `stream "${stream}" needs data as a Uint8Array (encode strings with TextEncoder)`, { stream });
    }
    if (record.data.byteLength > MAX_RECORD_BYTES) {
      throw invalidArgument(`records[${i}].data`, `record of ${record.data.byteLength} bytes exceeds the ${MAX_RECORD_BYTES}-byte limit of stream "${stream}"; split it or store it as an object and send its key`, { stream, bytes: record.data.byteLength });
    }
  });
}

/** Parses a decimal sequence number (no sign, no leading zeros, at most 20 digits). */
export function parseSequenceNumber(value: string, path: string): bigint {
  if (typeof value !== 'string' || !SEQUENCE_NUMBER.test(value)) {
    throw invalidArgument(path, `sequence number ${JSON.stringify(value)} is not a decimal integer; pass a sequenceNumber returned by putRecords or readShard`);
  }
  return BigInt(value);
}

/** The first sequence number a read may return: 0n for TRIM_HORIZON, else one past `from`. */
export function readStart(from: ReadFrom): bigint {
  if (from.type === 'TRIM_HORIZON') return 0n;
  if (from.type === 'AFTER_SEQUENCE_NUMBER') return parseSequenceNumber(from.sequenceNumber, 'from.sequenceNumber') + 1n;
  throw invalidArgument('from.type', `unknown read position ${JSON.stringify((from as { type: unknown }).type)}; use TRIM_HORIZON or AFTER_SEQUENCE_NUMBER`);
}
