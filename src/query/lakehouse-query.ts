import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataFileInfo, MetadataStore, QueryRecord, TableInfo } from '../catalog/metadata-store.ts';
import { duckDbTypeOf, quoteIdent } from '../catalog/column-types.ts';
import { LakestackError, NotFoundError, TerminalError, ValidationError, errorMessage } from '../errors.ts';
import type { Logger, Metrics } from '../observability/index.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import { csvLine } from './csv-writer.ts';
import { readBoundFilesSql } from './file-binder.ts';
import type { FileBinder } from './file-binder.ts';
import { partitionPredicate } from './partition-predicate.ts';
import type { JsonValue, QueryEngine, QuerySession, ResultColumn, ResultStream } from './query-engine.ts';
import { analyzeStatement, evaluateExpression, renderStatement, sqlString } from './sql-analysis.ts';
import type { TableRef } from './sql-analysis.ts';

/** Where a query's result and record go, and its limits (an Athena workgroup). */
export interface Workgroup {
  name: string;
  /** Object-key prefix for `<queryId>.csv` and `<queryId>.json`. */
  resultPrefix: string;
  bytesScannedCutoff?: number;
  /** Count queries and observe their latency in the platform metrics (Athena's PublishCloudWatchMetricsEnabled); default true. */
  publishMetrics?: boolean;
}

export interface QueryOptions {
  workgroup: Workgroup;
  principal?: string;
  /** Database for unqualified table names. */
  defaultDatabase?: string;
  /** Keep the result in the workgroup's result location (default true). */
  storeResult?: boolean;
}

export interface QueryStats {
  snapshotId: number;
  tables: { name: string; snapshotId: number; filesTotal: number; filesScanned: number; bytesScanned: number }[];
  filesScanned: number;
  filesPruned: number;
  bytesScanned: number;
}

export interface QueryExecution {
  queryId: string;
  columns: ResultColumn[];
  stats: QueryStats;
  /** Row batches; the query's record is written when iteration ends (or fails). */
  batches(): AsyncIterable<JsonValue[][]>;
  /** Resolves with the stored record once `batches()` has been consumed. */
  readonly record: Promise<QueryRecord>;
}

export interface LakehouseQueryDeps {
  catalog: MetadataStore;
  engine: QueryEngine;
  store: ObjectStore;
  binder: FileBinder;
  logger: Logger;
  metrics: Metrics;
}

interface PreparedQuery {
  queryId: string;
  session: QuerySession;
  /** The SQL to run: the user's, or rewritten when time travel renamed tables. */
  rendered: string;
  /** `<resultPrefix>/<queryId>`: results are `.csv` or `.parquet`, the record `.json`. */
  resultBase: string;
  stats: QueryStats;
  /** Records the failure, releases the session and rethrows. */
  fail(err: unknown, rows?: number): Promise<never>;
  /** Records success and releases the session. */
  succeed(rows: number, resultKey?: string): Promise<QueryRecord>;
}

interface Binding {
  ref: TableRef;
  table: TableInfo;
  snapshotId: number;
  files: DataFileInfo[];
  filesTotal: number;
  viewName: string;
}

/**
 * SQL over the lakehouse: resolves `database.table` (optionally `AT (VERSION => n)` or
 * `AT (TIMESTAMP => t)`) to a snapshot's files, prunes partitions the WHERE clause excludes,
 * binds the files as views in a per-query schema, streams rows, and keeps the result and its
 * record (id, SQL, rows, bytes scanned, duration, status) in the workgroup's result location.
 */
export class LakehouseQuery {
  constructor(private readonly deps: LakehouseQueryDeps) {}

  /** Runs one SELECT and streams its rows; the result is kept in the workgroup's location. */
  async execute(sql: string, options: QueryOptions): Promise<QueryExecution> {
    const q = await this.prepare(sql, options);
    let result: ResultStream;
    try {
      result = await q.session.stream(q.rendered);
    } catch (err) {
      return q.fail(err);
    }

    let resolveRecord!: (r: QueryRecord) => void;
    let rejectRecord!: (e: unknown) => void;
    const record = new Promise<QueryRecord>((res, rej) => {
      resolveRecord = res;
      rejectRecord = rej;
    });
    record.catch(() => undefined);
    const storeResult = options.storeResult ?? true;
    const store = this.deps.store;
    const columns = result.columns;

    async function* batches(): AsyncIterable<JsonValue[][]> {
      let rows = 0;
      const csv: string[] = storeResult ? [csvLine(columns.map((c) => c.name))] : [];
      try {
        for await (const batch of result.batches()) {
          rows += batch.length;
          if (storeResult) for (const row of batch) csv.push(csvLine(row));
          yield batch;
        }
      } catch (err) {
        rejectRecord(err);
        await q.fail(err, rows);
      }
      const resultKey = storeResult ? `${q.resultBase}.csv` : undefined;
      if (resultKey) await store.put(resultKey, csv.join(''), { contentType: 'text/csv' });
      resolveRecord(await q.succeed(rows, resultKey));
    }

    return { queryId: q.queryId, columns, stats: q.stats, batches, record };
  }

  /**
   * Runs one SELECT into a Parquet file (zstd) at `destination` on this machine, keeping a copy
   * as the workgroup's result. Returns the query's record.
   */
  async exportParquet(sql: string, options: QueryOptions, destination: string, scratchDir: string): Promise<QueryRecord> {
    const q = await this.prepare(sql, options);
    const scratch = join(scratchDir, `${q.queryId}.parquet`);
    let rows = 0;
    try {
      await mkdir(scratchDir, { recursive: true });
      const out = await q.session.all(`COPY (${q.rendered}) TO ${sqlString(scratch)} (FORMAT parquet, COMPRESSION zstd)`);
      rows = Number(Object.values(out[0] ?? {})[0] ?? 0);
    } catch (err) {
      return q.fail(err);
    }
    const bytes = await readFile(scratch);
    await writeFile(destination, bytes);
    await rm(scratch, { force: true });
    const resultKey = `${q.resultBase}.parquet`;
    await this.deps.store.put(resultKey, bytes, { contentType: 'application/vnd.apache.parquet' });
    return q.succeed(rows, resultKey);
  }

  /** Parses, resolves and binds tables in a fresh session with a per-query schema. */
  private async prepare(sql: string, options: QueryOptions): Promise<PreparedQuery> {
    const queryId = randomUUID();
    const started = new Date();
    const t0 = performance.now();
    const session = await this.deps.engine.openSession();
    const attached = `q_${queryId.replaceAll('-', '')}`;
    let attachedDb = false;
    let closed = false;
    const cleanup = async () => {
      if (closed) return;
      closed = true;
      try {
        if (attachedDb) {
          await session.run('USE memory');
          await session.run(`DETACH ${attached}`);
        }
      } finally {
        session.close();
      }
    };
    const resultBase = `${options.workgroup.resultPrefix.replace(/\/?$/, '/')}${queryId}`;
    const prepared: PreparedQuery = {
      queryId,
      session,
      rendered: sql,
      resultBase,
      stats: { snapshotId: 0, tables: [], filesScanned: 0, filesPruned: 0, bytesScanned: 0 },
      fail: async (err, rows = 0) => {
        await cleanup().catch(() => undefined);
        await this.record(queryId, sql, options, started, performance.now() - t0, rows, prepared.stats, 'FAILED', errorMessage(err));
        throw err;
      },
      succeed: async (rows, resultKey) => {
        await cleanup();
        return this.record(queryId, sql, options, started, performance.now() - t0, rows, prepared.stats, 'SUCCEEDED', undefined, resultKey);
      },
    };
    try {
      const analysis = await analyzeStatement(session, sql, options.defaultDatabase);
      if (analysis.statementCount !== 1) {
        throw new ValidationError('QUERY_MULTIPLE_STATEMENTS', `one statement per query, got ${analysis.statementCount}; run them one at a time`);
      }
      const current = await this.deps.catalog.currentSnapshot();
      const bindings = await this.bindTables(session, analysis.parsed.statements, analysis.tables, current.snapshotId);
      prepared.stats = this.statsOf(current.snapshotId, bindings);
      const cutoff = options.workgroup.bytesScannedCutoff;
      if (cutoff && prepared.stats.bytesScanned > cutoff) {
        throw new TerminalError(
          'QUERY_SCAN_LIMIT',
          `query would scan ${prepared.stats.bytesScanned} bytes, over workgroup "${options.workgroup.name}"'s limit of ${cutoff}; filter on partition columns to scan less`,
        );
      }
      await session.run(`ATTACH ':memory:' AS ${attached}`);
      attachedDb = true;
      await session.run(`USE ${attached}`);
      for (const db of new Set(bindings.map((b) => b.ref.database))) await session.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(db)}`);
      for (const b of bindings) await session.run(await this.viewSql(b));
      if (analysis.tables.some((t) => t.at)) prepared.rendered = await renderStatement(session, analysis.parsed);
    } catch (err) {
      return prepared.fail(err);
    }
    return prepared;
  }

  private async bindTables(session: QuerySession, statements: unknown, refs: TableRef[], currentSnapshot: number): Promise<Binding[]> {
    const bindings: Binding[] = [];
    const byView = new Map<string, Binding>();
    for (const ref of refs) {
      const snapshotId = await this.snapshotOf(session, ref, currentSnapshot);
      const table = await this.deps.catalog.getTable(ref.database, ref.table, snapshotId);
      if (!table) {
        const where = snapshotId === currentSnapshot ? '' : ` at snapshot ${snapshotId}`;
        throw new NotFoundError('QUERY_TABLE_NOT_FOUND', `table ${ref.database}.${ref.table} does not exist${where}; "lakestack tables" lists the tables`, {
          fields: { database: ref.database, table: ref.table, snapshotId },
        });
      }
      const viewName = ref.at ? `${table.name}@${snapshotId}` : table.name;
      if (ref.at) {
        ref.node.table_name = viewName;
        ref.node.at_clause = null;
      }
      const all = await this.deps.catalog.listDataFiles(table.tableId, { snapshotId });
      const predicate = partitionPredicate(statements, ref, table.partitionColumns);
      const files = predicate ? all.filter((f) => predicate(f.partitionValues)) : all;
      const key = `${ref.database}.${viewName}`;
      const existing = byView.get(key);
      if (existing) {
        // the same table read twice: the view must cover both readers' partitions
        const union = new Map([...existing.files, ...files].map((f) => [f.dataFileId, f]));
        existing.files = [...union.values()];
        continue;
      }
      const binding: Binding = { ref, table, snapshotId, files, filesTotal: all.length, viewName };
      byView.set(key, binding);
      bindings.push(binding);
    }
    return bindings;
  }

  private async snapshotOf(session: QuerySession, ref: TableRef, current: number): Promise<number> {
    if (!ref.at) return current;
    if (ref.at.unit === 'VERSION') {
      const value = Number(await evaluateExpression(session, ref.at.expr, 'BIGINT'));
      if (!Number.isInteger(value) || value < 0 || value > current) {
        throw new ValidationError('QUERY_BAD_VERSION', `AT (VERSION => ${value}) on ${ref.database}.${ref.table}: snapshots run from 0 to ${current}`);
      }
      return value;
    }
    const value = await evaluateExpression(session, ref.at.expr, 'TIMESTAMPTZ');
    const at = new Date(String(value));
    const snapshot = await this.deps.catalog.snapshotAsOf(at);
    if (!snapshot) throw new ValidationError('QUERY_BAD_TIMESTAMP', `AT (TIMESTAMP => ${String(value)}): no snapshot that early`);
    return snapshot.snapshotId;
  }

  private async viewSql(b: Binding): Promise<string> {
    const name = `${quoteIdent(b.ref.database)}.${quoteIdent(b.viewName)}`;
    const dataColumns = b.table.columns.filter((c) => !b.table.partitionColumns.includes(c.name));
    const select = [
      ...dataColumns.map((c) => quoteIdent(c.name)),
      ...b.table.partitionColumns.map((p) => quoteIdent(p)),
    ].join(', ');
    if (b.files.length === 0) {
      const typed = [
        ...dataColumns.map((c) => `CAST(NULL AS ${duckDbTypeOf(c.type)}) AS ${quoteIdent(c.name)}`),
        ...b.table.partitionColumns.map((p) => `CAST(NULL AS VARCHAR) AS ${quoteIdent(p)}`),
      ];
      return `CREATE VIEW ${name} AS SELECT ${typed.join(', ')} WHERE false`;
    }
    const bound = await this.deps.binder.bind(b.table, b.files);
    return `CREATE VIEW ${name} AS SELECT ${select} FROM ${readBoundFilesSql(bound, b.table.partitionColumns)}`;
  }

  private statsOf(snapshotId: number, bindings: Binding[]): QueryStats {
    const tables = bindings.map((b) => ({
      name: `${b.ref.database}.${b.table.name}`,
      snapshotId: b.snapshotId,
      filesTotal: b.filesTotal,
      filesScanned: b.files.length,
      bytesScanned: b.files.reduce((s, f) => s + f.sizeBytes, 0),
    }));
    return {
      snapshotId,
      tables,
      filesScanned: tables.reduce((s, t) => s + t.filesScanned, 0),
      filesPruned: tables.reduce((s, t) => s + t.filesTotal - t.filesScanned, 0),
      bytesScanned: tables.reduce((s, t) => s + t.bytesScanned, 0),
    };
  }

  private async record(
    queryId: string,
    sql: string,
    options: QueryOptions,
    startedAt: Date,
    durationMs: number,
    rows: number,
    stats: QueryStats,
    status: QueryRecord['status'],
    error?: string,
    resultKey?: string,
  ): Promise<QueryRecord> {
    const record: QueryRecord = {
      queryId,
      workgroup: options.workgroup.name,
      sql,
      status,
      startedAt,
      durationMs: Math.round(durationMs * 1000) / 1000,
      rows,
      bytesScanned: stats.bytesScanned,
      snapshotId: stats.snapshotId,
      ...(options.principal ? { principal: options.principal } : {}),
      ...(resultKey ? { resultKey } : {}),
      ...(error ? { error } : {}),
    };
    if (options.workgroup.publishMetrics !== false) {
      this.deps.metrics.increment('queries', { workgroup: options.workgroup.name, status });
      this.deps.metrics.increment('bytes_scanned', { workgroup: options.workgroup.name }, stats.bytesScanned);
      this.deps.metrics.observe('query_ms', { workgroup: options.workgroup.name }, durationMs);
    }
    try {
      await this.deps.catalog.recordQuery(record);
      const metaKey = `${options.workgroup.resultPrefix.replace(/\/?$/, '/')}${queryId}.json`;
      await this.deps.store.put(metaKey, JSON.stringify({ ...record, stats }, null, 2), { contentType: 'application/json' });
    } catch (err) {
      // the query's own outcome matters more than its bookkeeping; log and carry on
      this.deps.logger.warn({ queryId, err: err instanceof LakestackError ? err.toJSON() : errorMessage(err) }, 'could not record query');
    }
    return record;
  }
}
