import { NotFoundError, ValidationError } from '../../errors.ts';
import type { QueryEngine } from '../../query/query-engine.ts';
import { hasLocalFileAccess, type ObjectInfo, type ObjectStore } from '../../storage/index.ts';
import type { ColumnSpec } from '../column-types.ts';
import type { MetadataStore, TableInfo } from '../metadata-store.ts';
import { contractDecision, type Discard, type SchemaContract } from './contract-decision.ts';
import { detectHivePartitions } from './hive-partitions.ts';
import { inferFileSchema, type FileSchema, type SourceFormat } from './infer-file-schema.ts';
import { mergeSchemas } from './promote-types.ts';

/** Table property naming the format of the source files (the table format field only knows parquet/avro). */
export const SOURCE_FORMAT_PROPERTY = 'source.format';
/** Table property recording the contract the crawler applied. */
export const CONTRACT_PROPERTY = 'crawler.contract';

export interface CrawlOptions {
  store: ObjectStore;
  engine: QueryEngine;
  catalog: MetadataStore;
  /** Object-store prefix holding the files; a missing trailing `/` is added. */
  prefix: string;
  database: string;
  table: string;
  contract: SchemaContract;
  /** Infer and decide, but change nothing in the catalog. Default false. */
  dryRun?: boolean;
}

export interface CrawledFile {
  key: string;
  size: number;
  rowCount: number;
  /** Hive partition values from the key (as written in the path). */
  partitionValues: Record<string, string>;
}

export interface CrawlResult {
  action: 'create' | 'update' | 'unchanged' | 'blocked';
  /** Lines of what was (or, in a dry run, would be) applied: `+ column score float64`, `~ column n int32 -> int64`. */
  diff: string[];
  /** For `blocked`: why. */
  reasons: string[];
  /** For the discard contracts: what loaders will drop instead of changing the table. */
  discards: Discard[];
  /** The table's columns after the crawl (data columns, then partition columns). */
  columns: ColumnSpec[];
  partitionColumns: string[];
  format: SourceFormat;
  files: CrawledFile[];
  /** The catalog table after the crawl; undefined in a dry run that would create it. */
  tableInfo?: TableInfo;
}

const EXTENSIONS: [RegExp, SourceFormat][] = [
  [/\.parquet$/i, 'parquet'],
  [/\.csv(\.gz)?$/i, 'csv'],
  [/\.(jsonl|ndjson|json)(\.gz)?$/i, 'jsonl'],
];

/**
 * Crawls the files under `prefix` (AWS Glue crawler style) into the catalog table
 * `database.table`: infers each file's schema with DuckDB, merges them with type promotion
 * (`mergeSchemas`), adds the Hive partition columns, then applies the table's schema contract
 * (`contractDecision`). `create` makes the table (and the database when missing) at `prefix`,
 * `update` alters its columns, `blocked` and the discard contracts change nothing.
 * The table format is `parquet`; CSV and JSON-lines sources record `source.format` in the
 * properties. Files whose names start with `_` or `.` and unknown extensions are skipped.
 * No data files are registered: the table describes the files in place, as a Glue table does.
 * Errors: `ValidationError` codes `CRAWL_NEEDS_LOCAL_FILES` (the store has no local paths),
 * `CRAWL_MIXED_FORMATS`, `CRAWL_PARTITIONS_INCONSISTENT`, `CRAWL_TYPE_UNSUPPORTED`;
 * `NotFoundError` code `CRAWL_NO_FILES`.
 */
export async function crawlPrefix(options: CrawlOptions): Promise<CrawlResult> {
  const { store, engine, catalog, database, table, contract } = options;
  const prefix = options.prefix === '' || options.prefix.endsWith('/') ? options.prefix : `${options.prefix}/`;
  if (!hasLocalFileAccess(store)) {
    throw new ValidationError('CRAWL_NEEDS_LOCAL_FILES', `cannot crawl "${prefix}" in ${store.kind} store ${store.location}: DuckDB needs local files; crawl a local store`, { fields: { prefix } });
  }
  const { format, objects } = await listSourceFiles(store, prefix);
  const partitions = detectHivePartitions(prefix, objects.map((o) => o.key));
  const partitionNames = new Set(partitions.columns.map((c) => c.name));

  const files: CrawledFile[] = [];
  const schemas: FileSchema[] = [];
  const session = await engine.openSession();
  try {
    for (const object of objects) {
      const schema = await inferFileSchema(session, store.localPath(object.key), format);
      schemas.push({ ...schema, columns: schema.columns.filter((c) => !partitionNames.has(c.name)) });
      files.push({ key: object.key, size: object.size, rowCount: schema.rowCount, partitionValues: partitions.values.get(object.key) ?? {} });
    }
  } finally {
    session.close();
  }
  const inferred = [...mergeFileSchemas(schemas), ...partitions.columns];
  const partitionColumns = partitions.columns.map((c) => c.name);

  const existing = await catalog.getTable(database, table);
  const base = { format, files, partitionColumns };
  const conflicts = existing === undefined ? [] : tableConflicts(existing, format, partitionColumns);
  if (existing !== undefined && conflicts.length > 0) {
    return { ...base, action: 'blocked', diff: [], reasons: conflicts, discards: [], columns: specsOf(existing.columns), partitionColumns: existing.partitionColumns, tableInfo: existing };
  }
  const decision = contractDecision(existing === undefined ? undefined : specsOf(existing.columns), inferred, contract);
  const result: CrawlResult = { ...base, action: decision.action, diff: decision.diff, reasons: decision.reasons, discards: decision.discards, columns: decision.columns };
  if (existing !== undefined) result.tableInfo = existing;
  if (options.dryRun === true) return result;

  const properties = { [SOURCE_FORMAT_PROPERTY]: format, [CONTRACT_PROPERTY]: contract };
  if (decision.action === 'create') {
    if ((await catalog.getDatabase(database)) === undefined) await catalog.createDatabase(database);
    result.tableInfo = await catalog.createTable({ database, name: table, format: 'parquet', path: prefix, columns: decision.columns, partitionColumns, properties });
  } else if (decision.action === 'update' && existing !== undefined) {
    result.tableInfo = await catalog.alterTable(existing.tableId, { columns: decision.columns, properties });
  }
  return result;
}

/**
 * `mergeSchemas` over the files, where a column that is null in every row of a file does not
 * take part in that file's type (its type is a guess); a column null everywhere keeps the guess.
 */
function mergeFileSchemas(files: readonly FileSchema[]): ColumnSpec[] {
  const typed = new Map(mergeSchemas(files.map((f) => f.columns.filter((c) => !f.untyped.includes(c.name)))).map((c) => [c.name, c]));
  return mergeSchemas(files.map((f) => f.columns)).map((c) => {
    const column = typed.get(c.name) ?? { ...c, nullable: true };
    // a file where the column is all null or missing makes it nullable
    return { ...column, nullable: column.nullable || c.nullable };
  });
}

/** The data files under `prefix` and their one format. */
async function listSourceFiles(store: ObjectStore, prefix: string): Promise<{ format: SourceFormat; objects: ObjectInfo[] }> {
  const listed = await store.list(prefix);
  const objects: ObjectInfo[] = [];
  const formats = new Map<SourceFormat, string>();
  for (const object of listed.objects) {
    const name = object.key.slice(object.key.lastIndexOf('/') + 1);
    const format = EXTENSIONS.find(([pattern]) => pattern.test(name))?.[1];
    if (format === undefined || name.startsWith('_') || name.startsWith('.') || object.size === 0) continue;
    objects.push(object);
    if (!formats.has(format)) formats.set(format, object.key);
  }
  const [first] = formats.keys();
  if (first === undefined) {
    throw new NotFoundError('CRAWL_NO_FILES', `no .parquet, .csv or .jsonl files under "${prefix}" in ${store.location}; check the prefix`, { fields: { prefix } });
  }
  if (formats.size > 1) {
    const seen = [...formats].map(([f, key]) => `${f} ("${key}")`).join(', ');
    throw new ValidationError('CRAWL_MIXED_FORMATS', `files under "${prefix}" mix formats: ${seen}; crawl each format under its own prefix`, { fields: { prefix } });
  }
  return { format: first, objects };
}

/** Differences no contract can absorb: the catalog cannot change a table's partitioning or source format in place. */
function tableConflicts(existing: TableInfo, format: SourceFormat, partitionColumns: readonly string[]): string[] {
  const reasons: string[] = [];
  const label = `table "${existing.database}.${existing.name}"`;
  const recorded = existing.properties[SOURCE_FORMAT_PROPERTY] ?? existing.format;
  if (recorded !== format) reasons.push(`${label} reads ${recorded} files but the prefix now holds ${format}; drop and crawl it again`);
  if (existing.partitionColumns.join('/') !== partitionColumns.join('/')) {
    reasons.push(`${label} is partitioned by (${existing.partitionColumns.join(', ')}) but the files are by (${partitionColumns.join(', ')}); drop and crawl it again`);
  }
  return reasons;
}

/** Catalog columns without their ids. */
function specsOf(columns: readonly ColumnSpec[]): ColumnSpec[] {
  return columns.map((c) => {
    const spec: ColumnSpec = { name: c.name, type: structuredClone(c.type), nullable: c.nullable };
    if (c.doc !== undefined) spec.doc = c.doc;
    return spec;
  });
}
