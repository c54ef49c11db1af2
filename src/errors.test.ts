import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConflictError, LakestackError, NotFoundError, isTransient } from './errors.ts';

describe('errors', () => {
  it('classifies retries by class, not text', () => {
    const conflict = new ConflictError('SNAPSHOT_STALE', 'stale', { fields: { table: 'dmd.sale' } });
    assert.equal(isTransient(conflict), true);
    assert.equal(isTransient(new NotFoundError('STORAGE_NOT_FOUND', 'missing')), false);
    assert.equal(isTransient(new Error('timeout')), false);
    assert.ok(conflict instanceof LakestackError);
    assert.deepEqual(conflict.toJSON(), { name: 'ConflictError', code: 'SNAPSHOT_STALE', message: 'stale', table: 'dmd.sale' });
  });
});
