import { formatColumnType, type ColumnSpec, type ColumnType } from '../column-types.ts';
import { mergeSchemas } from './promote-types.ts';

/**
 * What a table accepts when data arrives with a schema it does not declare (dlt's schema
 * contract modes, applied to columns and types):
 * - `evolve`: add the new columns and fields, promote the types, relax nullability;
 * - `freeze`: change nothing and refuse the data (`blocked`, one reason per change);
 * - `discard_row`: keep the table's schema; loaders drop every row that does not fit it;
 * - `discard_value`: keep the table's schema; loaders drop the values that do not fit it (new
 *   columns, values that do not cast to the declared type become null) and keep the row — except
 *   a null in a non-null column, which no value can repair: that row is dropped.
 * A table that does not exist yet is created under every contract: contracts govern changes.
 */
export type SchemaContract = 'evolve' | 'freeze' | 'discard_row' | 'discard_value';

export const SCHEMA_CONTRACTS: readonly SchemaContract[] = ['evolve', 'freeze', 'discard_row', 'discard_value'];

/** One way incoming columns differ from a table's; `path` is dotted for struct fields. */
export interface SchemaChange {
  kind: 'add' | 'promote' | 'nullable';
  noun: 'column' | 'field';
  path: string;
  from?: ColumnType;
  to: ColumnType;
  nullable: boolean;
}

/** What loaders drop under `discard_row` / `discard_value`. */
export interface Discard {
  /** Column or dotted field path. */
  path: string;
  drop: 'row' | 'value';
  /** Human sentence, e.g. `values of column "score" that do not fit int32 are dropped`. */
  reason: string;
}

export interface ContractDecision {
  action: 'create' | 'update' | 'unchanged' | 'blocked';
  /** The table's columns once the decision is applied (the current ones unless create/update). */
  columns: ColumnSpec[];
  /** Every difference between the table and the incoming columns, whatever the contract. */
  changes: SchemaChange[];
  /** Lines of the changes applied, e.g. `+ column score float64`, `~ column n int32 -> int64`. */
  diff: string[];
  /** For `blocked`: why, one line per refused change. */
  reasons: string[];
  /** For the discard contracts: what loaders drop instead of changing the table. */
  discards: Discard[];
}

/**
 * Decides what `contract` does with `incoming` columns for a table declaring `current`
 * (undefined: no table yet). The target schema is `mergeSchemas([current, incoming])`: existing
 * columns keep their place and never narrow, and a column the incoming data lacks stays but
 * becomes nullable (its rows are null there). Pure; the crawler and the loaders both call it.
 */
export function contractDecision(current: readonly ColumnSpec[] | undefined, incoming: readonly ColumnSpec[], contract: SchemaContract): ContractDecision {
  if (current === undefined) {
    const columns = structuredClone([...incoming]);
    const changes = columns.map((c): SchemaChange => ({ kind: 'add', noun: 'column', path: c.name, to: c.type, nullable: c.nullable }));
    return { action: 'create', columns, changes, diff: changes.map(diffLine), reasons: [], discards: [] };
  }
  const target = mergeSchemas([current, incoming]);
  const changes = schemaChanges(current, target, '', 'column');
  const keep = structuredClone([...current]);
  if (changes.length === 0) return { action: 'unchanged', columns: keep, changes, diff: [], reasons: [], discards: [] };
  switch (contract) {
    case 'evolve':
      return { action: 'update', columns: target, changes, diff: changes.map(diffLine), reasons: [], discards: [] };
    case 'freeze':
      return { action: 'blocked', columns: keep, changes, diff: [], reasons: changes.map((c) => `contract "freeze" refuses: ${diffLine(c)}`), discards: [] };
    case 'discard_row':
    case 'discard_value':
      return { action: 'unchanged', columns: keep, changes, diff: [], reasons: [], discards: changes.map((c) => discardOf(c, contract === 'discard_row' ? 'row' : 'value')) };
  }
}

/** `+ column score float64`, `~ column n int32 -> int64`, `~ field u.x nullable`. */
export function diffLine(change: SchemaChange): string {
  switch (change.kind) {
    case 'add':
      return `+ ${change.noun} ${change.path} ${formatColumnType(change.to)}${change.nullable ? '' : ' not null'}`;
    case 'promote':
      return `~ ${change.noun} ${change.path} ${formatColumnType(change.from ?? change.to)} -> ${formatColumnType(change.to)}`;
    case 'nullable':
      return `~ ${change.noun} ${change.path} nullable`;
  }
}

function discardOf(change: SchemaChange, drop: 'row' | 'value'): Discard {
  const what = `${change.noun} "${change.path}"`;
  switch (change.kind) {
    case 'add':
      return { path: change.path, drop, reason: drop === 'row' ? `rows with a value for new ${what} are dropped` : `values of new ${what} are dropped` };
    case 'promote': {
      const type = formatColumnType(change.from ?? change.to);
      return { path: change.path, drop, reason: drop === 'row' ? `rows whose ${what} does not fit ${type} are dropped` : `values of ${what} that do not fit ${type} are dropped` };
    }
    case 'nullable':
      return { path: change.path, drop: 'row', reason: `rows with a null in non-null ${what} are dropped` };
  }
}

function schemaChanges(before: readonly ColumnSpec[], after: readonly ColumnSpec[], prefix: string, noun: 'column' | 'field'): SchemaChange[] {
  const byName = new Map(before.map((c) => [c.name, c]));
  const changes: SchemaChange[] = [];
  for (const next of after) {
    const path = `${prefix}${next.name}`;
    const prev = byName.get(next.name);
    if (prev === undefined) {
      changes.push({ kind: 'add', noun, path, to: next.type, nullable: next.nullable });
      continue;
    }
    if (prev.type.kind === 'struct' && next.type.kind === 'struct') changes.push(...schemaChanges(prev.type.fields, next.type.fields, `${path}.`, 'field'));
    else if (formatColumnType(prev.type) !== formatColumnType(next.type)) changes.push({ kind: 'promote', noun, path, from: prev.type, to: next.type, nullable: next.nullable });
    if (!prev.nullable && next.nullable) changes.push({ kind: 'nullable', noun, path, to: next.type, nullable: true });
  }
  return changes;
}
