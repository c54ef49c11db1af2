import type { MetadataStore, NewDataFile, TableInfo } from '../../catalog/metadata-store.ts';
import type { DynamodbCdcPipelineDefinition } from '../../config/index.ts';
import { LakestackError, TerminalError } from '../../errors.ts';
import { encodeAvroContainer } from '../../formats/avro/index.ts';
import type { Logger, Metrics } from '../../observability/index.ts';
import type { ObjectStore } from '../../storage/object-store.ts';
import type { ConsumerBatch } from '../../streams/index.ts';
import { commitWithRetry, dataFileKey } from '../../tables/index.ts';
import { decodeChangeRecord, partitionDateOf } from '../dynamodb/index.ts';
import type { DynamoItem } from '../dynamodb/index.ts';
import { deadLetterOf } from './dead-letter.ts';
import type { DeadLetter } from './dead-letter.ts';
import { CHANGE_FIELDS, PARTITION_COLUMN } from './delivery-schema.ts';
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
}

interface Group {
  target: DeliveryTarget;
  date: string;
  records: Record<string, unknown>[];
}

/**
 * The delivery worker's batch handler: decode each change record, keep the configured types,
 * take NewImage (INSERT/MODIFY) or OldImage (REMOVE), conform it to the type's Avro schema, add
 * Op/_event_time/_sequence_number, group by (type, partition date), write one Avro file per
 * group, dead-letter what cannot be delivered, and commit the files with the batch's stream
 * checkpoint as one snapshot.
 *
 * File names derive from the batch's shard, lane and sequence range, so a batch replayed after
 * a crash overwrites its own uncommitted files instead of adding new ones.
 */
export class DynamodbCdcDelivery {
  private readonly labels: { pipeline: string };

  constructor(private readonly deps: DynamodbCdcDeliveryDeps) {
    this.labels = { pipeline: deps.pipelineId };
  }

  /** Processes and commits one batch; returns its reconciled counts. */
  async handle(batch: ConsumerBatch): Promise<BatchCounts> {
    const t0 = performance.now();
    const { definition } = this.deps;
    const counts: BatchCounts = { in: batch.records.length, written: 0, filtered: 0, deadLettered: 0, files: 0 };
    const groups = new Map<string, Group>();
    const deadLetters: DeadLetter[] = [];
    const sourceOf = new Map<Record<string, unknown>, (typeof batch.records)[number]>();

    for (const record of batch.records) {
      try {
        const change = decodeChangeRecord(Buffer.from(record.data));
        const type = typeOf(change.image, definition.typeField);
        if (type === undefined) {
          throw new TerminalError('DELIVERY_MISSING_TYPE', `the ${change.eventName === 'REMOVE' ? 'OldImage' : 'NewImage'} has no string attribute "${definition.typeField}" naming the record type`);
        }
        const target = this.deps.targets.get(type);
        if (!target) {
          counts.filtered++;
          continue;
        }
        const { record: conformed } = target.schema.conform(change.image);
        const changeTime = change.approximateCreationTime ?? record.approximateArrivalTimestamp;
        const date = definition.partitionDateField
          ? partitionDateOf(change.image[definition.partitionDateField], definition.partitionDateField)
          : partitionDateOf(changeTime, 'ApproximateCreationDateTime');
        conformed[CHANGE_FIELDS.op] = change.op;
        conformed[CHANGE_FIELDS.eventTime] = changeTime.getTime();
        conformed[CHANGE_FIELDS.sequenceNumber] = change.sequenceNumber ?? record.sequenceNumber;
        const key = `${type}\u0000${date}`;
        let group = groups.get(key);
        if (!group) groups.set(key, (group = { target, date, records: [] }));
        group.records.push(conformed);
        sourceOf.set(conformed, record);
      } catch (err) {
        if (!(err instanceof LakestackError)) throw err;
        deadLetters.push(deadLetterOf(batch.stream, record, err.code, err.message));
      }
    }

    const first = batch.records[0]?.sequenceNumber ?? batch.to;
    const batchName = `${batch.shardId}-l${batch.lane}-${first}-${batch.to}`;
    const encoded: { table: TableInfo; date: string; written: number; body: Buffer }[] = [];
    for (const group of groups.values()) {
      let invalid = 0;
      const body = encodeAvroContainer(group.target.schema.landed, group.records, {
        codec: definition.codec,
        metadata: { 'lakestack.batch': batchName },
        onInvalidRecord: (error, rec) => {
          invalid++;
          deadLetters.push(deadLetterOf(batch.stream, sourceOf.get(rec as Record<string, unknown>)!, error.code, error.message));
        },
      });
      const written = group.records.length - invalid;
      if (written > 0) encoded.push({ table: group.target.table, date: group.date, written, body });
    }

    // publish: immutable files first, then one catalog commit makes them visible
    const tp = performance.now();
    const files = await Promise.all(
      encoded.map(async ({ table, date, written, body }) => {
        const key = dataFileKey(table.path, table.partitionColumns, { [PARTITION_COLUMN]: date }, `${batchName}.avro`);
        const info = await this.deps.store.put(key, body, { contentType: 'application/avro' });
        counts.written += written;
        const file: NewDataFile = { path: key, format: 'avro', recordCount: written, sizeBytes: info.size, partitionValues: { [PARTITION_COLUMN]: date } };
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

function typeOf(image: DynamoItem, field: string): string | undefined {
  const value = (image as Record<string, unknown>)[field];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

