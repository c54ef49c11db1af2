import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ColumnSpec, ColumnType } from '../column-types.ts';
import { contractDecision } from './contract-decision.ts';

const t = (kind: string): ColumnType => ({ kind }) as ColumnType;
const col = (name: string, type: ColumnType, nullable = false): ColumnSpec => ({ name, type, nullable });
const CURRENT = [col('id', t('int64')), col('count', t('int32')), col('user', { kind: 'struct', fields: [col('name', t('varchar'), true)] }, true)];
const INCOMING = [
  col('id', t('int64')),
  col('count', t('int64')),
  col('user', { kind: 'struct', fields: [col('name', t('varchar'), true), col('age', t('int8'), true)] }, true),
  col('score', t('float64'), true),
];

describe('contractDecision', () => {
  it('creates a missing table under every contract', () => {
    for (const contract of ['evolve', 'freeze', 'discard_row', 'discard_value'] as const) {
      const decision = contractDecision(undefined, CURRENT, contract);
      assert.equal(decision.action, 'create');
      assert.deepEqual(decision.diff, ['+ column id int64 not null', '+ column count int32 not null', '+ column user struct<name:varchar>']);
    }
  });

  it('is unchanged when the incoming columns fit, including narrower types', () => {
    const narrower = [col('id', t('int32')), col('count', t('int8')), col('user', { kind: 'struct', fields: [] }, true)];
    const decision = contractDecision(CURRENT, narrower, 'freeze');
    assert.equal(decision.action, 'unchanged');
    assert.deepEqual(decision.columns, CURRENT);
  });

  it('evolve adds columns and fields and promotes types', () => {
    const decision = contractDecision(CURRENT, INCOMING, 'evolve');
    assert.equal(decision.action, 'update');
    assert.deepEqual(decision.diff, ['~ column count int32 -> int64', '+ field user.age int8', '+ column score float64']);
    assert.deepEqual(decision.columns.map((c) => c.name), ['id', 'count', 'user', 'score']);
  });

  it('evolve keeps a column the data lacks, made nullable', () => {
    const decision = contractDecision(CURRENT, [col('count', t('int32'))], 'evolve');
    assert.deepEqual(decision.diff, ['~ column id nullable']);
    assert.equal(decision.columns[0]?.nullable, true);
  });

  it('freeze blocks with one reason per change and keeps the columns', () => {
    const decision = contractDecision(CURRENT, INCOMING, 'freeze');
    assert.equal(decision.action, 'blocked');
    assert.deepEqual(decision.columns, CURRENT);
    assert.deepEqual(decision.reasons, [
      'contract "freeze" refuses: ~ column count int32 -> int64',
      'contract "freeze" refuses: + field user.age int8',
      'contract "freeze" refuses: + column score float64',
    ]);
  });

  it('discard_row and discard_value keep the schema and list what loaders drop', () => {
    const withNulls = [...INCOMING.slice(0, 3), col('score', t('float64'), true)].map((c) => (c.name === 'id' ? { ...c, nullable: true } : c));
    const rows = contractDecision(CURRENT, withNulls, 'discard_row');
    assert.equal(rows.action, 'unchanged');
    assert.deepEqual(rows.diff, []);
    assert.deepEqual(rows.columns, CURRENT);
    assert.deepEqual(
      rows.discards.map((d) => [d.path, d.drop]),
      [['id', 'row'], ['count', 'row'], ['user.age', 'row'], ['score', 'row']],
    );
    const values = contractDecision(CURRENT, withNulls, 'discard_value');
    assert.deepEqual(
      values.discards.map((d) => [d.path, d.drop]),
      [['id', 'row'], ['count', 'value'], ['user.age', 'value'], ['score', 'value']],
    );
    assert.equal(values.discards[1]?.reason, 'values of column "count" that do not fit int32 are dropped');
  });
});
