import type { Database } from 'better-sqlite3';
import { TerminalError } from '../../errors.ts';
import { MIGRATION_TABLE_DDL, SQLITE_MIGRATIONS, type SqliteMigration } from './sqlite-ducklake-schema.ts';

/**
 * Brings the catalog file up to the format this code knows, one step per transaction
 * (`BEGIN IMMEDIATE`, so two processes opening a new file at once apply each step once).
 * Returns the versions applied now (empty when the file was current).
 * Errors: `TerminalError` code `CATALOG_TOO_NEW` when the file was written by a newer lakestack.
 */
export function migrateSqliteCatalog(db: Database, migrations: readonly SqliteMigration[] = SQLITE_MIGRATIONS): number[] {
  const applied: number[] = [];
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  db.exec(MIGRATION_TABLE_DDL);
  const currentVersion = db.prepare<[], { v: number | null }>('SELECT max(version) AS v FROM lakestack_schema_migration');
  const record = db.prepare('INSERT INTO lakestack_schema_migration (version, description, applied_at) VALUES (?, ?, ?)');
  for (;;) {
    const step = db
      .transaction((): SqliteMigration | undefined => {
        const current = currentVersion.get()?.v ?? 0;
        if (current > latest) {
          throw new TerminalError(
            'CATALOG_TOO_NEW',
            `catalog "${db.name}" is at format version ${current}, newer than this lakestack's ${latest}; upgrade lakestack to open it`,
            { fields: { path: db.name, version: current, supported: latest } },
          );
        }
        const next = migrations.find((m) => m.version > current);
        if (next === undefined) return undefined;
        db.exec(next.up);
        record.run(next.version, next.description, new Date().toISOString());
        return next;
      })
      .immediate();
    if (step === undefined) return applied;
    applied.push(step.version);
  }
}
