import { randomUUID } from 'node:crypto';
import type { RunRecord } from '../catalog/metadata-store.ts';
import { errorMessage } from '../errors.ts';
import { autoThreadCount, DeliveryThreadPool } from '../ingest/cdc/delivery-pool.ts';
import { DynamodbCdcDelivery } from '../ingest/cdc/dynamodb-cdc-pipeline.ts';
import type { BatchCounts } from '../ingest/cdc/dynamodb-cdc-pipeline.ts';
import { StreamConsumer } from '../streams/index.ts';
import type { ShardLag } from '../streams/index.ts';
import type { Lakestack } from './create-lakestack.ts';
import type { PreparedPipeline } from './provision.ts';

/** Live state of one pipeline, for `status` and `dev`'s counters. */
export interface PipelineStatus {
  pipeline: string;
  runId: string;
  counts: { in: number; written: number; filtered: number; deadLettered: number; files: number; batches: number };
  lag: ShardLag[];
  lastError?: string;
}

/**
 * Runs one pipeline: a stream consumer whose batches go to the delivery worker, with a run
 * record (counts, status, last error) kept in the metadata store.
 */
export class PipelineRunner {
  readonly runId = randomUUID();
  private readonly consumer: StreamConsumer;
  private readonly counts = { in: 0, written: 0, filtered: 0, deadLettered: 0, files: 0, batches: 0 };
  private lastError: string | undefined;
  private readonly startedAt = new Date();
  private recordTimer: NodeJS.Timeout | undefined;
  private readonly pool: DeliveryThreadPool | undefined;

  constructor(
    private readonly platform: Lakestack,
    readonly prepared: PreparedPipeline,
    private readonly trigger: string,
    options: { pollIntervalMs?: number; onBatch?: (counts: BatchCounts) => void } = {},
  ) {
    const { definition, id } = prepared;
    const threads = definition.workerThreads === 'auto' ? autoThreadCount() : definition.workerThreads;
    if (threads > 0) {
      this.pool = new DeliveryThreadPool(threads, {
        typeField: definition.typeField,
        codec: definition.codec,
        schemas: Object.fromEntries([...prepared.targets].map(([type, t]) => [type, { json: t.schema.source.json, file: t.schema.source.source ?? type }])),
        ...(definition.partitionDateField ? { partitionDateField: definition.partitionDateField } : {}),
      });
    }
    const delivery = new DynamodbCdcDelivery({
      pipelineId: id,
      definition,
      targets: prepared.targets,
      store: platform.store,
      catalog: platform.catalog,
      logger: platform.logger,
      metrics: platform.metrics,
      ...(this.pool ? { pool: this.pool } : {}),
    });
    this.consumer = new StreamConsumer(platform.streams, {
      stream: definition.source.stream,
      consumerName: id,
      batchSize: definition.source.batchSize,
      parallelizationFactor: definition.source.parallelizationFactor,
      startingPosition: definition.source.startingPosition,
      maxBatchingWindowMs: definition.source.maxBatchingWindowMs,
      ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
      checkpoints: {
        load: async () => {
          const list = await platform.catalog.getCheckpoints(id, definition.source.stream);
          return Object.fromEntries(list.map((c) => [c.shard, c.position]));
        },
      },
      onInitialPosition: async (shard, position) => {
        await platform.catalog.putCheckpoints([{ consumer: id, stream: definition.source.stream, shard, position, expected: null }]);
      },
      onError: (err, shardId) => {
        this.lastError = `${shardId}: ${errorMessage(err)}`;
        platform.logger.error({ pipeline: id, shardId, err: errorMessage(err) }, 'batch failed; retrying with backoff');
      },
      handler: async (batch) => {
        const counts = await delivery.handle(batch);
        this.counts.in += counts.in;
        this.counts.written += counts.written;
        this.counts.filtered += counts.filtered;
        this.counts.deadLettered += counts.deadLettered;
        this.counts.files += counts.files;
        this.counts.batches += 1;
        this.lastError = undefined;
        options.onBatch?.(counts);
      },
    });
  }

  get id(): string {
    return this.prepared.id;
  }

  /** Processes everything pending, then resolves (for `dev --until-idle`, demos and tests); one use. */
  async runUntilIdle(): Promise<void> {
    await this.record('RUNNING');
    try {
      await this.consumer.runUntilIdle();
      await this.record('SUCCEEDED');
    } catch (err) {
      this.lastError = errorMessage(err);
      await this.record('FAILED');
      throw err;
    } finally {
      await this.pool?.close();
    }
  }

  /** Starts continuous consumption; the run record is refreshed every few seconds. */
  async start(): Promise<void> {
    await this.record('RUNNING');
    await this.consumer.start();
    this.recordTimer = setInterval(() => void this.record('RUNNING').catch(() => undefined), 5000);
  }

  async stop(): Promise<void> {
    if (this.recordTimer) clearInterval(this.recordTimer);
    await this.consumer.stop();
    await this.pool?.close();
    await this.record(this.lastError ? 'FAILED' : 'SUCCEEDED');
  }

  async status(): Promise<PipelineStatus> {
    return {
      pipeline: this.id,
      runId: this.runId,
      counts: { ...this.counts },
      lag: await this.consumer.lag(),
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  private async record(status: RunRecord['status']): Promise<void> {
    await this.platform.catalog.recordRun({
      runId: this.runId,
      pipeline: this.id,
      kind: this.prepared.definition.kind,
      trigger: this.trigger,
      status,
      startedAt: this.startedAt,
      ...(status === 'RUNNING' ? {} : { finishedAt: new Date() }),
      counts: { ...this.counts },
      ...(this.lastError ? { error: this.lastError } : {}),
    });
  }
}
