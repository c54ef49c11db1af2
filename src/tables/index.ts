export { dataFileKey, escapePartitionValue } from './data-file-key.ts';
export { TableManager } from './table-manager.ts';
export type { EnsureTableResult, TableChangeVerdict } from './table-manager.ts';
export { commitWithRetry } from './commit-with-retry.ts';
export { vacuum } from './vacuum.ts';
export type { VacuumOptions, VacuumReport } from './vacuum.ts';
export { writeParquetDataFiles } from './parquet-data-writer.ts';
export type { ParquetDataWriterDeps, WriteParquetOptions } from './parquet-data-writer.ts';
