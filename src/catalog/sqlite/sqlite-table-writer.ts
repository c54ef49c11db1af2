import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError } from '../../errors.ts';
import type { ColumnSpec } from '../column-types.ts';
import type { AlterTableSpec, CreateTableSpec, DatabaseInfo, TableInfo } from '../metadata-store.ts';
import { validateColumns, validateCreateTable, validateName } from '../catalog-validation.ts';
import type { SqliteCatalogDb } from './sqlite-catalog-db.ts';
import { assembleTable, readAnyTableRow, readColumnRows, readDatabase, readTableRowById, readTableRowByName, type TableRow } from './sqlite-catalog-reader.ts';
import { buildColumns, columnRows, existingColumns, sameColumnSpec, type ColumnAllocator, type ColumnRow } from './sqlite-column-rows.ts';
import { quoteChangeName, type PendingSnapshot } from './sqlite-snapshot-writer.ts';

/** DDL inside a write transaction: each function adds its rows to the pending snapshot. */

export function writeCreateDatabase(cat: SqliteCatalogDb, snap: PendingSnapshot, name: string, properties: Record<string, string>): DatabaseInfo {
  validateName(name, 'database name');
  const existing = readDatabase(cat, name, snap.baseSnapshotId);
  if (existing !== undefined) {
    throw new ConflictError('DATABASE_EXISTS', `database "${name}" already exists (created at snapshot ${existing.beginSnapshot}); use it or pick another name`, {
      fields: { database: name, databaseId: existing.databaseId },
    });
  }
  const schemaId = snap.catalogId();
  cat
    .stmt('INSERT INTO ducklake_schema (schema_id, schema_uuid, begin_snapshot, end_snapshot, schema_name, path, path_is_relative) VALUES (?, ?, ?, NULL, ?, ?, 1)')
    .run(schemaId, randomUUID(), snap.snapshotId, name, `${name}/`);
  const tag = cat.stmt('INSERT INTO ducklake_tag (object_id, begin_snapshot, end_snapshot, key, value) VALUES (?, ?, NULL, ?, ?)');
  for (const [key, value] of Object.entries(properties)) tag.run(schemaId, snap.snapshotId, key, value);
  snap.change(`created_schema:${quoteChangeName(name)}`);
  return { databaseId: schemaId, name, beginSnapshot: snap.snapshotId, properties: { ...properties } };
}

export function writeCreateTable(cat: SqliteCatalogDb, snap: PendingSnapshot, spec: CreateTableSpec): TableInfo {
  validateCreateTable(spec);
  const label = `"${spec.database}"."${spec.name}"`;
  const database = readDatabase(cat, spec.database, snap.baseSnapshotId);
  if (database === undefined) {
    throw new NotFoundError('DATABASE_NOT_FOUND', `cannot create table ${label}: database "${spec.database}" does not exist; create the database first`, {
      fields: { database: spec.database, table: spec.name },
    });
  }
  const live = readTableRowByName(cat, spec.database, spec.name, snap.baseSnapshotId);
  if (live !== undefined) {
    throw new ConflictError('TABLE_EXISTS', `table ${label} already exists (table id ${live.table_id}, since snapshot ${live.begin_snapshot}); alter it, or drop it before recreating`, {
      fields: { database: spec.database, table: spec.name, tableId: live.table_id },
    });
  }
  const previous = cat
    .stmt<{ v: number | null }>('SELECT max(table_version) AS v FROM lakestack_table WHERE schema_name = ? AND table_name = ?')
    .get(spec.database, spec.name);
  const tableId = snap.catalogId();
  const s = snap.snapshotId;
  cat
    .stmt('INSERT INTO ducklake_table (table_id, table_uuid, begin_snapshot, end_snapshot, schema_id, table_name, path, path_is_relative) VALUES (?, ?, ?, NULL, ?, ?, ?, 0)')
    .run(tableId, randomUUID(), s, database.databaseId, spec.name, spec.path);
  let nextId = 0;
  let nextOrder = 0;
  const alloc: ColumnAllocator = { nextColumnId: () => ++nextId, nextOrder: () => ++nextOrder };
  const topIds = new Map<string, number>();
  for (const column of spec.columns) {
    const id = alloc.nextColumnId();
    topIds.set(column.name, id);
    insertColumnRows(cat, tableId, s, columnRows(column, id, null, undefined, alloc));
  }
  if (spec.partitionColumns.length > 0) {
    const partitionId = snap.catalogId();
    cat.stmt('INSERT INTO ducklake_partition_info (partition_id, table_id, begin_snapshot, end_snapshot) VALUES (?, ?, ?, NULL)').run(partitionId, tableId, s);
    const key = cat.stmt("INSERT INTO ducklake_partition_column (partition_id, table_id, partition_key_index, column_id, transform) VALUES (?, ?, ?, ?, 'identity')");
    // a Hive partition column need not be a data column; then there is no column id to name
    spec.partitionColumns.forEach((name, index) => key.run(partitionId, tableId, index, topIds.get(name) ?? null));
  }
  cat.stmt('INSERT INTO ducklake_table_stats (table_id, record_count, next_row_id, file_size_bytes) VALUES (?, 0, 0, 0)').run(tableId);
  cat.stmt('INSERT INTO ducklake_schema_versions (begin_snapshot, schema_version, table_id) VALUES (?, ?, ?)').run(s, snap.schemaVersion, tableId);
  cat
    .stmt(
      'INSERT INTO lakestack_table (table_id, schema_name, table_name, format, table_version, schema_version, partition_columns, properties) VALUES (?, ?, ?, ?, ?, 1, ?, ?)',
    )
    .run(tableId, spec.database, spec.name, spec.format, (previous?.v ?? 0) + 1, JSON.stringify(spec.partitionColumns), JSON.stringify(spec.properties ?? {}));
  snap.change(`created_table:${quoteChangeName(spec.database)}.${quoteChangeName(spec.name)}`);
  snap.touch(tableId);
  return assembleTable(cat, readTableRowById(cat, tableId, s) as TableRow, s);
}

/** Returns undefined when the spec changes nothing (no snapshot is then published). */
export function writeAlterTable(cat: SqliteCatalogDb, snap: PendingSnapshot, tableId: number, spec: AlterTableSpec): TableInfo | undefined {
  const row = requireLiveTable(cat, tableId, snap.baseSnapshotId, 'alter');
  const label = `"${row.schema_name}"."${row.table_name}"`;
  const s = snap.snapshotId;
  let columnsChanged = false;
  if (spec.columns !== undefined) {
    validateColumns(spec.columns, `table ${label}`);
    columnsChanged = replaceColumns(cat, tableId, snap, spec.columns, label);
  }
  const current = JSON.parse(row.properties) as Record<string, string>;
  const merged = { ...current, ...(spec.properties ?? {}) };
  const propertiesChanged = Object.entries(merged).some(([k, v]) => current[k] !== v);
  if (!columnsChanged && !propertiesChanged) return undefined;
  snap.schemaChange();
  if (columnsChanged) {
    cat.stmt('INSERT INTO ducklake_schema_versions (begin_snapshot, schema_version, table_id) VALUES (?, ?, ?)').run(s, snap.schemaVersion, tableId);
    cat.stmt('UPDATE lakestack_table SET schema_version = schema_version + 1 WHERE table_id = ?').run(tableId);
  }
  if (propertiesChanged) cat.stmt('UPDATE lakestack_table SET properties = ? WHERE table_id = ?').run(JSON.stringify(merged), tableId);
  snap.change(`altered_table:${tableId}`);
  snap.touch(tableId);
  return assembleTable(cat, readTableRowById(cat, tableId, s) as TableRow, s);
}

export function writeDropTable(cat: SqliteCatalogDb, snap: PendingSnapshot, tableId: number): void {
  requireLiveTable(cat, tableId, snap.baseSnapshotId, 'drop');
  const params = { tableId, s: snap.snapshotId };
  for (const table of ['ducklake_table', 'ducklake_column', 'ducklake_column_tag', 'ducklake_partition_info', 'ducklake_data_file']) {
    cat.stmt(`UPDATE ${table} SET end_snapshot = @s WHERE table_id = @tableId AND end_snapshot IS NULL`).run(params);
  }
  cat.stmt('UPDATE ducklake_tag SET end_snapshot = @s WHERE object_id = @tableId AND end_snapshot IS NULL').run(params);
  snap.schemaChange();
  snap.change(`dropped_table:${tableId}`);
  snap.touch(tableId);
}

/**
 * The live table, or `NotFoundError` (`TABLE_NOT_FOUND`) naming whether it never existed or
 * was dropped.
 */
export function requireLiveTable(cat: SqliteCatalogDb, tableId: number, s: number, verb: string): TableRow {
  const row = readTableRowById(cat, tableId, s);
  if (row !== undefined) return row;
  const any = readAnyTableRow(cat, tableId);
  const why =
    any === undefined
      ? 'no table has this id'
      : `table "${any.schema_name}"."${any.table_name}" was dropped at snapshot ${any.end_snapshot ?? '?'}; look the table up again by name`;
  throw new NotFoundError('TABLE_NOT_FOUND', `cannot ${verb} table id ${tableId}: ${why}`, { fields: { tableId } });
}

/**
 * Replaces the column list: an identical column at a still-increasing position keeps its rows;
 * a changed or moved column ends its rows and begins new ones under the same column id (fields
 * matched by name keep theirs too); a new column gets a new id; a missing one ends.
 * Returns whether anything changed.
 */
function replaceColumns(cat: SqliteCatalogDb, tableId: number, snap: PendingSnapshot, columns: ColumnSpec[], label: string): boolean {
  const rows = readColumnRows(cat, tableId, snap.baseSnapshotId);
  const oldSpecs = new Map(buildColumns(rows, label).map((c) => [c.name, c]));
  const oldIds = existingColumns(rows);
  const topRows = new Map(rows.filter((r) => r.parentColumn === null).map((r) => [r.name, r]));
  const max = cat
    .stmt<{ id: number | null; ord: number | null }>('SELECT max(column_id) AS id, max(column_order) AS ord FROM ducklake_column WHERE table_id = ?')
    .get(tableId);
  let nextId = max?.id ?? 0;
  let nextOrder = max?.ord ?? 0;
  const alloc: ColumnAllocator = { nextColumnId: () => ++nextId, nextOrder: () => ++nextOrder };
  let changed = false;
  let lastOrder = Number.NEGATIVE_INFINITY;
  const keep = new Set(columns.map((c) => c.name));
  for (const [name, old] of oldSpecs) {
    if (!keep.has(name)) {
      endColumnTree(cat, tableId, snap.snapshotId, rows, old.columnId);
      changed = true;
    }
  }
  for (const column of columns) {
    const old = oldSpecs.get(column.name);
    const oldRow = topRows.get(column.name);
    if (old !== undefined && oldRow !== undefined && sameColumnSpec(old, column) && oldRow.columnOrder > lastOrder) {
      lastOrder = oldRow.columnOrder;
      continue;
    }
    if (old !== undefined) endColumnTree(cat, tableId, snap.snapshotId, rows, old.columnId);
    const newRows = columnRows(column, old?.columnId ?? alloc.nextColumnId(), null, oldIds.get(column.name), alloc);
    insertColumnRows(cat, tableId, snap.snapshotId, newRows);
    lastOrder = newRows[0]?.columnOrder ?? lastOrder;
    changed = true;
  }
  return changed;
}

function endColumnTree(cat: SqliteCatalogDb, tableId: number, s: number, rows: readonly ColumnRow[], rootId: number): void {
  const ids = [rootId];
  for (let i = 0; i < ids.length; i++) {
    for (const row of rows) if (row.parentColumn === ids[i]) ids.push(row.columnId);
  }
  const params = { tableId, s, ids: JSON.stringify(ids) };
  cat.stmt('UPDATE ducklake_column SET end_snapshot = @s WHERE table_id = @tableId AND end_snapshot IS NULL AND column_id IN (SELECT value FROM json_each(@ids))').run(params);
  cat.stmt('UPDATE ducklake_column_tag SET end_snapshot = @s WHERE table_id = @tableId AND end_snapshot IS NULL AND column_id IN (SELECT value FROM json_each(@ids))').run(params);
}

function insertColumnRows(cat: SqliteCatalogDb, tableId: number, s: number, rows: readonly ColumnRow[]): void {
  const insert = cat.stmt(
    `INSERT INTO ducklake_column (column_id, begin_snapshot, end_snapshot, table_id, column_order, column_name, column_type, initial_default, default_value,
       nulls_allowed, parent_column, default_value_type, default_value_dialect) VALUES (?, ?, NULL, ?, ?, ?, ?, NULL, NULL, ?, ?, NULL, NULL)`,
  );
  const tag = cat.stmt("INSERT INTO ducklake_column_tag (table_id, column_id, begin_snapshot, end_snapshot, key, value) VALUES (?, ?, ?, NULL, 'comment', ?)");
  for (const row of rows) {
    insert.run(row.columnId, s, tableId, row.columnOrder, row.name, row.type, row.nullable ? 1 : 0, row.parentColumn);
    if (row.doc !== undefined) tag.run(tableId, row.columnId, s, row.doc);
  }
}
