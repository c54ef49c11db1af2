import type { DataFileInfo, TableInfo } from '../catalog/metadata-store.ts';

/**
 * Turns a table's data files into Parquet files on this machine that the engine can scan, with
 * every catalog column present (partition columns included). Parquet tables on local disk bind
 * to the files themselves; Avro tables bind to columnar companions; remote stores to a cache.
 */
export interface FileBinder {
  bind(table: TableInfo, files: DataFileInfo[]): Promise<BoundFiles>;
}

export interface BoundFiles {
  /** Absolute paths of Parquet files, in the order of `files`. */
  paths: string[];
  /** Whether partition columns must be read from Hive-style paths (true) or are in the files (false). */
  hivePartitioning: boolean;
}

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * The `read_parquet(…)` call that scans bound files (or a subset of their paths): columns
 * unioned by name, Hive partition columns read from the paths as VARCHAR when the binder says
 * they live there, and optionally each row's `filename`.
 */
export function readBoundFilesSql(bound: BoundFiles, partitionColumns: string[], options: { paths?: string[]; filename?: boolean } = {}): string {
  const paths = options.paths ?? bound.paths;
  const hive =
    bound.hivePartitioning && partitionColumns.length > 0
      ? `, hive_partitioning = true, hive_types = {${partitionColumns.map((p) => `${sqlString(p)}: 'VARCHAR'`).join(', ')}}`
      : ', hive_partitioning = false';
  return `read_parquet([${paths.map(sqlString).join(', ')}], union_by_name = true${options.filename ? ', filename = true' : ''}${hive})`;
}
