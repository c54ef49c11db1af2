import type { Database, Statement } from 'better-sqlite3';
import { translateSqliteError, withBusyRetry } from './sqlite-errors.ts';

/**
 * One open catalog connection: prepared statements cached by their SQL text, reads in a
 * deferred transaction (one consistent view across statements), writes in `BEGIN IMMEDIATE`
 * (the write lock is taken up front, so two writers never both read the same latest snapshot).
 */
export class SqliteCatalogDb {
  readonly db: Database;
  /** The file path (or `:memory:`), for messages. */
  readonly path: string;
  private readonly statements = new Map<string, Statement<unknown[], unknown>>();

  constructor(db: Database, path: string) {
    this.db = db;
    this.path = path;
  }

  /** The prepared statement for `sql`, prepared once per connection. */
  stmt<R = unknown>(sql: string): Statement<unknown[], R> {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare<unknown[], unknown>(sql);
      this.statements.set(sql, statement);
    }
    return statement as Statement<unknown[], R>;
  }

  /** Runs `fn` in a read transaction; native errors are translated. */
  read<T>(action: string, fn: () => T): T {
    try {
      return this.db.transaction(fn).deferred();
    } catch (err) {
      throw translateSqliteError(err, this.path, action);
    }
  }

  /** Runs `fn` in one `BEGIN IMMEDIATE` transaction, retried while the file is busy. */
  write<T>(action: string, fn: () => T): Promise<T> {
    const tx = this.db.transaction(fn);
    return withBusyRetry(this.path, action, () => tx.immediate());
  }

  close(): void {
    this.statements.clear();
    this.db.close();
  }
}
