import type { CreateTableSpec, MetadataStore, TableInfo } from '../catalog/metadata-store.ts';
import { diffColumns } from '../catalog/index.ts';
import type { Logger } from '../observability/index.ts';

/** What `ensureTable` did, and why: the CLI prints it. */
export interface EnsureTableResult {
  table: TableInfo;
  action: 'created' | 'unchanged' | 'evolved' | 'recreated';
  /** Human sentences: the column changes that led to the action. */
  changes: string[];
  /** For `recreated`: the table id and version that were replaced. */
  previous?: { tableId: number; tableVersion: number };
}

/**
 * A verdict on whether a table can move from its current definition to a desired one.
 * `same`: nothing to do; `evolve`: alter in place (new schema version);
 * `recreate`: drop and create again (new table version).
 */
export interface TableChangeVerdict {
  kind: 'same' | 'evolve' | 'recreate';
  changes: string[];
}

/**
 * Creates, evolves or recreates catalog objects so they match the project. Idempotent: run at
 * every start, it changes nothing when nothing changed.
 */
export class TableManager {
  constructor(
    private readonly catalog: MetadataStore,
    private readonly logger: Logger,
  ) {}

  /** Creates the database when absent; returns whether it did. */
  async ensureDatabase(name: string, properties: Record<string, string> = {}): Promise<boolean> {
    if (await this.catalog.getDatabase(name)) return false;
    await this.catalog.createDatabase(name, properties);
    this.logger.info({ database: name }, 'created database');
    return true;
  }

  /**
   * Makes the table match `spec`. `judge` compares the current table to the desired one (the
   * Avro pipeline compares Avro schemas); by default columns are compared.
   */
  async ensureTable(spec: CreateTableSpec, judge?: (current: TableInfo) => TableChangeVerdict): Promise<EnsureTableResult> {
    const current = await this.catalog.getTable(spec.database, spec.name);
    if (!current) {
      const table = await this.catalog.createTable(spec);
      this.logger.info({ table: `${spec.database}.${spec.name}` }, 'created table');
      return { table, action: 'created', changes: [] };
    }
    const verdict = judge ? judge(current) : diffColumns(current.columns, spec.columns);
    const layoutChanged =
      current.format !== spec.format || current.path !== spec.path || current.partitionColumns.join() !== spec.partitionColumns.join();
    if (layoutChanged) {
      verdict.kind = 'recreate';
      verdict.changes.push(
        `layout changed from ${current.format} at ${current.path} partitioned by (${current.partitionColumns.join(', ')}) to ${spec.format} at ${spec.path} partitioned by (${spec.partitionColumns.join(', ')})`,
      );
    }
    const name = `${spec.database}.${spec.name}`;
    if (verdict.kind === 'same') {
      const props = spec.properties ?? {};
      const stale = Object.entries(props).some(([k, v]) => current.properties[k] !== v);
      if (!stale) return { table: current, action: 'unchanged', changes: [] };
      const table = await this.catalog.alterTable(current.tableId, { properties: props });
      return { table, action: 'unchanged', changes: [] };
    }
    if (verdict.kind === 'evolve') {
      const table = await this.catalog.alterTable(current.tableId, { columns: spec.columns, properties: spec.properties ?? {} });
      this.logger.info({ table: name, schemaVersion: table.schemaVersion, changes: verdict.changes }, 'evolved table schema');
      return { table, action: 'evolved', changes: verdict.changes };
    }
    await this.catalog.dropTable(current.tableId);
    const table = await this.catalog.createTable(spec);
    this.logger.warn({ table: name, tableVersion: table.tableVersion, changes: verdict.changes }, 'recreated table (incompatible change)');
    return { table, action: 'recreated', changes: verdict.changes, previous: { tableId: current.tableId, tableVersion: current.tableVersion } };
  }
}
