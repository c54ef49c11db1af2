import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../errors.ts';
import { formatColumnType } from '../column-types.ts';
import { columnTypeOfDuckDb } from './duckdb-column-type.ts';

const spell = (duckdb: string): string => formatColumnType(columnTypeOfDuckDb(duckdb));

describe('columnTypeOfDuckDb', () => {
  it('maps scalars, including multi-word and aliased ones', () => {
    assert.equal(spell('BIGINT'), 'int64');
    assert.equal(spell('UTINYINT'), 'uint8');
    assert.equal(spell('TIMESTAMP WITH TIME ZONE'), 'timestamptz');
    assert.equal(spell('TIMESTAMP_S'), 'timestamp');
    assert.equal(spell('HUGEINT'), 'decimal(38,0)');
    assert.equal(spell('DECIMAL(10,2)'), 'decimal(10,2)');
    assert.equal(spell("ENUM('a', 'b)')"), 'varchar');
  });

  it('maps nested types with quoted names and array suffixes', () => {
    assert.equal(spell('STRUCT(a INTEGER, "b c" VARCHAR[], d MAP(VARCHAR, DOUBLE[]))'), 'struct<a:int32,b c:list<varchar>,d:map<varchar,list<float64>>>');
    assert.equal(spell('STRUCT("x""y" TIMESTAMP WITH TIME ZONE)[][]'), 'list<list<struct<x"y:timestamptz>>>');
    assert.equal(spell('INTEGER[3]'), 'list<int32>');
  });

  it('rejects unions and unknown names', () => {
    for (const bad of ['UNION(a INTEGER, b VARCHAR)', 'GEOMETRY', 'STRUCT(a INTEGER']) {
      assert.throws(() => columnTypeOfDuckDb(bad), (err: unknown) => err instanceof ValidationError && err.code === 'CRAWL_TYPE_UNSUPPORTED', bad);
    }
  });
});
