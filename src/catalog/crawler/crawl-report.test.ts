import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCrawlReport } from './crawl-report.ts';
import type { CrawlResult } from './crawler.ts';

const RESULT: CrawlResult = {
  action: 'update',
  diff: ['+ column score float64', '~ column n int32 -> int64'],
  reasons: [],
  discards: [],
  columns: [],
  partitionColumns: ['dt'],
  format: 'csv',
  files: [{ key: 'raw/a/dt=2024-01-01/x.csv', size: 10, rowCount: 2, partitionValues: { dt: '2024-01-01' } }],
};

describe('formatCrawlReport', () => {
  it('prints what a dry run would apply', () => {
    assert.deepEqual(formatCrawlReport('raw.a', RESULT, true), [
      'table raw.a would update from 1 csv file, partitioned by (dt)',
      '  + column score float64',
      '  ~ column n int32 -> int64',
    ]);
  });

  it('prints the reasons of a block and the drops of a discard contract', () => {
    const blocked = formatCrawlReport('raw.a', { ...RESULT, action: 'blocked', diff: [], reasons: ['contract "freeze" refuses: + column x int64'], partitionColumns: [] }, false);
    assert.deepEqual(blocked, ['table raw.a blocked from 1 csv file', '  ! contract "freeze" refuses: + column x int64']);
    const discarding = formatCrawlReport('raw.a', { ...RESULT, action: 'unchanged', diff: [], discards: [{ path: 'x', drop: 'row', reason: 'rows with a value for new column "x" are dropped' }] }, false);
    assert.equal(discarding[1], '  - rows with a value for new column "x" are dropped (discard row)');
  });
});
