import type { QueryRecord, RunRecord } from '../metadata-store.ts';
import type { SqliteCatalogDb } from './sqlite-catalog-db.ts';

/** Query and run history rows: `lakestack_query_history`, `lakestack_run_history`. */

interface QueryRow {
  query_id: string;
  workgroup: string;
  sql: string;
  principal: string | null;
  status: QueryRecord['status'];
  started_at: string;
  duration_ms: number;
  row_count: number;
  bytes_scanned: number;
  result_key: string | null;
  snapshot_id: number | null;
  error: string | null;
}

export function writeQuery(cat: SqliteCatalogDb, r: QueryRecord): void {
  cat
    .stmt(
      `INSERT OR REPLACE INTO lakestack_query_history (query_id, workgroup, sql, principal, status, started_at, duration_ms, row_count, bytes_scanned, result_key, snapshot_id, error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(r.queryId, r.workgroup, r.sql, r.principal ?? null, r.status, r.startedAt.toISOString(), r.durationMs, r.rows, r.bytesScanned, r.resultKey ?? null, r.snapshotId ?? null, r.error ?? null);
}

export function readQueries(cat: SqliteCatalogDb, options: { workgroup?: string; limit?: number }): QueryRecord[] {
  const limit = options.limit ?? -1;
  const rows =
    options.workgroup === undefined
      ? cat.stmt<QueryRow>('SELECT * FROM lakestack_query_history ORDER BY started_at DESC, rowid DESC LIMIT ?').all(limit)
      : cat.stmt<QueryRow>('SELECT * FROM lakestack_query_history WHERE workgroup = ? ORDER BY started_at DESC, rowid DESC LIMIT ?').all(options.workgroup, limit);
  return rows.map(toQueryRecord);
}

export function readQuery(cat: SqliteCatalogDb, queryId: string): QueryRecord | undefined {
  const row = cat.stmt<QueryRow>('SELECT * FROM lakestack_query_history WHERE query_id = ?').get(queryId);
  return row === undefined ? undefined : toQueryRecord(row);
}

function toQueryRecord(row: QueryRow): QueryRecord {
  const record: QueryRecord = {
    queryId: row.query_id,
    workgroup: row.workgroup,
    sql: row.sql,
    status: row.status,
    startedAt: new Date(row.started_at),
    durationMs: row.duration_ms,
    rows: row.row_count,
    bytesScanned: row.bytes_scanned,
  };
  if (row.principal !== null) record.principal = row.principal;
  if (row.result_key !== null) record.resultKey = row.result_key;
  if (row.snapshot_id !== null) record.snapshotId = row.snapshot_id;
  if (row.error !== null) record.error = row.error;
  return record;
}

interface RunRow {
  run_id: string;
  pipeline: string;
  kind: string;
  trigger: string;
  status: RunRecord['status'];
  started_at: string;
  finished_at: string | null;
  counts: string;
  snapshot_id: number | null;
  error: string | null;
}

export function writeRun(cat: SqliteCatalogDb, r: RunRecord): void {
  cat
    .stmt(
      `INSERT OR REPLACE INTO lakestack_run_history (run_id, pipeline, kind, trigger, status, started_at, finished_at, counts, snapshot_id, error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(r.runId, r.pipeline, r.kind, r.trigger, r.status, r.startedAt.toISOString(), r.finishedAt?.toISOString() ?? null, JSON.stringify(r.counts), r.snapshotId ?? null, r.error ?? null);
}

export function readRuns(cat: SqliteCatalogDb, options: { pipeline?: string; limit?: number }): RunRecord[] {
  const limit = options.limit ?? -1;
  const rows =
    options.pipeline === undefined
      ? cat.stmt<RunRow>('SELECT * FROM lakestack_run_history ORDER BY started_at DESC, rowid DESC LIMIT ?').all(limit)
      : cat.stmt<RunRow>('SELECT * FROM lakestack_run_history WHERE pipeline = ? ORDER BY started_at DESC, rowid DESC LIMIT ?').all(options.pipeline, limit);
  return rows.map((row) => {
    const run: RunRecord = {
      runId: row.run_id,
      pipeline: row.pipeline,
      kind: row.kind,
      trigger: row.trigger,
      status: row.status,
      startedAt: new Date(row.started_at),
      counts: JSON.parse(row.counts) as Record<string, number>,
    };
    if (row.finished_at !== null) run.finishedAt = new Date(row.finished_at);
    if (row.snapshot_id !== null) run.snapshotId = row.snapshot_id;
    if (row.error !== null) run.error = row.error;
    return run;
  });
}
