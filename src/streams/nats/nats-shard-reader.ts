import { AckPolicy, DeliverPolicy, nanos } from 'nats';
import type { Consumer, JetStreamClient, JetStreamManager, JsMsg } from 'nats';
import type { StreamRecord } from '../stream-transport.ts';
import { JS_NO_MESSAGE_FOUND, jetStreamErrorCode } from './nats-errors.ts';
import { decodeRecordHeaders } from './nats-record-headers.ts';

/** Idle cursors are removed by the server after this long. */
const CURSOR_IDLE_MS = 5 * 60_000;
const MAX_IDLE_CURSORS = 256;
/** Upper bound on one fetch; it normally returns as soon as the counted messages arrived. */
const FETCH_EXPIRES_MS = 5_000;

/**
 * A server-side ephemeral pull consumer on one shard subject (`filter_subject`), starting at a
 * stream sequence (`opt_start_seq`), without acks. `pending` is the number of matching messages
 * not yet delivered as of the last look, which lets a fetch ask for exactly what exists instead
 * of waiting out an expiry.
 */
interface Cursor {
  name: string;
  consumer: Consumer;
  /** Stream sequence the next delivered message will have at least. */
  next: bigint;
  pending: number;
  /** Whether `pending` was counted just now (by creation or info) rather than by the last fetch. */
  fresh: boolean;
  lastDelivered?: number;
}

/** Records of one read and the subject's newest sequence number then ('' when empty). */
export interface ShardRead {
  records: StreamRecord[];
  latestSequenceNumber: string;
}

/**
 * Reads shard subjects of one JetStream stream efficiently for sequential consumers: the pull
 * consumer that served a read is kept, keyed by the next sequence it will deliver, so the next
 * read "after the last record" continues it with one request (or two when it must recount)
 * instead of creating a consumer. Reads that jump elsewhere create a new one (one request).
 */
export class NatsShardReader {
  private readonly idle = new Map<string, Cursor>();

  constructor(
    private readonly jsm: JetStreamManager,
    private readonly js: JetStreamClient,
  ) {}

  async read(jetStream: string, subject: string, shardId: string, start: bigint, limit: number): Promise<ShardRead> {
    const key = `${jetStream}\u0000${subject}\u0000${start}`;
    const reused = this.idle.get(key);
    this.idle.delete(key);
    let cursor: Cursor;
    let records: StreamRecord[];
    try {
      cursor = reused ?? (await this.open(jetStream, subject, start));
      records = await this.fetch(cursor, shardId, limit);
    } catch (err) {
      // A kept cursor may have been removed by the server (idle, restart): start a fresh one.
      if (!reused) throw err;
      await this.remove(jetStream, reused);
      cursor = await this.open(jetStream, subject, start);
      records = await this.fetch(cursor, shardId, limit);
    }
    this.keep(`${jetStream}\u0000${subject}\u0000${cursor.next}`, jetStream, cursor);
    const latest = cursor.pending === 0 && cursor.lastDelivered !== undefined ? String(cursor.lastDelivered) : await this.latest(jetStream, subject);
    return { records, latestSequenceNumber: latest };
  }

  /** Newest stream sequence stored on `subject`, '' when none. */
  async latest(jetStream: string, subject: string): Promise<string> {
    try {
      return String((await this.jsm.streams.getMessage(jetStream, { last_by_subj: subject })).seq);
    } catch (err) {
      if (jetStreamErrorCode(err) === JS_NO_MESSAGE_FOUND) return '';
      throw err;
    }
  }

  /** Deletes every kept cursor (best effort: the server expires them anyway). */
  async close(): Promise<void> {
    const cursors = [...this.idle.entries()];
    this.idle.clear();
    await Promise.allSettled(cursors.map(([key, c]) => this.jsm.consumers.delete(key.split('\u0000')[0]!, c.name)));
  }

  private async open(jetStream: string, subject: string, start: bigint): Promise<Cursor> {
    const info = await this.jsm.consumers.add(jetStream, {
      filter_subject: subject,
      ack_policy: AckPolicy.None,
      ...(start <= 1n ? { deliver_policy: DeliverPolicy.All } : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: Number(start) }),
      inactive_threshold: nanos(CURSOR_IDLE_MS),
      mem_storage: true,
      num_replicas: 1,
    });
    return { name: info.name, consumer: this.js.consumers.getPullConsumerFor(info), next: start, pending: info.num_pending, fresh: true };
  }

  private async fetch(cursor: Cursor, shardId: string, limit: number): Promise<StreamRecord[]> {
    if (!cursor.fresh && cursor.pending < limit) {
      cursor.pending = (await cursor.consumer.info(false)).num_pending;
    }
    cursor.fresh = false;
    const want = Math.min(limit, cursor.pending);
    if (want === 0) return [];
    const records: StreamRecord[] = [];
    const messages = await cursor.consumer.fetch({ max_messages: want, expires: FETCH_EXPIRES_MS });
    for await (const m of messages) {
      records.push(toRecord(m, shardId));
      cursor.pending = m.info.pending;
      cursor.lastDelivered = m.seq;
      cursor.next = BigInt(m.seq) + 1n;
    }
    return records;
  }

  private keep(key: string, jetStream: string, cursor: Cursor): void {
    const displaced = this.idle.get(key);
    if (displaced) void this.remove(jetStream, displaced);
    this.idle.set(key, cursor);
    if (this.idle.size > MAX_IDLE_CURSORS) {
      const [oldestKey, oldest] = this.idle.entries().next().value!;
      this.idle.delete(oldestKey);
      void this.remove(oldestKey.split('\u0000')[0]!, oldest);
    }
  }

  private async remove(jetStream: string, cursor: Cursor): Promise<void> {
    try {
      await this.jsm.consumers.delete(jetStream, cursor.name);
    } catch {
      // best effort: the server removes idle cursors after CURSOR_IDLE_MS anyway
    }
  }
}

function toRecord(m: JsMsg, shardId: string): StreamRecord {
  const { partitionKey, arrivalMs } = decodeRecordHeaders(m.headers, m.info.timestampNanos / 1e6);
  return {
    shardId,
    sequenceNumber: String(m.seq),
    partitionKey,
    // Copy: the client's buffer may be shared with other messages.
    data: new Uint8Array(m.data),
    approximateArrivalTimestamp: new Date(arrivalMs),
  };
}
