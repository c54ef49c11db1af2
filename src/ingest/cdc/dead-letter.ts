import type { StreamRecord } from '../../streams/stream-transport.ts';

/** One undeliverable record, as a line of a dead-letter file. */
export interface DeadLetter {
  /** Why it could not be delivered, in words. */
  reason: string;
  /** Stable error code, e.g. `DDB_BAD_ATTRIBUTE`, `DDB_SCHEMA_MISMATCH`, `DELIVERY_MISSING_TYPE`. */
  code: string;
  stream: string;
  shardId: string;
  sequenceNumber: string;
  partitionKey: string;
  approximateArrivalTimestamp: string;
  /** The original payload: UTF-8 text when it is valid UTF-8, else base64 in `payloadBase64`. */
  payload?: string;
  payloadBase64?: string;
}

/** A dead-letter line for a stream record that failed with `code` and `reason`. */
export function deadLetterOf(stream: string, record: StreamRecord, code: string, reason: string): DeadLetter {
  const bytes = Buffer.from(record.data);
  const text = bytes.toString('utf8');
  const validUtf8 = Buffer.from(text, 'utf8').equals(bytes);
  return {
    reason,
    code,
    stream,
    shardId: record.shardId,
    sequenceNumber: record.sequenceNumber,
    partitionKey: record.partitionKey,
    approximateArrivalTimestamp: record.approximateArrivalTimestamp.toISOString(),
    ...(validUtf8 ? { payload: text } : { payloadBase64: bytes.toString('base64') }),
  };
}
