/**
 * The catalog's public face: the `MetadataStore` port and its types, column types, schema
 * diffs, and the factory that opens a configured store. Other folders import only this file.
 */
export type {
  AlterTableSpec,
  Checkpoint,
  CheckpointWrite,
  ColumnInfo,
  ColumnStats,
  CommitRequest,
  CommitResult,
  CreateTableSpec,
  DatabaseInfo,
  DataFileInfo,
  ListDataFilesOptions,
  MetadataStore,
  NewDataFile,
  QueryRecord,
  RunRecord,
  SnapshotInfo,
  TableChange,
  TableFormat,
  TableInfo,
} from './metadata-store.ts';
export { SCALAR_TYPES, duckDbTypeOf, formatColumnType, quoteIdent } from './column-types.ts';
export type { ColumnSpec, ColumnType, ScalarTypeName } from './column-types.ts';
export { diffColumns } from './schema-change.ts';
export type { SchemaDiff } from './schema-change.ts';
export { validateColumns } from './catalog-validation.ts';
export { createMetadataStore } from './create-metadata-store.ts';
export type { MetadataStoreConfig, SqliteMetadataStoreConfig } from './create-metadata-store.ts';
export { SqliteMetadataStore, openSqliteMetadataStore } from './sqlite/sqlite-metadata-store.ts';
export * from './crawler/index.ts';
