import type { DataFileInfo, TableInfo } from '../catalog/metadata-store.ts';
import { TerminalError } from '../errors.ts';
import type { Logger } from '../observability/index.ts';
import { AvroCompanionBinder } from '../query/companions/avro-companion-binder.ts';
import type { BoundFiles, FileBinder } from '../query/file-binder.ts';
import type { QueryEngine } from '../query/query-engine.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import { hasLocalFileAccess } from '../storage/object-store.ts';

/** The binder a platform uses: Avro tables through companions, Parquet files in place. */
export interface PlatformFileBinder extends FileBinder {
  /** Builds Avro companions ahead of the first query. */
  warm(table: TableInfo, files: DataFileInfo[]): Promise<void>;
  /** Drops cached companions of data files vacuum deleted. */
  forget(files: { tableId: number; dataFileId: number }[]): Promise<void>;
}

export function createFileBinder(deps: { store: ObjectStore; engine: QueryEngine; cacheDir: string; logger: Logger }): PlatformFileBinder {
  const avro = new AvroCompanionBinder(deps);
  const { store } = deps;
  return {
    async bind(table, files): Promise<BoundFiles> {
      if (table.format === 'avro') return avro.bind(table, files);
      if (!hasLocalFileAccess(store)) {
        throw new TerminalError('QUERY_REMOTE_PARQUET', `table ${table.database}.${table.name} lives in ${store.location}; querying remote Parquet needs the download cache (not built yet)`);
      }
      return { paths: files.map((f) => store.localPath(f.path)), hivePartitioning: true };
    },
    async warm(table, files) {
      if (table.format === 'avro') await avro.warm(table, files);
    },
    forget: (files) => avro.forget(files),
  };
}
