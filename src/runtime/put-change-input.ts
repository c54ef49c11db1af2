import { splitChangeInput } from '../ingest/dynamodb/index.ts';
import type { StreamTransport, PutRecord } from '../streams/stream-transport.ts';

const PUT_CHUNK = 500;

export interface PutChangeInputResult {
  put: number;
  readable: number;
  /** Lines that are not change records: put as-is so the delivery worker dead-letters them. */
  unreadable: { line: number; reason: string }[];
}

/**
 * Puts change input (a Lambda DynamoDB Streams event, a Lambda Kinesis event carrying
 * DynamoDB change records, or JSON lines of either record) into a stream, one stream record
 * per change record, keyed by the item's keys so each item's changes stay in order.
 * Unreadable lines still go in: nothing a producer sent is lost silently.
 */
export async function putChangeInput(streams: StreamTransport, stream: string, text: string): Promise<PutChangeInputResult> {
  const split = splitChangeInput(text);
  const records: PutRecord[] = [
    ...split.records.map((r) => ({ partitionKey: r.partitionKey, data: r.payload })),
    ...split.errors.map((e) => ({ partitionKey: `unreadable-line-${e.line}`, data: Buffer.from(e.raw, 'utf8') })),
  ];
  for (let i = 0; i < records.length; i += PUT_CHUNK) await streams.putRecords(stream, records.slice(i, i + PUT_CHUNK));
  return { put: records.length, readable: split.records.length, unreadable: split.errors.map((e) => ({ line: e.line, reason: e.reason })) };
}
