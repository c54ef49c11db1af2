import { TerminalError } from '../errors.ts';
import { ShardConsumer, sleep } from './shard-consumer.ts';
import type { ConsumerHandler, ShardLag } from './shard-consumer.ts';
import { ShardProgress } from './shard-progress.ts';
import { invalidArgument } from './stream-errors.ts';
import type { StreamTransport } from './stream-transport.ts';

export { ShardConsumer } from './shard-consumer.ts';
export type { ConsumerBatch, ConsumerHandler, ShardLag, WindowOutcome } from './shard-consumer.ts';

/** Where a consumer without a checkpoint for a shard starts. */
export type StartingPosition = 'LATEST' | 'TRIM_HORIZON';

/** Positions the caller committed (with its data), as merged from `ConsumerBatch.checkpoint`. */
export interface ConsumerCheckpoints {
  load(): Promise<Record<string, string>>;
}

export interface StreamConsumerOptions {
  stream: string;
  /** Names this consumer in batches, errors and logs; the caller keys its checkpoints by it. */
  consumerName: string;
  /** Records per handler call, 1..10,000. Default 100. */
  batchSize?: number;
  /** Concurrent batches per shard, 1..10 (lanes by partition-key hash). Default 1. */
  parallelizationFactor?: number;
  /** Where a shard without a checkpoint starts. */
  startingPosition: StartingPosition;
  /**
   * While polling (start()), wait up to this long for a full window once a first record is
   * there, 0..300,000 ms. runUntilIdle() never waits. Default 0.
   */
  maxBatchingWindowMs?: number;
  /** Pause between polls of a caught-up shard, in ms. Default 1,000. */
  pollIntervalMs?: number;
  checkpoints: ConsumerCheckpoints;
  handler: ConsumerHandler;
  /** Called once per shard started at LATEST without a checkpoint, with the position resolved ('' = empty shard); persist it to resume there. */
  onInitialPosition?: (shardId: string, sequenceNumber: string) => Promise<void> | void;
  /** Called when a window fails while polling; the shard retries with backoff. */
  onError?: (err: unknown, shardId: string) => void;
}

/** Totals of one runUntilIdle(). */
export interface ConsumerRunStats {
  records: number;
  batches: number;
}

const MAX_RETRY_DELAY_MS = 30_000;

/**
 * Consumes every shard of a stream like a Lambda event source mapping: batches of up to
 * `batchSize` records, up to `parallelizationFactor` concurrent batches per shard with per-key
 * order kept, resuming from the checkpoints the handler committed.
 *
 * Exactly-once with the caller's help: the handler commits `batch.checkpoint` atomically with the
 * batch's data. With parallel lanes, each lane commits its own entry plus the window's start
 * position; on resume the consumer reads from the shard position and skips records that a
 * lane entry covers. Any crash therefore replays only uncommitted records, none twice, and
 * lanes never wait for each other to commit (see ShardProgress).
 */
export class StreamConsumer {
  private readonly settings: Required<Omit<StreamConsumerOptions, 'onInitialPosition' | 'onError'>> & Pick<StreamConsumerOptions, 'onInitialPosition' | 'onError'>;
  private shards: Promise<ShardConsumer[]> | undefined;
  private mode: 'idle' | 'draining' | 'running' = 'idle';
  private abort: AbortController | undefined;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly transport: StreamTransport,
    options: StreamConsumerOptions,
  ) {
    this.settings = {
      ...options,
      batchSize: options.batchSize ?? 100,
      parallelizationFactor: options.parallelizationFactor ?? 1,
      maxBatchingWindowMs: options.maxBatchingWindowMs ?? 0,
      pollIntervalMs: options.pollIntervalMs ?? 1_000,
    };
    validate(this.settings);
  }

  /** Processes every shard until it has caught up with the records present, then resolves. */
  async runUntilIdle(): Promise<ConsumerRunStats> {
    this.claim('draining', 'runUntilIdle');
    try {
      const shards = await this.init();
      const stats: ConsumerRunStats = { records: 0, batches: 0 };
      let failed = false;
      const settled = await Promise.allSettled(
        shards.map(async (shard) => {
          while (!failed) {
            try {
              const outcome = await shard.processWindow({ batchingWindow: false });
              stats.records += outcome.records;
              stats.batches += outcome.batches;
              if (outcome.caughtUp) return;
            } catch (err) {
              failed = true; // the other shards finish their current window and stop
              throw err;
            }
          }
        }),
      );
      const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failure) throw failure.reason;
      return stats;
    } finally {
      this.mode = 'idle';
    }
  }

  /** Starts polling every shard; resolves once positions are loaded. A second call is a no-op. */
  async start(): Promise<void> {
    if (this.mode === 'running') return;
    this.claim('running', 'start');
    const abort = new AbortController();
    this.abort = abort;
    try {
      const shards = await this.init();
      this.loops = shards.map((shard) => this.poll(shard, abort.signal));
    } catch (err) {
      this.mode = 'idle';
      throw err;
    }
  }

  /** Stops polling: batches in flight finish, no new ones start. */
  async stop(): Promise<void> {
    if (this.mode !== 'running') return;
    this.abort?.abort();
    await Promise.all(this.loops);
    this.loops = [];
    this.mode = 'idle';
  }

  /** Per-shard lag against each shard's newest record. */
  async lag(): Promise<ShardLag[]> {
    return Promise.all((await this.init()).map((shard) => shard.lag()));
  }

  /** In-memory position per shard: every record up to it is processed ('' = none). */
  async positions(): Promise<Record<string, string>> {
    return Object.fromEntries((await this.init()).map((shard) => [shard.shardId, shard.position]));
  }

  private async poll(shard: ShardConsumer, signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      try {
        const outcome = await shard.processWindow({ batchingWindow: true, signal });
        failures = 0;
        if (outcome.caughtUp) await sleep(this.settings.pollIntervalMs, signal);
      } catch (err) {
        failures++;
        this.settings.onError?.(err, shard.shardId);
        await sleep(Math.min(this.settings.pollIntervalMs * 2 ** (failures - 1), MAX_RETRY_DELAY_MS), signal);
      }
    }
  }

  private claim(mode: 'draining' | 'running', operation: string): void {
    if (this.mode !== 'idle') {
      throw new TerminalError(
        'STREAM_CONSUMER_BUSY',
        `consumer "${this.settings.consumerName}" of stream "${this.settings.stream}" cannot ${operation} while it is ${this.mode}; await the running call or stop() first`,
        { fields: { consumerName: this.settings.consumerName, stream: this.settings.stream, mode: this.mode } },
      );
    }
    this.mode = mode;
  }

  /** Shards and their positions: from stored checkpoints, else the starting position. */
  private init(): Promise<ShardConsumer[]> {
    this.shards ??= (async () => {
      const s = this.settings;
      const [description, stored] = await Promise.all([this.transport.describeStream(s.stream), s.checkpoints.load()]);
      return Promise.all(
        description.shards.map(async (shardId) => {
          const progress = ShardProgress.fromCheckpoints(shardId, stored) ?? (await this.initialProgress(shardId));
          return new ShardConsumer(
            {
              transport: this.transport,
              stream: s.stream,
              consumerName: s.consumerName,
              shardId,
              batchSize: s.batchSize,
              lanes: s.parallelizationFactor,
              maxBatchingWindowMs: s.maxBatchingWindowMs,
              pollIntervalMs: s.pollIntervalMs,
              handler: s.handler,
            },
            progress,
          );
        }),
      );
    })();
    const shards = this.shards;
    shards.catch(() => {
      if (this.shards === shards) this.shards = undefined; // let the next call retry
    });
    return shards;
  }

  private async initialProgress(shardId: string): Promise<ShardProgress> {
    if (this.settings.startingPosition === 'TRIM_HORIZON') return ShardProgress.at(shardId, '');
    const latest = await this.transport.latestSequenceNumber(this.settings.stream, shardId);
    await this.settings.onInitialPosition?.(shardId, latest);
    return ShardProgress.at(shardId, latest);
  }
}

function validate(o: StreamConsumerOptions & { batchSize: number; parallelizationFactor: number; maxBatchingWindowMs: number; pollIntervalMs: number }): void {
  const where = `consumer "${o.consumerName}" of stream "${o.stream}"`;
  const whole = (path: string, value: number, min: number, max: number): void => {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw invalidArgument(`consumer.${path}`, `${where} needs ${path} as a whole number in ${min}..${max}, got ${value}`);
    }
  };
  if (typeof o.stream !== 'string' || o.stream === '') throw invalidArgument('consumer.stream', 'a consumer needs the name of the stream it reads');
  if (typeof o.consumerName !== 'string' || o.consumerName === '') throw invalidArgument('consumer.consumerName', `a consumer of stream "${o.stream}" needs a non-empty consumerName`);
  whole('batchSize', o.batchSize, 1, 10_000);
  whole('parallelizationFactor', o.parallelizationFactor, 1, 10);
  whole('maxBatchingWindowMs', o.maxBatchingWindowMs, 0, 300_000);
  whole('pollIntervalMs', o.pollIntervalMs, 1, 300_000);
  if (o.startingPosition !== 'LATEST' && o.startingPosition !== 'TRIM_HORIZON') {
    throw invalidArgument('consumer.startingPosition', `${where} needs startingPosition LATEST or TRIM_HORIZON, got ${JSON.stringify(o.startingPosition)}`);
  }
  if (typeof o.handler !== 'function') throw invalidArgument('consumer.handler', `${where} needs a handler function`);
  if (typeof o.checkpoints?.load !== 'function') throw invalidArgument('consumer.checkpoints', `${where} needs checkpoints with a load() function`);
}
