import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DynamoNumber } from './dynamo-number.ts';
import { partitionDateOf } from './partition-date.ts';

describe('partitionDateOf', () => {
  it('takes the UTC date of ISO strings, epoch millis and Dates', () => {
    assert.equal(partitionDateOf('2024-05-01T23:30:00-02:00'), '2024-05-02');
    assert.equal(partitionDateOf('2024-05-01'), '2024-05-01');
    assert.equal(partitionDateOf(new DynamoNumber('1714521599999')), '2024-04-30');
    assert.equal(partitionDateOf(1714521600000), '2024-05-01');
    assert.equal(partitionDateOf(1714521600000n), '2024-05-01');
    assert.equal(partitionDateOf(new Date('2024-05-03T00:00:00Z')), '2024-05-03');
  });

  it('names the field when there is no usable time', () => {
    assert.throws(() => partitionDateOf(undefined, 'sold_at'), { code: 'DDB_BAD_PARTITION_DATE', message: /partition date field sold_at is missing/ });
    assert.throws(() => partitionDateOf('2024-05-01T10:00:00'), { code: 'DDB_BAD_PARTITION_DATE', message: /created_at has no UTC offset/ });
    assert.throws(() => partitionDateOf(true), { code: 'DDB_BAD_PARTITION_DATE', message: /neither an ISO-8601 string nor epoch milliseconds/ });
    assert.throws(() => partitionDateOf(Number.NaN), { code: 'DDB_BAD_PARTITION_DATE', message: /not a finite number/ });
  });
});
