import { DuckDBInstance, JSDuckDBValueConverter } from '@duckdb/node-api';
import { TerminalError, ValidationError } from '../../errors.ts';
import type { JsonValue, QueryEngine, QuerySession, ResultStream } from '../query-engine.ts';

/** The few DuckDB methods lakestack uses (STYLE: depend on the smallest structural slice). */
interface DuckDbChunkLike {
  readonly rowCount: number;
  convertRows<T>(converter: typeof JSDuckDBValueConverter): (T | null)[][];
}
interface DuckDbResultLike {
  columnNames(): string[];
  columnTypes(): { toString(): string }[];
  fetchChunk(): Promise<DuckDbChunkLike | null>;
}
interface DuckDbConnectionLike {
  run(sql: string): Promise<unknown>;
  stream(sql: string): Promise<DuckDbResultLike>;
  closeSync(): void;
}

/** Translates a native DuckDB error once, here: SQL mistakes are the caller's (terminal). */
function translate(err: unknown, sql: string): Error {
  const message = err instanceof Error ? err.message : String(err);
  const kind = /^(\w+) Error:/.exec(message)?.[1] ?? 'Query';
  const short = sql.length > 200 ? `${sql.slice(0, 200)}…` : sql;
  if (['Parser', 'Binder', 'Catalog', 'Conversion', 'Invalid Input'].includes(kind)) {
    return new ValidationError('QUERY_INVALID', `${message}\n  in: ${short}`, { cause: err, fields: { engineError: kind } });
  }
  return new TerminalError('QUERY_FAILED', `${message}\n  in: ${short}`, { cause: err, fields: { engineError: kind } });
}

/** JS value from DuckDB -> JSON-safe value. */
export function toJsonValue(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'bigint':
      return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'string':
    case 'boolean':
      return value;
    case 'object':
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
      if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
      if (Array.isArray(value)) return value.map(toJsonValue);
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]));
    default:
      return String(value);
  }
}

class DuckDbSession implements QuerySession {
  constructor(private readonly connection: DuckDbConnectionLike) {}

  async run(sql: string): Promise<void> {
    try {
      await this.connection.run(sql);
    } catch (err) {
      throw translate(err, sql);
    }
  }

  async stream(sql: string): Promise<ResultStream> {
    let result: DuckDbResultLike;
    try {
      result = await this.connection.stream(sql);
    } catch (err) {
      throw translate(err, sql);
    }
    const names = result.columnNames();
    const types = result.columnTypes();
    return {
      columns: names.map((name, i) => ({ name, type: String(types[i]) })),
      batches: async function* () {
        for (;;) {
          let chunk: DuckDbChunkLike | null;
          try {
            chunk = await result.fetchChunk();
          } catch (err) {
            throw translate(err, sql);
          }
          if (!chunk || chunk.rowCount === 0) return;
          yield chunk.convertRows<unknown>(JSDuckDBValueConverter).map((row) => row.map(toJsonValue));
        }
      },
    };
  }

  async all(sql: string): Promise<Record<string, JsonValue>[]> {
    const result = await this.stream(sql);
    const rows: Record<string, JsonValue>[] = [];
    for await (const batch of result.batches()) {
      for (const row of batch) rows.push(Object.fromEntries(result.columns.map((c, i) => [c.name, row[i] ?? null])));
    }
    return rows;
  }

  close(): void {
    this.connection.closeSync();
  }
}

export interface DuckDbQueryEngineOptions {
  /** Memory limit, e.g. `2GB`; default DuckDB's (80% of RAM). */
  memoryLimit?: string;
  threads?: number;
  /**
   * Lock file access to these directories for the life of the engine (DuckDB
   * `allowed_directories`, then `enable_external_access=false` and `lock_configuration=true`):
   * statements cannot read or write anywhere else, nor change the settings back.
   */
  allowedDirectories?: string[];
  /** DuckDB spill directory; must sit inside an allowed directory when access is locked. */
  tempDirectory?: string;
}

/**
 * DuckDB in process. Extensions are never downloaded (`autoinstall_known_extensions=false`):
 * Parquet and JSON are built in, everything else must not be relied on.
 */
export class DuckDbQueryEngine implements QueryEngine {
  readonly kind = 'duckdb';
  private instance: Promise<DuckDBInstance> | undefined;

  constructor(private readonly options: DuckDbQueryEngineOptions = {}) {}

  private getInstance(): Promise<DuckDBInstance> {
    this.instance ??= this.createInstance();
    return this.instance;
  }

  private async createInstance(): Promise<DuckDBInstance> {
    const instance = await DuckDBInstance.create(':memory:', {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      ...(this.options.memoryLimit ? { memory_limit: this.options.memoryLimit } : {}),
      ...(this.options.threads ? { threads: String(this.options.threads) } : {}),
    });
    const dirs = this.options.allowedDirectories;
    if (dirs) {
      const connection = await instance.connect();
      try {
        const list = dirs.map((d) => `'${(d.endsWith('/') ? d : `${d}/`).replaceAll("'", "''")}'`).join(', ');
        if (this.options.tempDirectory) await connection.run(`SET temp_directory = '${this.options.tempDirectory.replaceAll("'", "''")}'`);
        await connection.run(`SET allowed_directories = [${list}]`);
        await connection.run('SET enable_external_access = false');
        await connection.run('SET lock_configuration = true');
      } finally {
        connection.closeSync();
      }
    }
    return instance;
  }

  async openSession(): Promise<QuerySession> {
    const instance = await this.getInstance();
    const connection = (await instance.connect()) as unknown as DuckDbConnectionLike;
    return new DuckDbSession(connection);
  }

  async close(): Promise<void> {
    if (!this.instance) return;
    const instance = await this.instance;
    instance.closeSync();
    this.instance = undefined;
  }
}
