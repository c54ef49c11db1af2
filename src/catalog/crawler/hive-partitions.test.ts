import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../errors.ts';
import { detectHivePartitions } from './hive-partitions.ts';

describe('detectHivePartitions', () => {
  it('finds typed partition columns in path order', () => {
    const keys = ['raw/sales/dt=2024-01-01/region=eu/part-0.csv', 'raw/sales/dt=2024-01-02/region=us%20east/part-0.csv'];
    const found = detectHivePartitions('raw/sales/', keys);
    assert.deepEqual(found.columns, [
      { name: 'dt', type: { kind: 'date' }, nullable: false },
      { name: 'region', type: { kind: 'varchar' }, nullable: false },
    ]);
    assert.deepEqual(found.values.get(keys[1] ?? ''), { dt: '2024-01-02', region: 'us east' });
  });

  it('types all-integer values as int64 and the Hive null value as nullable', () => {
    const found = detectHivePartitions('p/', ['p/year=2023/a.parquet', 'p/year=__HIVE_DEFAULT_PARTITION__/b.parquet', 'p/year=2024/c.parquet']);
    assert.deepEqual(found.columns, [{ name: 'year', type: { kind: 'int64' }, nullable: true }]);
  });

  it('ignores folders that are not col=value and finds none in a flat prefix', () => {
    assert.deepEqual(detectHivePartitions('p/', ['p/batch1/a.csv', 'p/batch2/b.csv']).columns, []);
    assert.deepEqual(detectHivePartitions('p/', ['p/a.csv']).columns, []);
  });

  it('rejects files that disagree on the partition columns', () => {
    assert.throws(
      () => detectHivePartitions('p/', ['p/dt=2024-01-01/a.csv', 'p/b.csv']),
      (err: unknown) => err instanceof ValidationError && err.code === 'CRAWL_PARTITIONS_INCONSISTENT' && err.message.includes('"p/b.csv" has ()'),
    );
  });
});
