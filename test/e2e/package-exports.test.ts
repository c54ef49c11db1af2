import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidEventPatternError, InvalidScheduleExpressionError, defineProject, matchesEventPattern, nextFireTimes, validateScheduleExpression } from 'lakestack';

describe('package entry point', () => {
  it('exports the event-pattern matcher', () => {
    assert.equal(matchesEventPattern({ source: ['aws.s3'], detail: { size: [{ numeric: ['>', 10] }] } }, { source: 'aws.s3', detail: { size: 11 } }), true);
    assert.equal(matchesEventPattern({ source: [{ prefix: 'aws.' }] }, { source: 'custom.app' }), false);
    assert.throws(() => matchesEventPattern({ source: 'aws.s3' }, {}), InvalidEventPatternError);
  });

  it('exports schedule validation and fire times', () => {
    validateScheduleExpression('cron(0 6 * * ? *)', 'rule');
    assert.throws(() => validateScheduleExpression('at(2026-01-01T00:00:00)', 'rule'), InvalidScheduleExpressionError);
    validateScheduleExpression('at(2026-01-01T00:00:00)', 'scheduler');
    const fires = nextFireTimes('cron(0 6 * * ? *)', new Date('2026-03-28T12:00:00Z'), 3, 'Europe/Berlin');
    // Berlin switches to summer time on 2026-03-29: 06:00 local is 05:00 UTC before, 04:00 UTC after
    assert.deepEqual(fires.map((d) => d.toISOString()), ['2026-03-29T04:00:00.000Z', '2026-03-30T04:00:00.000Z', '2026-03-31T04:00:00.000Z']);
  });

  it('exports defineProject for project files', () => {
    const p = defineProject({ name: 'x' });
    assert.equal(p.name, 'x');
  });
});
