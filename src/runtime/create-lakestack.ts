import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createMetadataStore } from '../catalog/index.ts';
import type { MetadataStore } from '../catalog/metadata-store.ts';
import type { ResolvedProject } from '../config/index.ts';
import { NotFoundError } from '../errors.ts';
import { createLogger, Metrics } from '../observability/index.ts';
import type { Logger } from '../observability/index.ts';
import { DuckDbQueryEngine } from '../query/duckdb/duckdb-query-engine.ts';
import { LakehouseQuery } from '../query/lakehouse-query.ts';
import type { Workgroup } from '../query/lakehouse-query.ts';
import type { QueryEngine } from '../query/query-engine.ts';
import { createObjectStore } from '../storage/index.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import { createStreamTransport } from '../streams/index.ts';
import type { StreamTransport } from '../streams/stream-transport.ts';
import { TableManager } from '../tables/index.ts';
import { createFileBinder } from './file-binders.ts';
import type { PlatformFileBinder } from './file-binders.ts';

/** The platform for one project and environment: every adapter, built once. */
export interface Lakestack {
  readonly project: ResolvedProject;
  readonly store: ObjectStore;
  readonly catalog: MetadataStore;
  readonly streams: StreamTransport;
  readonly engine: QueryEngine;
  readonly query: LakehouseQuery;
  readonly tables: TableManager;
  /** Turns data files into files the engine scans (Avro companions); vacuum prunes it. */
  readonly binder: PlatformFileBinder;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Folder for caches (companions, downloads) of this environment. */
  readonly cacheDir: string;
  /** A workgroup by id (default: the first declared, or one named after the project). */
  workgroup(id?: string): Workgroup;
  close(): Promise<void>;
}

export interface CreateLakestackOptions {
  logger?: Logger;
}

/**
 * The one composition root: builds the object store, metadata store, stream transport and
 * query engine the project's configuration names, and the services over them. Nothing else
 * constructs adapters.
 */
export async function createLakestack(project: ResolvedProject, options: CreateLakestackOptions = {}): Promise<Lakestack> {
  const logger = options.logger ?? createLogger();
  const metrics = new Metrics();
  const cacheDir = join(project.stateDir, 'cache');
  mkdirSync(cacheDir, { recursive: true });
  if (project.catalog.path !== ':memory:') mkdirSync(join(project.catalog.path, '..'), { recursive: true });

  const store = createObjectStore(project.storage);
  const catalog = await createMetadataStore(project.catalog);
  const streams = createStreamTransport(project.streamTransport);
  const allowed = [cacheDir, ...(project.storage.kind === 'local' ? [project.storage.root] : [])];
  const engine = new DuckDbQueryEngine({ allowedDirectories: allowed, tempDirectory: join(cacheDir, 'duckdb-tmp') });
  const binder = createFileBinder({ store, engine, cacheDir, logger });
  const query = new LakehouseQuery({ catalog, engine, store, binder, logger, metrics });
  const tables = new TableManager(catalog, logger);

  const workgroup = (id?: string): Workgroup => {
    const entries = Object.entries(project.workgroups);
    const found = id === undefined ? entries[0] : entries.find(([key, wg]) => key === id || wg.name === id);
    if (!found) {
      if (id !== undefined) {
        throw new NotFoundError('WORKGROUP_NOT_FOUND', `workgroup "${id}" is not declared; declared: ${entries.map(([k]) => k).join(', ') || 'none'}`);
      }
      return { name: project.resourceName, resultPrefix: 'query-results' };
    }
    const wg = found[1];
    return {
      name: wg.name,
      resultPrefix: wg.resultPrefix,
      publishMetrics: wg.publishMetrics,
      ...(wg.bytesScannedCutoff ? { bytesScannedCutoff: wg.bytesScannedCutoff } : {}),
    };
  };

  return {
    project,
    store,
    catalog,
    streams,
    engine,
    query,
    tables,
    binder,
    logger,
    metrics,
    cacheDir,
    workgroup,
    async close() {
      await engine.close();
      await streams.close();
      await catalog.close();
      await store.close();
    },
  };
}
