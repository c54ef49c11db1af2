import { headers } from 'nats';
import type { MsgHdrs } from 'nats';

/** Header carrying the partition key, percent-encoded (header values must stay on one line). */
export const PARTITION_KEY_HEADER = 'Lakestack-Partition-Key';
/** Header carrying the arrival time the producer stamped, in epoch milliseconds. */
export const ARRIVAL_HEADER = 'Lakestack-Arrival-Ms';

/** Headers of one published record. */
export function encodeRecordHeaders(partitionKey: string, arrivalMs: number): MsgHdrs {
  const h = headers();
  h.set(PARTITION_KEY_HEADER, encodeURIComponent(partitionKey));
  h.set(ARRIVAL_HEADER, String(arrivalMs));
  return h;
}

/** Partition key and arrival time of a stored message; `fallbackMs` (the server's timestamp) when the header is absent. */
export function decodeRecordHeaders(h: MsgHdrs | undefined, fallbackMs: number): { partitionKey: string; arrivalMs: number } {
  const key = h?.get(PARTITION_KEY_HEADER) ?? '';
  const arrival = Number(h?.get(ARRIVAL_HEADER));
  return { partitionKey: safeDecode(key), arrivalMs: Number.isFinite(arrival) && arrival > 0 ? arrival : Math.round(fallbackMs) };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value; // published by something other than lakestack: keep it as sent
  }
}
