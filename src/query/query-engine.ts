/**
 * The query engine port: runs SQL over files the lakehouse layer binds in. The engine never
 * reads the catalog itself; `query/lakehouse-query.ts` resolves `database.table` to a snapshot's
 * files and registers them as views in a session. Adapter: `duckdb/`.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface ResultColumn {
  name: string;
  /** Engine type spelling, e.g. `BIGINT`, `VARCHAR`, `STRUCT(a INTEGER)`. */
  type: string;
}

export interface ResultStream {
  columns: ResultColumn[];
  /** Row batches as JSON-safe values (integers beyond 2^53 as strings, timestamps as ISO text). */
  batches(): AsyncIterable<JsonValue[][]>;
}

export interface QuerySession {
  /** Runs statements for their effect. */
  run(sql: string): Promise<void>;
  /** Runs one query and streams its rows. */
  stream(sql: string): Promise<ResultStream>;
  /** Runs one query and returns every row as an object (small results only). */
  all(sql: string): Promise<Record<string, JsonValue>[]>;
  close(): void;
}

export interface QueryEngine {
  readonly kind: string;
  openSession(): Promise<QuerySession>;
  close(): Promise<void>;
}
