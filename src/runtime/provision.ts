import { compareAvroSchemas, parseAvroSchema } from '../formats/avro/index.ts';
import type { DynamodbCdcPipelineDefinition } from '../config/index.ts';
import { loadDeliverySchema, PARTITION_COLUMN } from '../ingest/cdc/delivery-schema.ts';
import { AVRO_SCHEMA_PROPERTY } from '../query/companions/avro-companion-binder.ts';
import type { DeliveryTarget } from '../ingest/cdc/dynamodb-cdc-pipeline.ts';
import type { EnsureTableResult, TableChangeVerdict } from '../tables/index.ts';
import type { Lakestack } from './create-lakestack.ts';

/** What provisioning did; the CLI prints it so schema changes are never silent. */
export interface ProvisionReport {
  streams: { name: string; shards: number }[];
  databases: { name: string; created: boolean }[];
  tables: (Omit<EnsureTableResult, 'table'> & { table: string; tableVersion: number; schemaVersion: number })[];
  /** Consumers started at LATEST: the position recorded for each shard on first sight. */
  initialPositions: { pipeline: string; shard: string; position: string }[];
}

/** A pipeline ready to run: its kept types bound to catalog tables. */
export interface PreparedPipeline {
  id: string;
  definition: DynamodbCdcPipelineDefinition;
  targets: Map<string, DeliveryTarget>;
}


/**
 * Makes the environment match the project, idempotently: streams, databases, one table per
 * record type (evolved or recreated when its Avro schema file changed), and for consumers that
 * start at LATEST, the position of each shard when the consumer was first provisioned (like a
 * Lambda event source mapping: records put after provisioning are delivered).
 */
export async function provision(platform: Lakestack): Promise<{ report: ProvisionReport; pipelines: PreparedPipeline[] }> {
  const { project, catalog, streams, tables } = platform;
  const report: ProvisionReport = { streams: [], databases: [], tables: [], initialPositions: [] };

  for (const [name, def] of Object.entries(project.streams)) {
    const desc = await streams.ensureStream(name, { shardCount: def.shards });
    report.streams.push({ name, shards: desc.shards.length });
  }
  for (const db of Object.values(project.databases)) {
    const created = await tables.ensureDatabase(db.name, { ...tagProperties(db.tags), ...(db.description ? { description: db.description } : {}) });
    report.databases.push({ name: db.name, created });
  }

  const pipelines: PreparedPipeline[] = [];
  for (const [id, definition] of Object.entries(project.pipelines)) {
    const database = project.databases[definition.database]!.name;
    const targets = new Map<string, DeliveryTarget>();
    for (const [type, file] of Object.entries(definition.schemas)) {
      const schema = await loadDeliverySchema(type, file);
      const result = await tables.ensureTable(
        {
          database,
          name: type,
          format: 'avro',
          path: `${definition.prefix}/avro/${type}/`,
          columns: schema.columns,
          partitionColumns: [PARTITION_COLUMN],
          properties: { [AVRO_SCHEMA_PROPERTY]: schema.landed.text, 'avro.schema.source': file, 'avro.fingerprint': schema.landed.fingerprint, ...tagProperties(definition.tags) },
        },
        (current) => judgeAvroChange(current.properties[AVRO_SCHEMA_PROPERTY], schema.landed.text),
      );
      report.tables.push({
        ...result,
        table: `${database}.${type}`,
        tableVersion: result.table.tableVersion,
        schemaVersion: result.table.schemaVersion,
      });
      targets.set(type, { schema, table: result.table });
    }
    pipelines.push({ id, definition, targets });

    if (definition.source.startingPosition === 'LATEST') {
      const stream = definition.source.stream;
      const known = new Set((await catalog.getCheckpoints(id, stream)).map((c) => c.shard.split('/')[0]));
      const desc = await streams.describeStream(stream);
      const missing = desc.shards.filter((s) => !known.has(s));
      const positions = await Promise.all(missing.map(async (shard) => ({ shard, position: await streams.latestSequenceNumber(stream, shard) })));
      if (positions.length > 0) {
        await catalog.putCheckpoints(positions.map((p) => ({ consumer: id, stream, shard: p.shard, position: p.position, expected: null })));
        for (const p of positions) report.initialPositions.push({ pipeline: id, ...p });
      }
    }
  }
  return { report, pipelines };
}

/** Compares the Avro schema a table was made from with the schema file's current one. */
function judgeAvroChange(currentText: string | undefined, desiredText: string): TableChangeVerdict {
  if (currentText === undefined) return { kind: 'recreate', changes: ['the table has no recorded Avro schema'] };
  if (currentText === desiredText) return { kind: 'same', changes: [] };
  const verdict = compareAvroSchemas(parseAvroSchema(currentText), parseAvroSchema(desiredText));
  const kind = verdict.kind === 'identical' ? 'same' : verdict.kind === 'compatible' ? 'evolve' : 'recreate';
  return { kind, changes: verdict.reasons };
}

function tagProperties(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).map(([k, v]) => [`tag.${k}`, v]));
}
