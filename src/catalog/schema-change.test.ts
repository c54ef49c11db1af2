import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ColumnSpec, ColumnType } from './column-types.ts';
import { diffColumns } from './schema-change.ts';

const col = (name: string, type: ColumnType, nullable = true, doc?: string): ColumnSpec => (doc === undefined ? { name, type, nullable } : { name, type, nullable, doc });
const int = (bits: 8 | 16 | 32 | 64): ColumnType => ({ kind: `int${bits}` });
const BASE: ColumnSpec[] = [col('id', int(64), false), col('name', { kind: 'varchar' }), col('qty', int(32))];

describe('diffColumns', () => {
  it('reports identical columns as same', () => {
    assert.deepEqual(diffColumns(BASE, structuredClone(BASE)), { kind: 'same', changes: [] });
  });

  it('evolves when nullable columns are added', () => {
    const diff = diffColumns(BASE, [...BASE, col('channel', { kind: 'varchar' })]);
    assert.deepEqual(diff, { kind: 'evolve', changes: ['column "channel" (varchar) was added'] });
  });

  it('recreates when a non-nullable column is added', () => {
    const diff = diffColumns(BASE, [...BASE, col('channel', { kind: 'varchar' }, false)]);
    assert.equal(diff.kind, 'recreate');
    assert.match(diff.changes[0] ?? '', /non-nullable column "channel" \(varchar\) was added/);
  });

  it('evolves on integer, float and decimal widening', () => {
    const cases: [ColumnType, ColumnType][] = [
      [int(8), int(16)],
      [int(16), int(32)],
      [int(32), int(64)],
      [int(8), int(64)],
      [{ kind: 'uint16' }, { kind: 'uint32' }],
      [{ kind: 'uint16' }, int(32)],
      [{ kind: 'float32' }, { kind: 'float64' }],
      [int(32), { kind: 'float64' }],
      [int(64), { kind: 'float64' }],
      [int(16), { kind: 'float32' }],
      [{ kind: 'decimal', precision: 10, scale: 2 }, { kind: 'decimal', precision: 12, scale: 2 }],
      [{ kind: 'decimal', precision: 10, scale: 2 }, { kind: 'decimal', precision: 14, scale: 4 }],
    ];
    for (const [from, to] of cases) {
      const diff = diffColumns([col('v', from)], [col('v', to)]);
      assert.equal(diff.kind, 'evolve', `${JSON.stringify(from)} -> ${JSON.stringify(to)}`);
      assert.equal(diff.changes.length, 1);
      assert.match(diff.changes[0] ?? '', /^column "v" was widened from \S+ to \S+$/);
    }
    assert.deepEqual(diffColumns([col('qty', int(32))], [col('qty', int(64))]).changes, ['column "qty" was widened from int32 to int64']);
  });

  it('recreates on narrowing and unrelated type changes', () => {
    const cases: [ColumnType, ColumnType][] = [
      [int(64), int(32)],
      [{ kind: 'float64' }, { kind: 'float32' }],
      [{ kind: 'float64' }, int(64)],
      [int(32), { kind: 'float32' }],
      [int(64), { kind: 'uint64' }],
      [{ kind: 'uint64' }, int(64)],
      [int(32), { kind: 'varchar' }],
      [{ kind: 'varchar' }, { kind: 'json' }],
      [{ kind: 'timestamp' }, { kind: 'timestamptz' }],
      [{ kind: 'decimal', precision: 12, scale: 2 }, { kind: 'decimal', precision: 10, scale: 2 }],
      [{ kind: 'decimal', precision: 10, scale: 4 }, { kind: 'decimal', precision: 10, scale: 2 }],
      [{ kind: 'decimal', precision: 10, scale: 2 }, { kind: 'decimal', precision: 10, scale: 4 }],
      [{ kind: 'list', element: int(32) }, int(32)],
    ];
    for (const [from, to] of cases) {
      const diff = diffColumns([col('v', from)], [col('v', to)]);
      assert.equal(diff.kind, 'recreate', `${JSON.stringify(from)} -> ${JSON.stringify(to)}`);
      assert.match(diff.changes[0] ?? '', /^column "v" changed type from .+ to .+/);
    }
    assert.match(diffColumns([col('qty', int(64))], [col('qty', int(32))]).changes[0] ?? '', /column "qty" changed type from int64 to int32/);
  });

  it('recreates on removals and names renames', () => {
    const removed = diffColumns(BASE, [BASE[0] as ColumnSpec, BASE[2] as ColumnSpec]);
    assert.deepEqual(removed, { kind: 'recreate', changes: ['column "name" (varchar) was removed'] });
    const renamed = diffColumns(BASE, [BASE[0] as ColumnSpec, col('full_name', { kind: 'varchar' }), BASE[2] as ColumnSpec]);
    assert.deepEqual(renamed, { kind: 'recreate', changes: ['column "name" (varchar) was renamed to "full_name"'] });
  });

  it('evolves when a column is made nullable and recreates when made non-nullable', () => {
    assert.deepEqual(diffColumns([col('id', int(64), false)], [col('id', int(64), true)]), { kind: 'evolve', changes: ['column "id" (int64) was made nullable'] });
    assert.deepEqual(diffColumns([col('id', int(64), true)], [col('id', int(64), false)]), { kind: 'recreate', changes: ['column "id" (int64) was made non-nullable'] });
  });

  it('follows struct fields: added nullable fields evolve, removed fields recreate', () => {
    const address = (fields: ColumnSpec[]): ColumnSpec[] => [col('address', { kind: 'struct', fields })];
    const before = address([col('street', { kind: 'varchar' }), col('zip', int(32))]);
    const added = diffColumns(before, address([col('street', { kind: 'varchar' }), col('zip', int(64)), col('city', { kind: 'varchar' })]));
    assert.equal(added.kind, 'evolve');
    assert.deepEqual(added.changes.sort(), ['field "address.city" (varchar) was added', 'field "address.zip" was widened from int32 to int64']);
    const removed = diffColumns(before, address([col('street', { kind: 'varchar' })]));
    assert.deepEqual(removed, { kind: 'recreate', changes: ['field "address.zip" (int32) was removed'] });
  });

  it('follows list elements and map values; a map key change recreates', () => {
    const lines = (fields: ColumnSpec[]): ColumnSpec[] => [col('lines', { kind: 'list', element: { kind: 'struct', fields } })];
    const evolved = diffColumns(lines([col('sku', { kind: 'varchar' })]), lines([col('sku', { kind: 'varchar' }), col('qty', int(32))]));
    assert.deepEqual(evolved, { kind: 'evolve', changes: ['field "lines.element.qty" (int32) was added'] });
    const widened = diffColumns([col('xs', { kind: 'list', element: int(32) })], [col('xs', { kind: 'list', element: int(64) })]);
    assert.deepEqual(widened, { kind: 'evolve', changes: ['column "xs" was widened from list<int32> to list<int64>'] });
    const map = (key: ColumnType, value: ColumnType): ColumnSpec[] => [col('attrs', { kind: 'map', key, value })];
    assert.equal(diffColumns(map({ kind: 'varchar' }, { kind: 'float32' }), map({ kind: 'varchar' }, { kind: 'float64' })).kind, 'evolve');
    const keyChange = diffColumns(map({ kind: 'varchar' }, int(32)), map(int(32), int(32)));
    assert.deepEqual(keyChange, { kind: 'recreate', changes: ['column "attrs" changed its map key type from varchar to int32'] });
  });

  it('evolves on description changes and reordering, and lists every change', () => {
    assert.deepEqual(diffColumns([col('id', int(64), false, 'old')], [col('id', int(64), false, 'new')]), { kind: 'evolve', changes: ['description of column "id" changed'] });
    const reordered = diffColumns(BASE, [BASE[1] as ColumnSpec, BASE[0] as ColumnSpec, BASE[2] as ColumnSpec]);
    assert.deepEqual(reordered, { kind: 'evolve', changes: ['columns were reordered from (id, name, qty) to (name, id, qty)'] });
    const mixed = diffColumns(BASE, [BASE[0] as ColumnSpec, col('qty', int(16)), col('extra', { kind: 'date' })]);
    assert.equal(mixed.kind, 'recreate');
    assert.deepEqual(mixed.changes, ['column "name" (varchar) was removed', 'column "extra" (date) was added', 'column "qty" changed type from int32 to int16, which existing files cannot be read as']);
  });
});
