/**
 * The zod schema of a project file. Validated once at load (after the environment overlay is
 * applied); the core then receives the frozen, typed result. Records keyed by name (not arrays)
 * so environment overlays can change one pipeline or stream by name.
 */
import { z } from 'zod';

const name = z
  .string()
  .min(1)
  .regex(/^[A-Za-z0-9_{}-]+$/, 'letters, digits, "_", "-" and {variables} only');

const keyPrefix = z
  .string()
  .regex(/^(?:[A-Za-z0-9_.{}=-]+\/)*[A-Za-z0-9_.{}=-]*$/, 'a relative object-key prefix like "data-pipeline/avro"');

export const storageSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('local'), root: z.string().min(1) }),
  z.strictObject({
    kind: z.literal('s3'),
    bucket: z.string().min(3),
    prefix: z.string().optional(),
    endpoint: z.string().url().optional(),
    region: z.string().optional(),
    forcePathStyle: z.boolean().optional(),
    accessKeyId: z.string().optional(),
    secretAccessKey: z.string().optional(),
  }),
  z.strictObject({ kind: z.literal('memory') }),
]);

export const catalogSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('sqlite'), path: z.string().min(1) }),
]);

export const streamTransportSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('embedded'), root: z.string().min(1) }),
  z.strictObject({
    kind: z.literal('nats'),
    servers: z.union([z.string(), z.array(z.string()).min(1)]),
    streamPrefix: z.string().optional(),
  }),
]);

export const streamSchema = z.strictObject({
  shards: z.number().int().min(1).max(64).default(1),
  description: z.string().optional(),
});

export const databaseSchema = z.strictObject({
  /** Catalog name; default the project's naming template. */
  name: name.optional(),
  description: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
});

export const workgroupSchema = z.strictObject({
  name: name.optional(),
  /** Object-key prefix where query results and their records are written. */
  resultPrefix: keyPrefix,
  publishMetrics: z.boolean().default(true),
  /** Scan limit per query in bytes (Athena's BytesScannedCutoffPerQuery). */
  bytesScannedCutoff: z.number().int().positive().optional(),
  tags: z.record(z.string(), z.string()).optional(),
});

export const dynamodbCdcPipelineSchema = z.strictObject({
  kind: z.literal('dynamodb-cdc'),
  description: z.string().optional(),
  source: z.strictObject({
    stream: name,
    startingPosition: z.enum(['LATEST', 'TRIM_HORIZON']).default('LATEST'),
    batchSize: z.number().int().min(1).max(10000).default(1000),
    parallelizationFactor: z.number().int().min(1).max(10).default(2),
    maxBatchingWindowMs: z.number().int().min(0).max(300000).default(0),
  }),
  /** The attribute naming each record's type; records of other types are filtered out. */
  typeField: z.string().min(1).default('type'),
  /** Type name -> Avro schema file (relative to the project file). Keys are the kept types. */
  schemas: z.record(name, z.string().min(1)).refine((m) => Object.keys(m).length > 0, 'at least one type'),
  /** Record field holding the partition date (UTC); default the change time. */
  partitionDateField: z.string().min(1).optional(),
  /** Database id (a key of `databases`) the per-type tables live in. */
  database: name,
  /** Avro files land at `{prefix}/avro/{type}/partition_date=YYYY-MM-DD/…`. */
  prefix: keyPrefix,
  codec: z.enum(['null', 'deflate']).default('deflate'),
  /**
   * Worker threads that decode, conform and encode batches while the consumer's thread does
   * I/O and commits: `auto` = one per core (none on one core); 0 (default) = all in the
   * consumer's thread. `npm run bench:cdc` measures both; on 2 shared cores threads gain little.
   */
  workerThreads: z.union([z.literal('auto'), z.number().int().min(0).max(64)]).default(0),
  deadLetterPrefix: keyPrefix,
  tags: z.record(z.string(), z.string()).optional(),
});

export const pipelineSchema = z.discriminatedUnion('kind', [dynamodbCdcPipelineSchema]);

export const projectSchema = z.strictObject({
  name: name,
  description: z.string().optional(),
  /** Values for `{name}` placeholders in the naming template, tags and names. */
  variables: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), z.string()).default({}),
  /** Template for resource names, e.g. `{product_code}_{environment}_{inventory_code}`. */
  naming: z.string().min(1).default('{project}_{environment}'),
  /** Tags every resource carries (values may use placeholders). */
  tags: z.record(z.string(), z.string()).default({}),
  defaultEnvironment: name.optional(),
  /** Environment name -> overlay merged over the base project (same shape, every field optional). */
  environments: z.record(name, z.record(z.string(), z.unknown())).default({}),
  /**
   * Local working state of this environment: caches, and by default the object store, catalog
   * and stream log (`{state_dir}` in paths). The CLI's `--state-dir` overrides it.
   */
  stateDir: z.string().min(1).default('.lakestack/{environment}'),
  storage: storageSchema.default({ kind: 'local', root: '{state_dir}/objects' }),
  catalog: catalogSchema.default({ kind: 'sqlite', path: '{state_dir}/catalog.db' }),
  streamTransport: streamTransportSchema.default({ kind: 'embedded', root: '{state_dir}/streams' }),
  streams: z.record(name, streamSchema).default({}),
  databases: z.record(name, databaseSchema).default({}),
  workgroups: z.record(name, workgroupSchema).default({}),
  pipelines: z.record(name, pipelineSchema).default({}),
  /** Files not referenced by any snapshot are deleted by vacuum once older than this. */
  vacuumGraceHours: z.number().min(0).default(24),
});

/** What a project file declares (input: defaults may be omitted). */
export type ProjectInput = z.input<typeof projectSchema>;
/** A validated project (defaults filled in). */
export type ProjectDefinition = z.output<typeof projectSchema>;
export type StorageConfig = z.output<typeof storageSchema>;
export type CatalogConfig = z.output<typeof catalogSchema>;
export type StreamTransportSettings = z.output<typeof streamTransportSchema>;
export type PipelineDefinition = z.output<typeof pipelineSchema>;
export type DynamodbCdcPipelineDefinition = z.output<typeof dynamodbCdcPipelineSchema>;
export type WorkgroupDefinition = z.output<typeof workgroupSchema>;
