import type { MetadataStore } from './metadata-store.ts';
import { openSqliteMetadataStore } from './sqlite/sqlite-metadata-store.ts';

/** The embedded catalog: one SQLite file (or `:memory:`). */
export interface SqliteMetadataStoreConfig {
  kind: 'sqlite';
  path: string;
}

/** Which metadata store to open; a `postgres` member joins this union when that adapter lands. */
export type MetadataStoreConfig = SqliteMetadataStoreConfig;

/**
 * Opens the metadata store a configuration names, creating or migrating its catalog.
 * Only the composition root calls this; everything else receives the `MetadataStore`.
 */
export async function createMetadataStore(config: MetadataStoreConfig): Promise<MetadataStore> {
  switch (config.kind) {
    case 'sqlite':
      return openSqliteMetadataStore(config.path);
  }
}
