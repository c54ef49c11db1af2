import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { conformanceDir } from '../../test/support/paths.ts';
import { InvalidScheduleExpressionError } from './schedule-errors.ts';
import { nextFireTimes, previousFireTimes, validateScheduleExpression } from './schedule-expression.ts';

// Vectors from localstack and beemhq/aws-cron-parser (see eventbridge-patterns/PROVENANCE.md); one `it` per case.
const dir = conformanceDir('eventbridge-patterns/schedule-expressions');
const read = <T>(file: string): T => JSON.parse(readFileSync(join(dir, file), 'utf8')) as T;

interface ValidityCase {
  service: string;
  expression: string;
  valid: boolean;
  expected_error?: { Code: string; Message: string };
}

interface OccurrenceCase {
  kind: 'sequence' | 'next_and_prev';
  direction?: 'next' | 'prev';
  schedule_expression: string;
  start: string;
  expected_iso?: string[];
  expected_next_iso?: string;
  expected_prev_iso?: string | null;
  source: { test: string };
}

const validity = read<{ cases: ValidityCase[] }>('localstack-schedule-expression-cases.json').cases;
const occurrences = read<{ cases: OccurrenceCase[] }>('aws-cron-parser-occurrence-cases.json').cases;
const iso = (dates: Date[]): string[] => dates.map((d) => d.toISOString().replace('.000Z', 'Z'));

/** Runs one case through the API named by `service`; returns the thrown error, if any. */
function submit(c: ValidityCase): unknown {
  try {
    if (c.service.startsWith('events.PutRule')) {
      validateScheduleExpression(c.expression, 'rule', c.service.includes('custom event bus') ? { eventBusName: 'custom-bus' } : {});
    } else if (c.service.startsWith('scheduler.CreateSchedule')) {
      validateScheduleExpression(c.expression, 'scheduler');
    } else {
      throw new Error(`unknown service "${c.service}" in the vectors`);
    }
    return undefined;
  } catch (err) {
    return err;
  }
}

describe('schedule expressions conformance: localstack-schedule-expression-cases.json', () => {
  let ran = 0;
  after(() => assert.equal(ran, validity.length, 'every validity case ran'));

  it('holds the 64 cases PROVENANCE.md describes', () => assert.equal(validity.length, 64));

  for (const [i, c] of validity.entries()) {
    it(`#${i} ${c.service}: ${JSON.stringify(c.expression)} is ${c.valid ? 'valid' : 'rejected'}`, () => {
      const err = submit(c);
      if (c.valid) assert.equal(err, undefined, `expected acceptance, got ${String(err)}`);
      else {
        assert.ok(err instanceof InvalidScheduleExpressionError, `expected InvalidScheduleExpressionError, got ${String(err)}`);
        assert.equal(err.code, 'SCHEDULE_EXPRESSION_INVALID');
        assert.equal(c.expected_error?.Code, 'ValidationException');
        assert.equal(err.awsMessage, c.expected_error?.Message);
        assert.equal(err.fields.expression, c.expression);
      }
      ran++;
    });
  }
});

describe('schedule expressions conformance: aws-cron-parser-occurrence-cases.json', () => {
  let ran = 0;
  after(() => assert.equal(ran, occurrences.length, 'every occurrence case ran'));

  it('holds the 27 cases PROVENANCE.md describes', () => assert.equal(occurrences.length, 27));

  for (const [i, c] of occurrences.entries()) {
    it(`#${i} ${c.kind}${c.direction ? ` ${c.direction}` : ''}: ${c.schedule_expression} from ${c.start} (${c.source.test})`, () => {
      const start = new Date(c.start);
      if (c.kind === 'sequence') {
        const expected = c.expected_iso ?? [];
        assert.ok(expected.length > 0);
        const fire = c.direction === 'prev' ? previousFireTimes : nextFireTimes;
        assert.deepEqual(iso(fire(c.schedule_expression, start, expected.length)), expected);
        // the vectors chain single steps: next(occurrence_(i-1)); check that reading too
        let cursor = start;
        for (const want of expected) {
          const [got] = fire(c.schedule_expression, cursor, 1);
          assert.ok(got, `no occurrence after ${cursor.toISOString()}`);
          assert.equal(iso([got])[0], want);
          cursor = got;
        }
      } else {
        assert.deepEqual(iso(nextFireTimes(c.schedule_expression, start, 1)), [c.expected_next_iso]);
        const prev = previousFireTimes(c.schedule_expression, start, 1);
        assert.deepEqual(iso(prev), c.expected_prev_iso === null ? [] : [c.expected_prev_iso]);
      }
      ran++;
    });
  }
});
