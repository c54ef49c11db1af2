/**
 * The crawler's public face: infer schemas of CSV, JSON-lines and Parquet files under a prefix,
 * merge them with type promotion, detect Hive partitions, and create or update a catalog table
 * under a schema contract. Other folders import only this file.
 */
export { crawlPrefix, CONTRACT_PROPERTY, SOURCE_FORMAT_PROPERTY } from './crawler.ts';
export type { CrawledFile, CrawlOptions, CrawlResult } from './crawler.ts';
export { contractDecision, diffLine, SCHEMA_CONTRACTS } from './contract-decision.ts';
export type { ContractDecision, Discard, SchemaChange, SchemaContract } from './contract-decision.ts';
export { formatCrawlReport } from './crawl-report.ts';
export { columnTypeOfDuckDb } from './duckdb-column-type.ts';
export { detectHivePartitions, HIVE_NULL_PARTITION } from './hive-partitions.ts';
export type { HivePartitions } from './hive-partitions.ts';
export { inferFileSchema, sourceReader } from './infer-file-schema.ts';
export type { FileSchema, SourceFormat } from './infer-file-schema.ts';
export { mergeSchemas, promoteType } from './promote-types.ts';
