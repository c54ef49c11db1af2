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
