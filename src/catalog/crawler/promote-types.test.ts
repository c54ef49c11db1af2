import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ColumnSpec, ColumnType } from '../column-types.ts';
import { mergeSchemas, promoteType } from './promote-types.ts';

const t = (kind: string): ColumnType => ({ kind }) as ColumnType;
const dec = (precision: number, scale: number): ColumnType => ({ kind: 'decimal', precision, scale });
const col = (name: string, type: ColumnType, nullable = false): ColumnSpec => ({ name, type, nullable });

describe('promoteType', () => {
  it('widens numbers along int8 < int16 < int32 < int64 < float64', () => {
    const cases: [ColumnType, ColumnType, ColumnType][] = [
      [t('int8'), t('int32'), t('int32')],
      [t('int32'), t('int64'), t('int64')],
      [t('int64'), t('float64'), t('float64')],
      [t('int16'), t('float32'), t('float32')],
      [t('int32'), t('float32'), t('float64')],
      [t('uint8'), t('int8'), t('int16')],
      [t('uint32'), t('int16'), t('int64')],
      [t('uint64'), t('int8'), t('float64')],
      [t('uint16'), t('uint32'), t('uint32')],
    ];
    for (const [a, b, want] of cases) {
      assert.deepEqual(promoteType(a, b), want, `${a.kind} + ${b.kind}`);
      assert.deepEqual(promoteType(b, a), want, `${b.kind} + ${a.kind}`);
    }
  });

  it('widens decimals by integer digits and scale, to float64 past 38 digits', () => {
    assert.deepEqual(promoteType(dec(10, 2), dec(8, 4)), dec(12, 4));
    assert.deepEqual(promoteType(dec(10, 2), t('int32')), dec(12, 2));
    assert.deepEqual(promoteType(dec(38, 20), t('int64')), t('float64'));
    assert.deepEqual(promoteType(dec(10, 2), t('float32')), t('float64'));
  });

  it('promotes date to timestamp and naive timestamps to timestamptz', () => {
    assert.deepEqual(promoteType(t('date'), t('timestamp')), t('timestamp'));
    assert.deepEqual(promoteType(t('timestamp_ms'), t('timestamp_ns')), t('timestamp_ns'));
    assert.deepEqual(promoteType(t('timestamp'), t('timestamptz')), t('timestamptz'));
    assert.deepEqual(promoteType(t('date'), t('timestamptz')), t('timestamptz'));
  });

  it('falls back to varchar for incompatible scalars and json for nested against anything else', () => {
    assert.deepEqual(promoteType(t('int64'), t('varchar')), t('varchar'));
    assert.deepEqual(promoteType(t('boolean'), t('date')), t('varchar'));
    assert.deepEqual(promoteType(dec(10, 2), t('uuid')), t('varchar'));
    assert.deepEqual(promoteType({ kind: 'list', element: t('int64') }, t('varchar')), t('json'));
    assert.deepEqual(promoteType({ kind: 'struct', fields: [col('a', t('int8'))] }, { kind: 'list', element: t('int8') }), t('json'));
  });

  it('unions struct fields and promotes list elements and map values', () => {
    const a: ColumnType = { kind: 'struct', fields: [col('x', t('int32')), col('y', t('varchar'))] };
    const b: ColumnType = { kind: 'struct', fields: [col('x', t('int64')), col('z', t('boolean'))] };
    assert.deepEqual(promoteType(a, b), { kind: 'struct', fields: [col('x', t('int64')), col('y', t('varchar'), true), col('z', t('boolean'), true)] });
    assert.deepEqual(promoteType({ kind: 'list', element: t('int32') }, { kind: 'list', element: t('float64') }), { kind: 'list', element: t('float64') });
    assert.deepEqual(promoteType({ kind: 'map', key: t('varchar'), value: t('int8') }, { kind: 'map', key: t('varchar'), value: t('int16') }), { kind: 'map', key: t('varchar'), value: t('int16') });
  });
});

describe('mergeSchemas', () => {
  it('keeps first-seen order, promotes types and makes missing or null-bearing columns nullable', () => {
    const merged = mergeSchemas([
      [col('id', t('int32')), col('score', t('int64'))],
      [col('id', t('int64')), col('score', t('float64'), true), col('extra', t('varchar'))],
    ]);
    assert.deepEqual(merged, [col('id', t('int64')), col('score', t('float64'), true), col('extra', t('varchar'), true)]);
  });

  it('does not modify its input', () => {
    const input = [[col('a', t('int8'))], [col('a', t('int16'), true)]];
    const copy = structuredClone(input);
    mergeSchemas(input);
    assert.deepEqual(input, copy);
  });
});
