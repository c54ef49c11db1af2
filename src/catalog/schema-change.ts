import { formatColumnType, type ColumnSpec, type ColumnType } from './column-types.ts';

/**
 * How a table's columns moved from one declaration to the next:
 * `same` — nothing changed; `evolve` — existing files stay readable under the new columns
 * (alter the table, a new schema version); `recreate` — they do not (drop and create the table,
 * a new table version).
 */
export interface SchemaDiff {
  kind: 'same' | 'evolve' | 'recreate';
  /** One sentence per change, naming the column and the old/new types. */
  changes: string[];
}

/**
 * Compares two column lists by name. Compatible (evolve): nullable columns or struct fields
 * added, columns made nullable, widened types (int8 -> int16 -> int32 -> int64, uint widening,
 * unsigned to a wider signed int, float32 -> float64, ints to float64 (int8/int16 also to
 * float32), decimal with no fewer integer or fraction digits), list/map value widening,
 * descriptions and column order. Anything else — a removal, a rename, a non-nullable addition,
 * narrowing or another type change, dropping nullability — needs a recreate.
 */
export function diffColumns(oldColumns: ColumnSpec[], newColumns: ColumnSpec[]): SchemaDiff {
  const diff = new Differ();
  diff.fields(oldColumns, newColumns, '', 'column');
  const oldOrder = oldColumns.map((c) => c.name).filter((n) => newColumns.some((c) => c.name === n));
  const newOrder = newColumns.map((c) => c.name).filter((n) => oldColumns.some((c) => c.name === n));
  if (oldOrder.join('\u0000') !== newOrder.join('\u0000')) diff.evolve(`columns were reordered from (${oldOrder.join(', ')}) to (${newOrder.join(', ')})`);
  const kind = diff.recreate ? 'recreate' : diff.changes.length > 0 ? 'evolve' : 'same';
  return { kind, changes: diff.changes };
}

const SIGNED = ['int8', 'int16', 'int32', 'int64'];
const UNSIGNED = ['uint8', 'uint16', 'uint32', 'uint64'];

/** True when every value of scalar type `from` is a value of `to` (or, for int64 -> float64, close to one). */
function widens(from: ColumnType, to: ColumnType): boolean {
  if (from.kind === 'decimal' && to.kind === 'decimal') {
    return to.scale >= from.scale && to.precision - to.scale >= from.precision - from.scale;
  }
  const s = SIGNED.indexOf(from.kind);
  const u = UNSIGNED.indexOf(from.kind);
  if (s >= 0) {
    if (SIGNED.indexOf(to.kind) > s) return true;
    if (to.kind === 'float64') return true;
    return to.kind === 'float32' && s <= 1;
  }
  if (u >= 0) {
    if (UNSIGNED.indexOf(to.kind) > u) return true;
    if (SIGNED.indexOf(to.kind) > u) return true;
    if (to.kind === 'float64') return true;
    return to.kind === 'float32' && u <= 1;
  }
  return from.kind === 'float32' && to.kind === 'float64';
}

class Differ {
  readonly changes: string[] = [];
  recreate = false;

  evolve(sentence: string): void {
    this.changes.push(sentence);
  }

  incompatible(sentence: string): void {
    this.changes.push(sentence);
    this.recreate = true;
  }

  fields(oldFields: readonly ColumnSpec[], newFields: readonly ColumnSpec[], prefix: string, noun: 'column' | 'field'): void {
    const oldByName = new Map(oldFields.map((f) => [f.name, f]));
    const newByName = new Map(newFields.map((f) => [f.name, f]));
    const removed = oldFields.filter((f) => !newByName.has(f.name));
    const added = newFields.filter((f) => !oldByName.has(f.name));
    const renamed = new Set<ColumnSpec>();
    for (const gone of removed) {
      // same position, same type, new name: report it as the rename it most likely is
      const twin = newFields[oldFields.indexOf(gone)];
      if (twin !== undefined && added.includes(twin) && !renamed.has(twin) && formatColumnType(twin.type) === formatColumnType(gone.type)) {
        renamed.add(twin);
        this.incompatible(`${noun} "${prefix}${gone.name}" (${formatColumnType(gone.type)}) was renamed to "${prefix}${twin.name}"`);
      } else {
        this.incompatible(`${noun} "${prefix}${gone.name}" (${formatColumnType(gone.type)}) was removed`);
      }
    }
    for (const field of added) {
      if (renamed.has(field)) continue;
      const type = formatColumnType(field.type);
      if (field.nullable) this.evolve(`${noun} "${prefix}${field.name}" (${type}) was added`);
      else this.incompatible(`non-nullable ${noun} "${prefix}${field.name}" (${type}) was added; existing rows have no value for it`);
    }
    for (const next of newFields) {
      const prev = oldByName.get(next.name);
      if (prev !== undefined) this.field(prev, next, prefix, noun);
    }
  }

  private field(prev: ColumnSpec, next: ColumnSpec, prefix: string, noun: 'column' | 'field'): void {
    const path = `${prefix}${next.name}`;
    this.type(prev.type, next.type, path, noun);
    if (prev.nullable && !next.nullable) this.incompatible(`${noun} "${path}" (${formatColumnType(next.type)}) was made non-nullable`);
    if (!prev.nullable && next.nullable) this.evolve(`${noun} "${path}" (${formatColumnType(next.type)}) was made nullable`);
    if ((prev.doc ?? '') !== (next.doc ?? '')) this.evolve(`description of ${noun} "${path}" changed`);
  }

  private type(from: ColumnType, to: ColumnType, path: string, noun: 'column' | 'field'): void {
    const a = formatColumnType(from);
    const b = formatColumnType(to);
    if (from.kind === 'struct' && to.kind === 'struct') {
      this.fields(from.fields, to.fields, `${path}.`, 'field');
      return;
    }
    if (from.kind === 'list' && to.kind === 'list') {
      this.nested(from.element, to.element, `${path}.element`, a, b, path, noun);
      return;
    }
    if (from.kind === 'map' && to.kind === 'map') {
      if (formatColumnType(from.key) !== formatColumnType(to.key)) {
        this.incompatible(`${noun} "${path}" changed its map key type from ${formatColumnType(from.key)} to ${formatColumnType(to.key)}`);
        return;
      }
      this.nested(from.value, to.value, `${path}.value`, a, b, path, noun);
      return;
    }
    if (a === b) return;
    if (widens(from, to)) this.evolve(`${noun} "${path}" was widened from ${a} to ${b}`);
    else this.incompatible(`${noun} "${path}" changed type from ${a} to ${b}, which existing files cannot be read as`);
  }

  /** List elements and map values: struct changes recurse; scalars follow the widening rules. */
  private nested(from: ColumnType, to: ColumnType, innerPath: string, a: string, b: string, path: string, noun: 'column' | 'field'): void {
    if (from.kind === to.kind && (from.kind === 'struct' || from.kind === 'list' || from.kind === 'map')) {
      this.type(from, to, innerPath, 'field');
      return;
    }
    if (formatColumnType(from) === formatColumnType(to)) return;
    if (widens(from, to)) this.evolve(`${noun} "${path}" was widened from ${a} to ${b}`);
    else this.incompatible(`${noun} "${path}" changed type from ${a} to ${b}, which existing files cannot be read as`);
  }
}
