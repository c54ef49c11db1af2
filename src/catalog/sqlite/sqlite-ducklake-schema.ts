/**
 * The SQLite catalog's tables: the DuckLake v1.0 catalog (names, columns and column types as in
 * the specification's "Tables" pages, so DuckDB's `ducklake` extension can read the file), plus
 * the `lakestack_*` tables for what DuckLake lacks. Applied by `migrateSqliteCatalog` one
 * numbered step at a time; the applied steps are recorded in `lakestack_schema_migration`.
 *
 * SQLite keeps the declared type names (`BIGINT`, `VARCHAR`, `BOOLEAN`, `UUID`, `TIMESTAMPTZ`)
 * and stores booleans as 0/1, UUIDs as text and timestamps as ISO-8601 UTC text
 * (`2024-05-01T12:00:00.000Z`), which sorts in time order.
 */

/** One step of the catalog's stored format. `up` runs inside the step's transaction. */
export interface SqliteMigration {
  version: number;
  description: string;
  up: string;
}

/** The DuckLake catalog tables, as the v1.0 specification defines them. */
export const DUCKLAKE_TABLES_DDL = `
CREATE TABLE ducklake_metadata (key VARCHAR NOT NULL, value VARCHAR NOT NULL, scope VARCHAR, scope_id BIGINT);
CREATE TABLE ducklake_snapshot (snapshot_id BIGINT PRIMARY KEY, snapshot_time TIMESTAMPTZ, schema_version BIGINT, next_catalog_id BIGINT, next_file_id BIGINT);
CREATE TABLE ducklake_snapshot_changes (snapshot_id BIGINT PRIMARY KEY, changes_made VARCHAR, author VARCHAR, commit_message VARCHAR, commit_extra_info VARCHAR);
CREATE TABLE ducklake_schema (schema_id BIGINT PRIMARY KEY, schema_uuid UUID, begin_snapshot BIGINT, end_snapshot BIGINT, schema_name VARCHAR, path VARCHAR, path_is_relative BOOLEAN);
CREATE TABLE ducklake_table (table_id BIGINT, table_uuid UUID, begin_snapshot BIGINT, end_snapshot BIGINT, schema_id BIGINT, table_name VARCHAR, path VARCHAR, path_is_relative BOOLEAN);
CREATE TABLE ducklake_view (view_id BIGINT, view_uuid UUID, begin_snapshot BIGINT, end_snapshot BIGINT, schema_id BIGINT, view_name VARCHAR, dialect VARCHAR, sql VARCHAR, column_aliases VARCHAR);
CREATE TABLE ducklake_tag (object_id BIGINT, begin_snapshot BIGINT, end_snapshot BIGINT, key VARCHAR, value VARCHAR);
CREATE TABLE ducklake_column_tag (table_id BIGINT, column_id BIGINT, begin_snapshot BIGINT, end_snapshot BIGINT, key VARCHAR, value VARCHAR);
CREATE TABLE ducklake_data_file (data_file_id BIGINT PRIMARY KEY, table_id BIGINT, begin_snapshot BIGINT, end_snapshot BIGINT, file_order BIGINT, path VARCHAR, path_is_relative BOOLEAN, file_format VARCHAR, record_count BIGINT, file_size_bytes BIGINT, footer_size BIGINT, row_id_start BIGINT, partition_id BIGINT, encryption_key VARCHAR, mapping_id BIGINT, partial_max BIGINT);
CREATE TABLE ducklake_file_column_stats (data_file_id BIGINT, table_id BIGINT, column_id BIGINT, column_size_bytes BIGINT, value_count BIGINT, null_count BIGINT, min_value VARCHAR, max_value VARCHAR, contains_nan BOOLEAN, extra_stats VARCHAR);
CREATE TABLE ducklake_delete_file (delete_file_id BIGINT PRIMARY KEY, table_id BIGINT, begin_snapshot BIGINT, end_snapshot BIGINT, data_file_id BIGINT, path VARCHAR, path_is_relative BOOLEAN, format VARCHAR, delete_count BIGINT, file_size_bytes BIGINT, footer_size BIGINT, encryption_key VARCHAR, partial_max BIGINT);
CREATE TABLE ducklake_column (column_id BIGINT, begin_snapshot BIGINT, end_snapshot BIGINT, table_id BIGINT, column_order BIGINT, column_name VARCHAR, column_type VARCHAR, initial_default VARCHAR, default_value VARCHAR, nulls_allowed BOOLEAN, parent_column BIGINT, default_value_type VARCHAR, default_value_dialect VARCHAR);
CREATE TABLE ducklake_table_stats (table_id BIGINT, record_count BIGINT, next_row_id BIGINT, file_size_bytes BIGINT);
CREATE TABLE ducklake_table_column_stats (table_id BIGINT, column_id BIGINT, contains_null BOOLEAN, contains_nan BOOLEAN, min_value VARCHAR, max_value VARCHAR, extra_stats VARCHAR);
CREATE TABLE ducklake_partition_info (partition_id BIGINT, table_id BIGINT, begin_snapshot BIGINT, end_snapshot BIGINT);
CREATE TABLE ducklake_partition_column (partition_id BIGINT, table_id BIGINT, partition_key_index BIGINT, column_id BIGINT, transform VARCHAR);
CREATE TABLE ducklake_file_partition_value (data_file_id BIGINT, table_id BIGINT, partition_key_index BIGINT, partition_value VARCHAR);
CREATE TABLE ducklake_files_scheduled_for_deletion (data_file_id BIGINT, path VARCHAR, path_is_relative BOOLEAN, schedule_start TIMESTAMPTZ);
CREATE TABLE ducklake_inlined_data_tables (table_id BIGINT, table_name VARCHAR, schema_version BIGINT);
CREATE TABLE ducklake_column_mapping (mapping_id BIGINT, table_id BIGINT, type VARCHAR);
CREATE TABLE ducklake_name_mapping (mapping_id BIGINT, column_id BIGINT, source_name VARCHAR, target_field_id BIGINT, parent_column BIGINT, is_partition BOOLEAN);
CREATE TABLE ducklake_schema_versions (begin_snapshot BIGINT, schema_version BIGINT, table_id BIGINT);
`;

/**
 * Tables the reference implementation (the `ducklake` extension) also creates for a v1.0
 * catalog, though the specification's table pages do not list them; present so the extension
 * finds every table it loads. lakestack never writes them.
 */
export const DUCKLAKE_EXTENSION_TABLES_DDL = `
CREATE TABLE ducklake_file_variant_stats (data_file_id BIGINT, table_id BIGINT, column_id BIGINT, variant_path VARCHAR, shredded_type VARCHAR, column_size_bytes BIGINT, value_count BIGINT, null_count BIGINT, min_value VARCHAR, max_value VARCHAR, contains_nan BOOLEAN, extra_stats VARCHAR);
CREATE TABLE ducklake_macro (schema_id BIGINT, macro_id BIGINT, macro_name VARCHAR, begin_snapshot BIGINT, end_snapshot BIGINT);
CREATE TABLE ducklake_macro_impl (macro_id BIGINT, impl_id BIGINT, dialect VARCHAR, sql VARCHAR, type VARCHAR);
CREATE TABLE ducklake_macro_parameters (macro_id BIGINT, impl_id BIGINT, column_id BIGINT, parameter_name VARCHAR, parameter_type VARCHAR, default_value VARCHAR, default_value_type VARCHAR);
CREATE TABLE ducklake_sort_info (sort_id BIGINT, table_id BIGINT, begin_snapshot BIGINT, end_snapshot BIGINT);
CREATE TABLE ducklake_sort_expression (sort_id BIGINT, table_id BIGINT, sort_key_index BIGINT, expression VARCHAR, dialect VARCHAR, sort_direction VARCHAR, null_order VARCHAR);
`;

/** Indexes for lakestack's access paths; DuckLake defines none, and readers ignore them. */
export const DUCKLAKE_INDEXES_DDL = `
CREATE INDEX ducklake_schema_name_idx ON ducklake_schema (schema_name, begin_snapshot);
CREATE INDEX ducklake_table_id_idx ON ducklake_table (table_id);
CREATE INDEX ducklake_table_name_idx ON ducklake_table (schema_id, table_name, begin_snapshot);
CREATE INDEX ducklake_column_table_idx ON ducklake_column (table_id, begin_snapshot);
CREATE INDEX ducklake_column_tag_table_idx ON ducklake_column_tag (table_id, column_id);
CREATE INDEX ducklake_tag_object_idx ON ducklake_tag (object_id);
CREATE INDEX ducklake_data_file_table_idx ON ducklake_data_file (table_id, end_snapshot);
CREATE INDEX ducklake_data_file_path_idx ON ducklake_data_file (table_id, path);
CREATE INDEX ducklake_data_file_end_idx ON ducklake_data_file (end_snapshot);
CREATE INDEX ducklake_file_column_stats_file_idx ON ducklake_file_column_stats (data_file_id);
CREATE INDEX ducklake_file_partition_value_file_idx ON ducklake_file_partition_value (data_file_id);
CREATE UNIQUE INDEX ducklake_table_stats_table_idx ON ducklake_table_stats (table_id);
CREATE UNIQUE INDEX ducklake_table_column_stats_idx ON ducklake_table_column_stats (table_id, column_id);
CREATE INDEX ducklake_partition_info_table_idx ON ducklake_partition_info (table_id);
CREATE INDEX ducklake_schema_versions_table_idx ON ducklake_schema_versions (table_id, begin_snapshot);
`;

/** lakestack's own tables: what a table is beyond DuckLake, and the control-plane records. */
export const LAKESTACK_TABLES_DDL = `
CREATE TABLE lakestack_table (
  table_id BIGINT PRIMARY KEY,
  schema_name VARCHAR NOT NULL,
  table_name VARCHAR NOT NULL,
  format VARCHAR NOT NULL,
  table_version BIGINT NOT NULL,
  schema_version BIGINT NOT NULL,
  partition_columns VARCHAR NOT NULL,
  properties VARCHAR NOT NULL
);
CREATE INDEX lakestack_table_name_idx ON lakestack_table (schema_name, table_name);
CREATE TABLE lakestack_snapshot_table (
  table_id BIGINT NOT NULL,
  snapshot_id BIGINT NOT NULL,
  PRIMARY KEY (table_id, snapshot_id)
);
CREATE TABLE lakestack_stream_checkpoint (
  consumer VARCHAR NOT NULL,
  stream VARCHAR NOT NULL,
  shard VARCHAR NOT NULL,
  position VARCHAR NOT NULL,
  snapshot_id BIGINT NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (consumer, stream, shard)
);
CREATE TABLE lakestack_query_history (
  query_id VARCHAR PRIMARY KEY,
  workgroup VARCHAR NOT NULL,
  sql VARCHAR NOT NULL,
  principal VARCHAR,
  status VARCHAR NOT NULL,
  started_at TIMESTAMPTZ NOT NULL,
  duration_ms BIGINT NOT NULL,
  row_count BIGINT NOT NULL,
  bytes_scanned BIGINT NOT NULL,
  result_key VARCHAR,
  snapshot_id BIGINT,
  error VARCHAR
);
CREATE INDEX lakestack_query_history_started_idx ON lakestack_query_history (workgroup, started_at);
CREATE INDEX lakestack_query_history_time_idx ON lakestack_query_history (started_at);
CREATE TABLE lakestack_run_history (
  run_id VARCHAR PRIMARY KEY,
  pipeline VARCHAR NOT NULL,
  kind VARCHAR NOT NULL,
  trigger VARCHAR NOT NULL,
  status VARCHAR NOT NULL,
  started_at TIMESTAMPTZ NOT NULL,
  finished_at TIMESTAMPTZ,
  counts VARCHAR NOT NULL,
  snapshot_id BIGINT,
  error VARCHAR
);
CREATE INDEX lakestack_run_history_pipeline_idx ON lakestack_run_history (pipeline, started_at);
CREATE INDEX lakestack_run_history_time_idx ON lakestack_run_history (started_at);
`;

/** The bookkeeping table of applied steps; created before any step runs. */
export const MIGRATION_TABLE_DDL = `
CREATE TABLE IF NOT EXISTS lakestack_schema_migration (
  version BIGINT PRIMARY KEY,
  description VARCHAR NOT NULL,
  applied_at TIMESTAMPTZ NOT NULL
)`;

/**
 * Every step, oldest first; a new step is appended, never edited. Step 1 also writes
 * snapshot 0 (the empty catalog) and the DuckLake `version` key.
 */
export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    description: 'DuckLake v1.0 catalog tables, lakestack tables, snapshot 0',
    up: `${DUCKLAKE_TABLES_DDL}
${DUCKLAKE_EXTENSION_TABLES_DDL}
${DUCKLAKE_INDEXES_DDL}
${LAKESTACK_TABLES_DDL}
INSERT INTO ducklake_metadata (key, value) VALUES ('version', '1.0'), ('created_by', 'lakestack'), ('encrypted', 'false');
INSERT INTO ducklake_snapshot VALUES (0, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 0, 1, 0);
INSERT INTO ducklake_snapshot_changes VALUES (0, '', NULL, NULL, NULL);
`,
  },
  {
    version: 2,
    description: 'processed-file ledger',
    up: `CREATE TABLE lakestack_processed_file (
  consumer VARCHAR NOT NULL,
  key VARCHAR NOT NULL,
  etag VARCHAR NOT NULL,
  size_bytes BIGINT NOT NULL,
  snapshot_id BIGINT NOT NULL,
  processed_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (consumer, key)
);`,
  },
];

/** The stored format this code reads and writes (the last step's version). */
export const CATALOG_FORMAT_VERSION = SQLITE_MIGRATIONS[SQLITE_MIGRATIONS.length - 1]?.version ?? 0;
