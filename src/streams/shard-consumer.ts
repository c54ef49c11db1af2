import { errorMessage } from '../errors.ts';
import { laneFor } from './lane.ts';
import { laneCheckpointKey } from './shard-progress.ts';
import type { ShardProgress } from './shard-progress.ts';
import type { ReadFrom, StreamRecord, StreamTransport } from './stream-transport.ts';
import { MAX_READ_LIMIT } from './stream-validation.ts';

/** One handler call: records of one lane of one shard, in sequence order. */
export interface ConsumerBatch {
  stream: string;
  consumerName: string;
  shardId: string;
  /** 0..parallelizationFactor-1; records with the same partition key always share a lane. */
  lane: number;
  records: StreamRecord[];
  /** The shard position this batch's window starts after ('' = the trim horizon). */
  from: string;
  /** Once this batch commits, this lane is done up to this sequence number. */
  to: string;
  /**
   * Entries to merge into the stored checkpoints in the same transaction as the batch's data.
   * With a parallelization factor of 1 this is `{ [shardId]: to }`; with N lanes it is
   * `{ [shardId]: from, [shardId/lane-L-of-N]: to }` (see ShardProgress).
   */
  checkpoint: Record<string, string>;
}

/** Processes and commits one batch; the consumer records progress only after it resolves. */
export type ConsumerHandler = (batch: ConsumerBatch) => Promise<void>;

/** How far one shard's consumer is behind the shard's newest record. */
export interface ShardLag {
  shardId: string;
  /** Every record up to this sequence number is processed ('' = none yet). */
  position: string;
  latestSequenceNumber: string;
  /**
   * Sequence distance from position to latest: the exact record count when a transport numbers
   * each shard contiguously (embedded), an upper bound otherwise (NATS numbers per stream).
   */
  recordsBehind: number;
  /** Age of the oldest unprocessed record (0 when caught up), like Kinesis MillisBehindLatest. */
  millisBehind: number;
  /** Message of the last failed attempt since the last success, if any. */
  lastError?: string;
}

/** Everything a ShardConsumer needs, resolved from StreamConsumerOptions. */
export interface ShardConsumerSettings {
  transport: StreamTransport;
  stream: string;
  consumerName: string;
  shardId: string;
  batchSize: number;
  /** Parallelization factor: lanes per shard. */
  lanes: number;
  maxBatchingWindowMs: number;
  pollIntervalMs: number;
  handler: ConsumerHandler;
}

/** What one window did. */
export interface WindowOutcome {
  /** Records handed to the handler (records already committed by a lane are skipped). */
  records: number;
  batches: number;
  /** The window reached the newest record the shard had when it was read. */
  caughtUp: boolean;
}

/**
 * Consumes one shard in windows of up to batchSize x lanes records. A window's records are
 * split into lanes by partition key; lanes run concurrently, each calling the handler with
 * batches of at most batchSize in sequence order. The next window starts only when every lane
 * of this one resolved, so per-key order holds, and the position advances to the window end.
 */
export class ShardConsumer {
  private pendingArrival: Date | undefined;
  private error: string | undefined;

  constructor(
    private readonly settings: ShardConsumerSettings,
    private readonly progress: ShardProgress,
  ) {}

  get shardId(): string {
    return this.settings.shardId;
  }

  /** Every record up to this sequence number is processed ('' = none). */
  get position(): string {
    return this.progress.position;
  }

  /**
   * Reads the next window and runs it through the handler. With `batchingWindow`, waits up to
   * maxBatchingWindowMs for a full window once a first record is there. Rejects with the first
   * handler error after every lane settled; lanes that succeeded stay recorded.
   */
  async processWindow(options: { batchingWindow: boolean; signal?: AbortSignal }): Promise<WindowOutcome> {
    const { shardId, lanes, batchSize } = this.settings;
    const from = this.progress.position;
    try {
      const { records, latest } = await this.readWindow(from, batchSize * lanes, options);
      const last = records[records.length - 1];
      if (!last || options.signal?.aborted) return { records: 0, batches: 0, caughtUp: true };
      this.pendingArrival = records[0]!.approximateArrivalTimestamp;
      const end = last.sequenceNumber;
      const byLane: StreamRecord[][] = Array.from({ length: lanes }, () => []);
      for (const record of records) {
        if (!this.progress.isCommitted(record)) byLane[laneFor(record.partitionKey, lanes)]!.push(record);
      }
      const settled = await Promise.allSettled(byLane.map((laneRecords, lane) => this.runLane(lane, laneRecords, from, end)));
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) throw failed.reason;
      this.progress.advanceTo(end);
      this.pendingArrival = undefined;
      this.error = undefined;
      const batches = settled.reduce((n, s) => n + (s.status === 'fulfilled' ? s.value : 0), 0);
      return { records: byLane.reduce((n, l) => n + l.length, 0), batches, caughtUp: BigInt(end) >= BigInt(latest || '0') };
    } catch (err) {
      this.error = `shard ${shardId}: ${errorMessage(err)}`;
      throw err;
    }
  }

  /** Lag against the shard's newest record now. */
  async lag(): Promise<ShardLag> {
    const { transport, stream, shardId } = this.settings;
    const position = this.progress.position;
    const latest = await transport.latestSequenceNumber(stream, shardId);
    const distance = latest === '' ? 0n : BigInt(latest) - BigInt(position || '0');
    const recordsBehind = distance > 0n ? Number(distance) : 0;
    let millisBehind = 0;
    if (recordsBehind > 0) {
      const oldest = this.pendingArrival ?? (await transport.readShard(stream, shardId, readFrom(position), 1)).records[0]?.approximateArrivalTimestamp;
      millisBehind = oldest ? Math.max(0, Date.now() - oldest.getTime()) : 0;
    }
    return { shardId, position, latestSequenceNumber: latest, recordsBehind, millisBehind, ...(this.error ? { lastError: this.error } : {}) };
  }

  /** Handler calls of one lane, in order; resolves with the number of calls. */
  private async runLane(lane: number, records: StreamRecord[], from: string, end: string): Promise<number> {
    const { stream, consumerName, shardId, batchSize, lanes, handler } = this.settings;
    let calls = 0;
    for (let at = 0; at < records.length; at += batchSize) {
      const chunk = records.slice(at, at + batchSize);
      // A lane's last batch covers the whole window; an earlier one only up to its own records.
      const to = at + batchSize >= records.length ? end : chunk[chunk.length - 1]!.sequenceNumber;
      const checkpoint = lanes === 1 ? { [shardId]: to } : { [shardId]: from, [laneCheckpointKey(shardId, lane, lanes)]: to };
      await handler({ stream, consumerName, shardId, lane, records: chunk, from, to, checkpoint });
      this.progress.commit(checkpoint);
      calls++;
    }
    return calls;
  }

  private async readWindow(from: string, size: number, options: { batchingWindow: boolean; signal?: AbortSignal }): Promise<{ records: StreamRecord[]; latest: string }> {
    const { transport, stream, shardId, maxBatchingWindowMs, pollIntervalMs } = this.settings;
    const records: StreamRecord[] = [];
    let position = from;
    let latest = '';
    let deadline: number | undefined;
    for (;;) {
      const want = Math.min(size - records.length, MAX_READ_LIMIT);
      const read = await transport.readShard(stream, shardId, readFrom(position), want);
      latest = read.latestSequenceNumber;
      records.push(...read.records);
      const last = read.records[read.records.length - 1];
      if (last) position = last.sequenceNumber;
      if (records.length >= size) break;
      if (read.records.length === want) continue; // a full read: more may be waiting
      if (!options.batchingWindow || maxBatchingWindowMs <= 0 || records.length === 0 || options.signal?.aborted) break;
      deadline ??= Date.now() + maxBatchingWindowMs;
      const left = deadline - Date.now();
      if (left <= 0) break;
      await sleep(Math.min(left, pollIntervalMs), options.signal);
    }
    return { records, latest };
  }
}

function readFrom(position: string): ReadFrom {
  return position === '' ? { type: 'TRIM_HORIZON' } : { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: position };
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
