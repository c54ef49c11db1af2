import { TerminalError } from '../../errors.ts';
import { SCALAR_TYPES, type ColumnSpec, type ColumnType, type ScalarTypeName } from '../column-types.ts';
import type { ColumnInfo } from '../metadata-store.ts';

/**
 * Column trees <-> `ducklake_column` rows. A nested type is a parent row (`struct`, `list`,
 * `map`) with child rows pointing at it through `parent_column`: struct fields by name, a
 * list's child named `element`, a map's children `key` and `value` (DuckLake's layout).
 */

/** One `ducklake_column` row as lakestack writes and reads it. */
export interface ColumnRow {
  columnId: number;
  columnOrder: number;
  name: string;
  /** DuckLake type name: `int64`, `decimal(18,2)`, `struct`, `list`, `map`, … */
  type: string;
  nullable: boolean;
  parentColumn: number | null;
  /** Stored as a `comment` row in `ducklake_column_tag`. */
  doc?: string;
}

/** The ids of a column version already in the catalog, for reuse by name. */
export interface ExistingColumn {
  columnId: number;
  children: Map<string, ExistingColumn>;
}

/** Hands out new column ids and orders while rows are produced. */
export interface ColumnAllocator {
  nextColumnId(): number;
  nextOrder(): number;
}

const SCALARS: ReadonlySet<string> = new Set(SCALAR_TYPES);

/** DuckLake's `column_type` text for a type's top node. */
export function ducklakeTypeName(type: ColumnType): string {
  if (type.kind === 'decimal') return `decimal(${type.precision},${type.scale})`;
  return type.kind;
}

/**
 * The rows of one column and its nested fields, parent first. Fields whose name matches a
 * field of `existing` keep that field's id; new fields get fresh ids.
 */
export function columnRows(
  spec: ColumnSpec,
  columnId: number,
  parentColumn: number | null,
  existing: ExistingColumn | undefined,
  alloc: ColumnAllocator,
): ColumnRow[] {
  const rows: ColumnRow[] = [];
  const visit = (name: string, type: ColumnType, nullable: boolean, doc: string | undefined, id: number, parent: number | null, old: ExistingColumn | undefined): void => {
    const row: ColumnRow = { columnId: id, columnOrder: alloc.nextOrder(), name, type: ducklakeTypeName(type), nullable, parentColumn: parent };
    if (doc !== undefined) row.doc = doc;
    rows.push(row);
    const child = (childName: string, childType: ColumnType, childNullable: boolean, childDoc?: string): void => {
      const prior = old?.children.get(childName);
      visit(childName, childType, childNullable, childDoc, prior?.columnId ?? alloc.nextColumnId(), id, prior);
    };
    switch (type.kind) {
      case 'struct':
        for (const field of type.fields) child(field.name, field.type, field.nullable, field.doc);
        break;
      case 'list':
        child('element', type.element, true);
        break;
      case 'map':
        child('key', type.key, false);
        child('value', type.value, true);
        break;
      default:
        break;
    }
  };
  visit(spec.name, spec.type, spec.nullable, spec.doc, columnId, parentColumn, existing);
  return rows;
}

/** The id tree of visible rows, top-level columns by name. */
export function existingColumns(rows: readonly ColumnRow[]): Map<string, ExistingColumn> {
  const nodes = new Map<number, ExistingColumn>();
  for (const row of rows) nodes.set(row.columnId, { columnId: row.columnId, children: new Map() });
  const top = new Map<string, ExistingColumn>();
  for (const row of rows) {
    const node = nodes.get(row.columnId) as ExistingColumn;
    if (row.parentColumn === null) top.set(row.name, node);
    else nodes.get(row.parentColumn)?.children.set(row.name, node);
  }
  return top;
}

/**
 * Rebuilds the column list from the rows visible at one snapshot (any order).
 * Errors: `TerminalError` code `CATALOG_UNKNOWN_TYPE` for a type lakestack cannot represent.
 */
export function buildColumns(rows: readonly ColumnRow[], tableLabel: string): ColumnInfo[] {
  const children = new Map<number, ColumnRow[]>();
  const top: ColumnRow[] = [];
  for (const row of rows) {
    if (row.parentColumn === null) top.push(row);
    else {
      const list = children.get(row.parentColumn) ?? [];
      list.push(row);
      children.set(row.parentColumn, list);
    }
  }
  const byOrder = (a: ColumnRow, b: ColumnRow): number => a.columnOrder - b.columnOrder;
  const typeOf = (row: ColumnRow): ColumnType => {
    const kids = (children.get(row.columnId) ?? []).sort(byOrder);
    const kid = (name: string): ColumnRow => {
      const found = kids.find((k) => k.name === name);
      if (found === undefined) throw unknownType(tableLabel, row, `its "${name}" child column is missing`);
      return found;
    };
    switch (row.type) {
      case 'struct':
        return { kind: 'struct', fields: kids.map(specOf) };
      case 'list':
        return { kind: 'list', element: typeOf(kid('element')) };
      case 'map':
        return { kind: 'map', key: typeOf(kid('key')), value: typeOf(kid('value')) };
      default: {
        const decimal = /^decimal\((\d+),\s*(\d+)\)$/.exec(row.type);
        if (decimal) return { kind: 'decimal', precision: Number(decimal[1]), scale: Number(decimal[2]) };
        if (SCALARS.has(row.type)) return { kind: row.type as ScalarTypeName };
        throw unknownType(tableLabel, row, 'lakestack has no such type');
      }
    }
  };
  const specOf = (row: ColumnRow): ColumnSpec => {
    const spec: ColumnSpec = { name: row.name, type: typeOf(row), nullable: row.nullable };
    if (row.doc !== undefined) spec.doc = row.doc;
    return spec;
  };
  return top.sort(byOrder).map((row) => ({ columnId: row.columnId, ...specOf(row) }));
}

/** True when two column declarations are identical (name, type tree, nullability, docs). */
export function sameColumnSpec(a: ColumnSpec, b: ColumnSpec): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(spec: ColumnSpec): unknown {
  return [spec.name, spec.nullable, spec.doc ?? null, canonicalType(spec.type)];
}

function canonicalType(type: ColumnType): unknown {
  switch (type.kind) {
    case 'decimal':
      return ['decimal', type.precision, type.scale];
    case 'struct':
      return ['struct', type.fields.map(canonical)];
    case 'list':
      return ['list', canonicalType(type.element)];
    case 'map':
      return ['map', canonicalType(type.key), canonicalType(type.value)];
    default:
      return type.kind;
  }
}

function unknownType(tableLabel: string, row: ColumnRow, why: string): TerminalError {
  return new TerminalError(
    'CATALOG_UNKNOWN_TYPE',
    `column "${row.name}" (id ${row.columnId}) of table ${tableLabel} has type "${row.type}" that lakestack cannot read: ${why}; recreate the table with supported types`,
    { fields: { table: tableLabel, column: row.name, columnId: row.columnId, type: row.type } },
  );
}
