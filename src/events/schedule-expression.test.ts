import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../errors.ts';
import { InvalidScheduleExpressionError, InvalidScheduleOptionsError } from './schedule-errors.ts';
import { nextFireTimes, parseScheduleExpression, previousFireTimes, validateScheduleExpression, validateSchedulerOptions } from './schedule-expression.ts';

const iso = (dates: Date[]): string[] => dates.map((d) => d.toISOString().replace('.000Z', 'Z'));
const next = (expr: string, from: string, count: number, timezone?: string): string[] => iso(nextFireTimes(expr, new Date(from), count, timezone));
const prev = (expr: string, before: string, count: number, timezone?: string): string[] => iso(previousFireTimes(expr, new Date(before), count, timezone));

/** Asserts `fn` throws an InvalidScheduleExpressionError about `field` and returns it. */
function rejects(fn: () => unknown, field: string): InvalidScheduleExpressionError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof InvalidScheduleExpressionError, `expected InvalidScheduleExpressionError, got ${String(err)}`);
    assert.equal(err.fields.field, field, err.message);
    return err;
  }
  assert.fail(`expected a rejection about ${field}`);
}

const rejectsCron = (expr: string, field: string): InvalidScheduleExpressionError => rejects(() => parseScheduleExpression(expr), field);

describe('parseScheduleExpression: cron syntax', () => {
  it('expands *, lists, ranges, steps and names into sorted value lists', () => {
    const c = parseScheduleExpression('cron(0/15 8-10,12 ? JAN,MAR-APR MON-WED,FRI 2024/100)');
    assert.equal(c.type, 'cron');
    if (c.type !== 'cron') return;
    assert.deepEqual(c.minutes, [0, 15, 30, 45]);
    assert.deepEqual(c.hours, [8, 9, 10, 12]);
    assert.deepEqual(c.dayOfMonth, { kind: 'any' });
    assert.deepEqual(c.months, [1, 3, 4]);
    assert.deepEqual(c.dayOfWeek, { kind: 'days', days: [2, 3, 4, 6] });
    assert.deepEqual(c.years, [2024, 2124]);
  });

  it('reads `*` as the whole field, `a/n` up to the field end and `MAR/4` from a name', () => {
    const c = parseScheduleExpression('cron(* 7/5 * MAR/4 ? *)');
    if (c.type !== 'cron') return assert.fail('not cron');
    assert.equal(c.minutes.length, 60);
    assert.deepEqual(c.hours, [7, 12, 17, 22]);
    assert.deepEqual(c.dayOfMonth, { kind: 'days', days: Array.from({ length: 31 }, (_, i) => i + 1) });
    assert.deepEqual(c.months, [3, 7, 11]);
    assert.equal(c.years[0], 1970);
    assert.equal(c.years.at(-1), 2199);
  });

  it('wraps ranges whose start exceeds their end (22-2, FRI-MON, NOV-FEB)', () => {
    const c = parseScheduleExpression('cron(0 22-2 ? NOV-FEB FRI-MON *)');
    if (c.type !== 'cron') return assert.fail('not cron');
    assert.deepEqual(c.hours, [0, 1, 2, 22, 23]);
    assert.deepEqual(c.months, [1, 2, 11, 12]);
    assert.deepEqual(c.dayOfWeek, { kind: 'days', days: [1, 2, 6, 7] });
  });

  it('parses the day-of-month specials L, L-n, LW and nW', () => {
    const dom = (f: string): unknown => (parseScheduleExpression(`cron(0 0 ${f} * ? *)`) as { dayOfMonth: unknown }).dayOfMonth;
    assert.deepEqual(dom('L'), { kind: 'last', offset: 0 });
    assert.deepEqual(dom('L-3'), { kind: 'last', offset: 3 });
    assert.deepEqual(dom('LW'), { kind: 'last-weekday' });
    assert.deepEqual(dom('15W'), { kind: 'nearest-weekday', day: 15 });
  });

  it('parses the day-of-week specials L (Saturday), nL and n#k, with names in any case', () => {
    const dow = (f: string): unknown => (parseScheduleExpression(`cron(0 0 ? * ${f} *)`) as { dayOfWeek: unknown }).dayOfWeek;
    assert.deepEqual(dow('L'), { kind: 'days', days: [7] });
    assert.deepEqual(dow('6L'), { kind: 'last', day: 6 });
    assert.deepEqual(dow('FRIL'), { kind: 'last', day: 6 });
    assert.deepEqual(dow('3#2'), { kind: 'nth', day: 3, nth: 2 });
    assert.deepEqual(dow('sat#3'), { kind: 'nth', day: 7, nth: 3 });
    assert.deepEqual(dow('sun,Mon'), { kind: 'days', days: [1, 2] });
  });
});

describe('parseScheduleExpression: cron validation errors', () => {
  it('names the field and the rule, and carries AWS’s message', () => {
    const err = rejectsCron('cron(71 8 1 * ? *)', 'minutes');
    assert.ok(err instanceof ValidationError);
    assert.equal(err.code, 'SCHEDULE_EXPRESSION_INVALID');
    assert.match(err.message, /cron\(71 8 1 \* \? \*\)/);
    assert.match(err.message, /71 is outside 0-59/);
    assert.equal(err.awsMessage, 'Parameter ScheduleExpression is not valid.');
  });

  it('rejects out-of-range values in every field', () => {
    rejectsCron('cron(0 24 * * ? *)', 'hours');
    rejectsCron('cron(0 0 32 * ? *)', 'day-of-month');
    rejectsCron('cron(0 0 0 * ? *)', 'day-of-month');
    rejectsCron('cron(0 0 1 13 ? *)', 'month');
    rejectsCron('cron(0 0 ? * 0 *)', 'day-of-week');
    rejectsCron('cron(0 0 ? * 8 *)', 'day-of-week');
    rejectsCron('cron(0 0 1 * ? 1969)', 'year');
    rejectsCron('cron(0 0 1 * ? 2200)', 'year');
  });

  it('rejects unknown names, names in the wrong field and malformed elements', () => {
    rejectsCron('cron(7 20 * * NOT *)', 'day-of-week');
    rejectsCron('cron(0 dummy ? * MON-FRI *)', 'hours');
    rejectsCron('cron(0 0 ? MON * *)', 'month');
    rejectsCron('cron(0 0 ? * JAN *)', 'day-of-week');
    rejectsCron('cron(0,,5 0 1 * ? *)', 'minutes');
    rejectsCron('cron(0-5-9 0 1 * ? *)', 'minutes');
  });

  it('requires exactly six fields separated by single spaces', () => {
    rejectsCron('cron()', 'fields');
    rejectsCron('cron(INVALID)', 'fields');
    rejectsCron('cron(0 0 1 * ?)', 'fields');
    rejectsCron('cron(0 0 1 * ? * *)', 'fields');
    rejectsCron('cron(0  0 1 * ? *)', 'fields');
    rejectsCron('cron( 0 0 1 * ? *)', 'fields');
  });

  it('requires exactly one of day-of-month and day-of-week to be ?', () => {
    rejectsCron('cron(0 1 * * * *)', 'day-of-week');
    rejectsCron('cron(0 1 1 * MON *)', 'day-of-week');
    rejectsCron('cron(0 1 ? * ? *)', 'day-of-month');
  });

  it('allows ? only in the day fields, / not in day-of-week, and L/W/# only standing alone', () => {
    rejectsCron('cron(? 0 1 * ? *)', 'minutes');
    rejectsCron('cron(0 0 ? * MON/2 *)', 'day-of-week');
    rejectsCron('cron(0 0 ? * 3#1,6#3 *)', 'day-of-week');
    rejectsCron('cron(0 0 ? * 6L,2 *)', 'day-of-week');
    rejectsCron('cron(0 0 ? * 3#6 *)', 'day-of-week');
    rejectsCron('cron(0 0 1,L * ? *)', 'day-of-month');
    rejectsCron('cron(0 0 1W-5 * ? *)', 'day-of-month');
    rejectsCron('cron(0 0 L-31 * ? *)', 'day-of-month');
    rejectsCron('cron(0 0 0W * ? *)', 'day-of-month');
  });

  it('rejects a zero or too large step and a backwards year range', () => {
    rejectsCron('cron(0/0 0 1 * ? *)', 'minutes');
    rejectsCron('cron(0/61 0 1 * ? *)', 'minutes');
    rejectsCron('cron(0 0 1 * ? 2030-2020)', 'year');
  });

  it('rejects anything that is not cron(, rate( or at(', () => {
    rejectsCron('CRON(0 0 1 * ? *)', 'type');
    rejectsCron(' cron(0 0 1 * ? *)', 'type');
    rejectsCron('every day', 'type');
    rejectsCron('cron(0 0 1 * ? *) ', 'type');
  });
});

describe('parseScheduleExpression: rate', () => {
  it('parses value and unit, with singular for 1 and plural above', () => {
    assert.deepEqual(parseScheduleExpression('rate(1 minute)'), { type: 'rate', expression: 'rate(1 minute)', value: 1, unit: 'minute', intervalMs: 60_000 });
    assert.deepEqual(parseScheduleExpression('rate(5 minutes)'), { type: 'rate', expression: 'rate(5 minutes)', value: 5, unit: 'minute', intervalMs: 300_000 });
    assert.equal((parseScheduleExpression('rate(1 hour)') as { intervalMs: number }).intervalMs, 3_600_000);
    assert.equal((parseScheduleExpression('rate(2 days)') as { intervalMs: number }).intervalMs, 172_800_000);
  });

  it('rejects singular/plural mismatches, zero, negatives, unknown units and stray spaces', () => {
    rejects(() => parseScheduleExpression('rate(1 minutes)'), 'unit');
    rejects(() => parseScheduleExpression('rate(5 minute)'), 'unit');
    rejects(() => parseScheduleExpression('rate(1 days)'), 'unit');
    rejects(() => parseScheduleExpression('rate(10 seconds)'), 'unit');
    rejects(() => parseScheduleExpression('rate(2 weeks)'), 'unit');
    rejects(() => parseScheduleExpression('rate(10 MINUTES)'), 'unit');
    rejects(() => parseScheduleExpression('rate(0 minutes)'), 'value');
    rejects(() => parseScheduleExpression('rate(-10 minutes)'), 'value');
    rejects(() => parseScheduleExpression('rate(1.5 hours)'), 'value');
    rejects(() => parseScheduleExpression('rate(foo minutes)'), 'value');
    rejects(() => parseScheduleExpression('rate(99999999999999999999 minutes)'), 'value');
    rejects(() => parseScheduleExpression('rate()'), 'body');
    rejects(() => parseScheduleExpression('rate(10)'), 'body');
    rejects(() => parseScheduleExpression('rate( 10 minutes )'), 'body');
    rejects(() => parseScheduleExpression('rate(10  minutes)'), 'body');
  });
});

describe('parseScheduleExpression: at', () => {
  it('parses a local date-time', () => {
    assert.deepEqual(parseScheduleExpression('at(2024-02-29T23:59:58)'), {
      type: 'at',
      expression: 'at(2024-02-29T23:59:58)',
      year: 2024,
      month: 2,
      day: 29,
      hour: 23,
      minute: 59,
      second: 58,
    });
  });

  it('rejects zone suffixes, missing times and impossible dates', () => {
    rejects(() => parseScheduleExpression('at(2021-12-31T23:59:59Z)'), 'date-time');
    rejects(() => parseScheduleExpression('at(2021-12-31T23:59:59+01:00)'), 'date-time');
    rejects(() => parseScheduleExpression('at(2021-12-31)'), 'date-time');
    rejects(() => parseScheduleExpression('at(2021-12-31T23:59)'), 'date-time');
    rejects(() => parseScheduleExpression('at(2023-02-29T00:00:00)'), 'day');
    rejects(() => parseScheduleExpression('at(2023-13-01T00:00:00)'), 'month');
    rejects(() => parseScheduleExpression('at(2023-01-01T24:00:00)'), 'hour');
    rejects(() => parseScheduleExpression('at(2023-01-01T00:60:00)'), 'minute');
    rejects(() => parseScheduleExpression('at(2023-01-01T00:00:60)'), 'second');
  });
});

describe('validateScheduleExpression', () => {
  it('accepts cron and rate for rules, and cron, rate and at for Scheduler', () => {
    assert.equal(validateScheduleExpression('cron(0 12 * * ? *)', 'rule').type, 'cron');
    assert.equal(validateScheduleExpression('rate(5 minutes)', 'rule').type, 'rate');
    assert.equal(validateScheduleExpression('at(2022-12-31T23:59:59)', 'scheduler').type, 'at');
  });

  it('rejects at() for rules', () => {
    const err = rejects(() => validateScheduleExpression('at(2022-12-31T23:59:59)', 'rule'), 'type');
    assert.equal(err.awsMessage, 'Parameter ScheduleExpression is not valid.');
  });

  it('words the AWS message per API', () => {
    assert.equal(rejects(() => validateScheduleExpression('rate(0 minutes)', 'rule'), 'value').awsMessage, 'Parameter ScheduleExpression is not valid.');
    const err = rejects(() => validateScheduleExpression('rate(0 minutes)', 'scheduler'), 'value');
    assert.equal(err.awsMessage, 'Invalid Schedule Expression rate(0 minutes).');
    assert.equal(err.fields.kind, 'scheduler');
  });

  it('accepts schedules on the default bus only', () => {
    validateScheduleExpression('rate(1 minute)', 'rule', { eventBusName: 'default' });
    validateScheduleExpression('rate(1 minute)', 'rule', { eventBusName: 'arn:aws:events:eu-west-1:123456789012:event-bus/default' });
    const err = rejects(() => validateScheduleExpression('rate(1 minute)', 'rule', { eventBusName: 'orders' }), 'eventBusName');
    assert.equal(err.awsMessage, 'ScheduleExpression is supported only on the default event bus.');
  });

  it('rejects an unknown kind', () => {
    assert.throws(() => validateScheduleExpression('rate(1 minute)', 'cloudwatch' as 'rule'), InvalidScheduleOptionsError);
  });
});

describe('validateSchedulerOptions', () => {
  const bad = (options: Parameters<typeof validateSchedulerOptions>[0], path: string): void => {
    assert.throws(
      () => validateSchedulerOptions(options),
      (err: unknown) => err instanceof InvalidScheduleOptionsError && err.code === 'SCHEDULE_OPTIONS_INVALID' && err.fields.path === path,
    );
  };

  it('accepts IANA zones, OFF and FLEXIBLE windows and ordered dates', () => {
    validateSchedulerOptions({});
    validateSchedulerOptions({
      timezone: 'America/New_York',
      flexibleTimeWindow: { mode: 'FLEXIBLE', maximumWindowInMinutes: 1440 },
      startDate: new Date('2030-01-01T00:00:00Z'),
      endDate: new Date('2030-02-01T00:00:00Z'),
    });
    validateSchedulerOptions({ timezone: 'UTC', flexibleTimeWindow: { mode: 'OFF' } });
    validateSchedulerOptions({ flexibleTimeWindow: { mode: 'FLEXIBLE', maximumWindowInMinutes: 1 } });
  });

  it('rejects unknown or offset-shaped time zones', () => {
    bad({ timezone: 'Mars/Olympus_Mons' }, 'timezone');
    bad({ timezone: '+01:00' }, 'timezone');
    bad({ timezone: '' }, 'timezone');
  });

  it('rejects bad flexible windows', () => {
    bad({ flexibleTimeWindow: { mode: 'SOMETIMES' as 'OFF' } }, 'flexibleTimeWindow.mode');
    bad({ flexibleTimeWindow: { mode: 'FLEXIBLE' } }, 'flexibleTimeWindow.maximumWindowInMinutes');
    bad({ flexibleTimeWindow: { mode: 'FLEXIBLE', maximumWindowInMinutes: 0 } }, 'flexibleTimeWindow.maximumWindowInMinutes');
    bad({ flexibleTimeWindow: { mode: 'FLEXIBLE', maximumWindowInMinutes: 1441 } }, 'flexibleTimeWindow.maximumWindowInMinutes');
    bad({ flexibleTimeWindow: { mode: 'FLEXIBLE', maximumWindowInMinutes: 2.5 } }, 'flexibleTimeWindow.maximumWindowInMinutes');
    bad({ flexibleTimeWindow: { mode: 'OFF', maximumWindowInMinutes: 5 } }, 'flexibleTimeWindow.maximumWindowInMinutes');
  });

  it('rejects invalid dates and an end not after the start', () => {
    bad({ startDate: new Date('nope') }, 'startDate');
    bad({ endDate: new Date(Number.NaN) }, 'endDate');
    bad({ startDate: new Date('2030-01-01T00:00:00Z'), endDate: new Date('2030-01-01T00:00:00Z') }, 'endDate');
  });
});

describe('nextFireTimes / previousFireTimes: cron in UTC', () => {
  it('numbers day-of-week 1-7 as SUN-SAT', () => {
    assert.deepEqual(next('cron(0 12 ? * 1 *)', '2024-09-01T00:00:00Z', 2), ['2024-09-01T12:00:00Z', '2024-09-08T12:00:00Z']);
    assert.deepEqual(next('cron(0 12 ? * L *)', '2024-08-26T00:00:00Z', 1), ['2024-08-31T12:00:00Z']);
  });

  it('returns times strictly after `from` and strictly before `before`', () => {
    assert.deepEqual(next('cron(0 12 * * ? *)', '2024-01-01T12:00:00Z', 1), ['2024-01-02T12:00:00Z']);
    assert.deepEqual(prev('cron(0 12 * * ? *)', '2024-01-01T12:00:00Z', 1), ['2023-12-31T12:00:00Z']);
    assert.deepEqual(next('cron(* * * * ? *)', '2024-01-01T12:00:30Z', 2), ['2024-01-01T12:01:00Z', '2024-01-01T12:02:00Z']);
  });

  it('finds the nearest weekday without leaving the month (nW, LW)', () => {
    assert.deepEqual(next('cron(0 0 1W * ? *)', '2022-09-30T00:00:00Z', 1), ['2022-10-03T00:00:00Z']);
    assert.deepEqual(next('cron(0 0 31W * ? *)', '2022-07-01T00:00:00Z', 1), ['2022-07-29T00:00:00Z']);
    assert.deepEqual(next('cron(0 0 LW * ? *)', '2024-06-01T00:00:00Z', 3), ['2024-06-28T00:00:00Z', '2024-07-31T00:00:00Z', '2024-08-30T00:00:00Z']);
  });

  it('handles L (leap February), nL and n#k, skipping months without a fifth weekday', () => {
    assert.deepEqual(next('cron(0 0 L 2 ? *)', '2023-03-01T00:00:00Z', 2), ['2024-02-29T00:00:00Z', '2025-02-28T00:00:00Z']);
    assert.deepEqual(next('cron(0 0 ? * 1L *)', '2024-06-01T00:00:00Z', 1), ['2024-06-30T00:00:00Z']);
    assert.deepEqual(next('cron(0 0 ? * 3#5 2024)', '2024-01-31T00:00:00Z', 5), [
      '2024-04-30T00:00:00Z',
      '2024-07-30T00:00:00Z',
      '2024-10-29T00:00:00Z',
      '2024-12-31T00:00:00Z',
    ]);
  });

  it('runs wrapped ranges across midnight', () => {
    assert.deepEqual(next('cron(0 23-1 * * ? *)', '2024-01-01T22:00:00Z', 3), ['2024-01-01T23:00:00Z', '2024-01-02T00:00:00Z', '2024-01-02T01:00:00Z']);
  });

  it('stops at the year bounds 1970-2199 and at impossible dates', () => {
    assert.deepEqual(next('cron(0 0 1 1 ? 2199)', '2199-01-01T00:00:00Z', 1), []);
    assert.deepEqual(prev('cron(0 0 1 1 ? 1970)', '1970-01-01T00:00:00Z', 1), []);
    assert.deepEqual(next('cron(0 0 30 2 ? *)', '2024-01-01T00:00:00Z', 1), []);
  });

  it('keeps to startDate (inclusive) and endDate (exclusive)', () => {
    const window = { startDate: new Date('2024-01-03T12:00:00Z'), endDate: new Date('2024-01-05T12:00:00Z') };
    assert.deepEqual(iso(nextFireTimes('cron(0 12 * * ? *)', new Date('2024-01-01T00:00:00Z'), 5, undefined, window)), ['2024-01-03T12:00:00Z', '2024-01-04T12:00:00Z']);
    assert.deepEqual(iso(previousFireTimes('cron(0 12 * * ? *)', new Date('2024-01-09T00:00:00Z'), 5, undefined, window)), ['2024-01-04T12:00:00Z', '2024-01-03T12:00:00Z']);
  });

  it('returns nothing for count 0 and rejects a bad count, date or zone', () => {
    assert.deepEqual(next('cron(0 12 * * ? *)', '2024-01-01T00:00:00Z', 0), []);
    assert.throws(() => nextFireTimes('cron(0 12 * * ? *)', new Date(), -1), InvalidScheduleOptionsError);
    assert.throws(() => nextFireTimes('cron(0 12 * * ? *)', new Date('nope'), 1), InvalidScheduleOptionsError);
    assert.throws(() => nextFireTimes('cron(0 12 * * ? *)', new Date(), 1, 'Nowhere/Land'), InvalidScheduleOptionsError);
    assert.throws(() => nextFireTimes('cron(0 12 * * * *)', new Date(), 1), InvalidScheduleExpressionError);
  });
});

describe('nextFireTimes / previousFireTimes: cron in a time zone (DST)', () => {
  it('reads the fields on the zone’s wall clock', () => {
    assert.deepEqual(next('cron(0 9 * * ? *)', '2024-07-01T00:00:00Z', 1, 'Europe/Paris'), ['2024-07-01T07:00:00Z']);
    assert.deepEqual(next('cron(0 9 * * ? *)', '2024-01-01T00:00:00Z', 1, 'Europe/Paris'), ['2024-01-01T08:00:00Z']);
  });

  it('skips a wall time that a spring-forward gap removes', () => {
    assert.deepEqual(next('cron(30 2 * * ? *)', '2024-03-09T12:00:00Z', 2, 'America/New_York'), ['2024-03-11T06:30:00Z', '2024-03-12T06:30:00Z']);
    assert.deepEqual(next('cron(30 2 * * ? *)', '2024-03-30T12:00:00Z', 1, 'Europe/Berlin'), ['2024-04-01T00:30:00Z']);
    assert.deepEqual(prev('cron(30 2 * * ? *)', '2024-03-11T12:00:00Z', 2, 'America/New_York'), ['2024-03-11T06:30:00Z', '2024-03-09T07:30:00Z']);
  });

  it('fires a wall time repeated by a fall-back overlap once, at its first occurrence', () => {
    assert.deepEqual(next('cron(30 1 * * ? *)', '2024-11-02T12:00:00Z', 2, 'America/New_York'), ['2024-11-03T05:30:00Z', '2024-11-04T06:30:00Z']);
    assert.deepEqual(next('cron(30 2 * * ? *)', '2024-10-26T12:00:00Z', 2, 'Europe/Berlin'), ['2024-10-27T00:30:00Z', '2024-10-28T01:30:00Z']);
    assert.deepEqual(next('cron(0/30 * * * ? *)', '2024-11-03T04:50:00Z', 4, 'America/New_York'), [
      '2024-11-03T05:00:00Z',
      '2024-11-03T05:30:00Z',
      '2024-11-03T07:00:00Z',
      '2024-11-03T07:30:00Z',
    ]);
  });

  it('does not repeat the overlap when starting inside its second pass, in either direction', () => {
    assert.deepEqual(next('cron(0/30 * * * ? *)', '2024-11-03T06:10:00Z', 1, 'America/New_York'), ['2024-11-03T07:00:00Z']);
    assert.deepEqual(prev('cron(0/30 * * * ? *)', '2024-11-03T07:10:00Z', 3, 'America/New_York'), ['2024-11-03T07:00:00Z', '2024-11-03T05:30:00Z', '2024-11-03T05:00:00Z']);
    assert.deepEqual(prev('cron(45 1 * * ? *)', '2024-11-03T06:10:00Z', 1, 'America/New_York'), ['2024-11-03T05:45:00Z']);
  });
});

describe('nextFireTimes / previousFireTimes: rate anchors', () => {
  it('anchors on `from` when there is no startDate (the immediate first run is not after `from`)', () => {
    assert.deepEqual(next('rate(5 minutes)', '2024-01-01T10:00:30Z', 3), ['2024-01-01T10:05:30Z', '2024-01-01T10:10:30Z', '2024-01-01T10:15:30Z']);
  });

  it('makes a future startDate the first occurrence', () => {
    const window = { startDate: new Date('2024-01-02T00:00:00Z') };
    assert.deepEqual(iso(nextFireTimes('rate(1 hour)', new Date('2024-01-01T00:00:00Z'), 2, undefined, window)), ['2024-01-02T00:00:00Z', '2024-01-02T01:00:00Z']);
  });

  it('keeps the startDate grid when `from` is later, and stops before endDate', () => {
    const window = { startDate: new Date('2024-01-01T00:07:00Z'), endDate: new Date('2024-01-01T01:07:00Z') };
    assert.deepEqual(iso(nextFireTimes('rate(20 minutes)', new Date('2024-01-01T00:30:00Z'), 5, undefined, window)), ['2024-01-01T00:47:00Z']);
    assert.deepEqual(iso(previousFireTimes('rate(20 minutes)', new Date('2024-01-01T00:47:00Z'), 5, undefined, window)), ['2024-01-01T00:27:00Z', '2024-01-01T00:07:00Z']);
  });

  it('counts a day as 24 hours across DST, whatever the time zone', () => {
    const window = { startDate: new Date('2024-03-09T12:00:00Z') };
    assert.deepEqual(iso(nextFireTimes('rate(1 day)', new Date('2024-03-09T12:00:00Z'), 2, 'America/New_York', window)), ['2024-03-10T12:00:00Z', '2024-03-11T12:00:00Z']);
  });

  it('needs a startDate to list earlier fire times', () => {
    assert.throws(() => previousFireTimes('rate(1 hour)', new Date(), 1), InvalidScheduleOptionsError);
  });
});

describe('nextFireTimes / previousFireTimes: at', () => {
  it('fires once, in the given zone (UTC by default), ignoring start and end dates', () => {
    assert.deepEqual(next('at(2024-07-01T09:00:00)', '2024-01-01T00:00:00Z', 3), ['2024-07-01T09:00:00Z']);
    assert.deepEqual(next('at(2024-07-01T09:00:00)', '2024-01-01T00:00:00Z', 3, 'Europe/Paris'), ['2024-07-01T07:00:00Z']);
    const window = { startDate: new Date('2025-01-01T00:00:00Z') };
    assert.deepEqual(iso(nextFireTimes('at(2024-07-01T09:00:00)', new Date('2024-01-01T00:00:00Z'), 1, undefined, window)), ['2024-07-01T09:00:00Z']);
    assert.deepEqual(prev('at(2024-07-01T09:00:00)', '2024-08-01T00:00:00Z', 1), ['2024-07-01T09:00:00Z']);
  });

  it('is past once its time has gone', () => {
    assert.deepEqual(next('at(2024-07-01T09:00:00)', '2024-07-01T09:00:00Z', 1), []);
    assert.deepEqual(prev('at(2024-07-01T09:00:00)', '2024-07-01T09:00:00Z', 1), []);
  });

  it('never fires inside a DST gap and fires at the first pass of an overlap', () => {
    assert.deepEqual(next('at(2024-03-10T02:30:00)', '2024-01-01T00:00:00Z', 1, 'America/New_York'), []);
    assert.deepEqual(next('at(2024-11-03T01:30:00)', '2024-01-01T00:00:00Z', 1, 'America/New_York'), ['2024-11-03T05:30:00Z']);
  });
});
