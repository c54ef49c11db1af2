import type { MetadataStore, NewDataFile, TableInfo } from '../../catalog/metadata-store.ts';
import type { DynamodbCdcPipelineDefinition } from '../../config/index.ts';
import { TerminalError } from '../../errors.ts';
import type { Logger, Metrics } from '../../observability/index.ts';
import type { ObjectStore } from '../../storage/object-store.ts';
import type { ConsumerBatch } from '../../streams/index.ts';
import { commitWithRetry, dataFileKey } from '../../tables/index.ts';
import { transformBatch } from './batch-transform.ts';
import type { TransformInput, TransformOutput, TransformSettings } from './batch-transform.ts';
import { PARTITION_COLUMN } from './delivery-schema.ts';
import type { DeliverySchema } from './delivery-schema.ts';

/** Counts of one batch; `in = written + filtered + deadLettered` always holds. */
export interface BatchCounts {
  in: number;
  written: number;
  filtered: number;
  deadLettered: number;
  files: number;
}

export interface DeliveryTarget {
  schema: DeliverySchema;
  table: TableInfo;
}

export interface DynamodbCdcDeliveryDeps {
  pipelineId: string;
  definition: DynamodbCdcPipelineDefinition;
  /** Per kept type: its schemas and catalog table. */
  targets: Map<string, DeliveryTarget>;
  store: ObjectStore;
  catalog: MetadataStore;
  logger: Logger;
  metrics: Metrics;
  /** Worker threads for the CPU half of batches; absent: in the consumer's thread. */
  pool?: { transform(input: TransformInput): Promise<TransformOutput> };
}

/**
 * The delivery worker's batch handler: transform the batch (`transformBatch`: decode, filter,
 * conform, group by type and partition date, encode Avro; in a worker thread when a pool is
 * given), write one Avro file per group and the dead letters, check that the batch reconciles,
 * and commit the files with the batch's stream checkpoint as one snapshot.
 *
 * File names derive from the batch's shard, lane and sequence range, so a batch replayed after
 * a crash overwrites its own uncommitted files instead of adding new ones.
 */
export class DynamodbCdcDelivery {
  private readonly labels: { pipeline: string };
  private readonly settings: TransformSettings;

  constructor(private readonly deps: DynamodbCdcDeliveryDeps) {
    this.labels = { pipeline: deps.pipelineId };
    const { definition } = deps;
    this.settings = {
      typeField: definition.typeField,
      codec: definition.codec,
      schemas: new Map([...deps.targets].map(([type, t]) => [type, t.schema])),
      ...(definition.partitionDateField ? { partitionDateField: definition.partitionDateField } : {}),
    };
  }

  /** Processes and commits one batch; returns its reconciled counts. */
  async handle(batch: ConsumerBatch): Promise<BatchCounts> {
    const t0 = performance.now();
    const { definition } = this.deps;
    const first = batch.records[0]?.sequenceNumber ?? batch.to;
    const batchName = `${batch.shardId}-l${batch.lane}-${first}-${batch.to}`;
    const input = { stream: batch.stream, batchName, records: batch.records };
    const output = this.deps.pool ? await this.deps.pool.transform(input) : transformBatch(this.settings, input);
    const { deadLetters } = output;
    this.deps.metrics.observe('transform_ms', this.labels, performance.now() - t0);
    const counts: BatchCounts = { in: output.in, written: 0, filtered: output.filtered, deadLettered: 0, files: 0 };

    // publish: immutable files first, then one catalog commit makes them visible
    const tp = performance.now();
    const files = await Promise.all(
      output.groups.map(async ({ type, date, records, body }) => {
        const table = this.deps.targets.get(type)!.table;
        const key = dataFileKey(table.path, table.partitionColumns, { [PARTITION_COLUMN]: date }, `${batchName}.avro`);
        const info = await this.deps.store.put(key, body, { contentType: 'application/avro' });
        counts.written += records;
        const file: NewDataFile = { path: key, format: 'avro', recordCount: records, sizeBytes: info.size, partitionValues: { [PARTITION_COLUMN]: date } };
        return { tableId: table.tableId, file };
      }),
    );
    counts.deadLettered = deadLetters.length;
    counts.files = files.length;

    if (deadLetters.length > 0) {
      const key = `${definition.deadLetterPrefix}/${this.deps.pipelineId}/${batch.shardId}/${batchName}.jsonl`;
      await this.deps.store.put(key, deadLetters.map((d) => JSON.stringify(d)).join('\n') + '\n', { contentType: 'application/x-ndjson' });
    }

    if (counts.in !== counts.written + counts.filtered + counts.deadLettered) {
      throw new TerminalError(
        'DELIVERY_RECONCILIATION_FAILED',
        `batch ${batchName} does not reconcile: in ${counts.in} != written ${counts.written} + filtered ${counts.filtered} + dead-lettered ${counts.deadLettered}; nothing was committed`,
        { fields: { ...counts } },
      );
    }

    const byTable = new Map<number, NewDataFile[]>();
    for (const f of files) byTable.set(f.tableId, [...(byTable.get(f.tableId) ?? []), f.file]);
    const tc = performance.now();
    await commitWithRetry(this.deps.catalog, {
      author: `pipeline:${this.deps.pipelineId}`,
      message: `${batchName}: in ${counts.in}, written ${counts.written}, filtered ${counts.filtered}, dead-lettered ${counts.deadLettered}`,
      tables: [...byTable].map(([tableId, add]) => ({ tableId, add })),
      checkpoints: Object.entries(batch.checkpoint).map(([shard, position]) => ({
        consumer: this.deps.pipelineId,
        stream: batch.stream,
        shard,
        position,
      })),
    });
    const done = performance.now();

    const m = this.deps.metrics;
    m.increment('records_in', this.labels, counts.in);
    m.increment('records_written', this.labels, counts.written);
    m.increment('records_filtered', this.labels, counts.filtered);
    m.increment('records_dead_lettered', this.labels, counts.deadLettered);
    m.increment('files_written', this.labels, counts.files);
    m.increment('batches', this.labels);
    m.observe('commit_ms', this.labels, done - tc);
    m.observe('publish_ms', this.labels, done - tp);
    m.observe('batch_ms', this.labels, done - t0);
    this.deps.logger.debug({ pipeline: this.deps.pipelineId, batch: batchName, ...counts, ms: Math.round(done - t0) }, 'batch committed');
    if (counts.deadLettered > 0) {
      this.deps.logger.warn({ pipeline: this.deps.pipelineId, batch: batchName, deadLettered: counts.deadLettered, firstReason: deadLetters[0]?.reason }, 'records dead-lettered');
    }
    return counts;
  }
}

