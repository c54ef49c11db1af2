import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Metrics } from './metrics.ts';

describe('Metrics', () => {
  it('counts per label set and summarises latencies', () => {
    const m = new Metrics();
    m.increment('records_in', { pipeline: 'a' }, 5);
    m.increment('records_in', { pipeline: 'a' });
    m.increment('records_in', { pipeline: 'b' });
    assert.equal(m.counter('records_in', { pipeline: 'a' }), 6);
    assert.equal(m.counter('records_in', { pipeline: 'b' }), 1);
    for (let i = 1; i <= 100; i++) m.observe('commit_ms', { pipeline: 'a' }, i);
    const h = m.histogram('commit_ms', { pipeline: 'a' });
    assert.deepEqual(h && [h.count, h.p50, h.p99, h.max], [100, 51, 100, 100]);
    assert.deepEqual(Object.keys(m.snapshot().counters).sort(), ['records_in{pipeline="a"}', 'records_in{pipeline="b"}']);
  });
});
