import { atFireTime, parseAtExpression } from './schedule-at.ts';
import type { AtSchedule } from './schedule-at.ts';
import { isKnownTimeZone, nextCronTimes, parseCronExpression, previousCronTimes } from './schedule-cron.ts';
import type { CronSchedule } from './schedule-cron.ts';
import { InvalidScheduleExpressionError, InvalidScheduleOptionsError } from './schedule-errors.ts';
import type { ScheduleKind } from './schedule-errors.ts';
import { nextRateTimes, parseRateExpression, previousRateTimes } from './schedule-rate.ts';
import type { RateSchedule } from './schedule-rate.ts';

/** Any parsed schedule expression, told apart by `type`. */
export type ScheduleExpression = CronSchedule | RateSchedule | AtSchedule;

/**
 * Parses `cron(...)`, `rate(...)` or `at(...)` with no regard to which API will take it.
 * Throws `InvalidScheduleExpressionError` (its `awsMessage` is the rules wording; use
 * `validateScheduleExpression` for the API-specific wording and the at()-only-on-Scheduler rule).
 */
export function parseScheduleExpression(expression: string): ScheduleExpression {
  if (typeof expression !== 'string') {
    throw new InvalidScheduleExpressionError({ expression: String(expression), field: 'type', rule: 'must be a string' });
  }
  if (expression.startsWith('cron(')) return parseCronExpression(expression);
  if (expression.startsWith('rate(')) return parseRateExpression(expression);
  if (expression.startsWith('at(')) return parseAtExpression(expression);
  throw new InvalidScheduleExpressionError({ expression, field: 'type', rule: 'must start with cron(, rate( or at( (lower case, no leading space)' });
}

/** Extra context for `validateScheduleExpression`. */
export interface ValidateScheduleOptions {
  /** For `kind: 'rule'`: the rule's event bus; schedules exist only on the default bus. Omitted = default. */
  eventBusName?: string;
}

/**
 * Checks a schedule expression against one API's rules and returns it parsed.
 * `'rule'` (EventBridge `PutRule`): cron and rate only, and only on the default event bus.
 * `'scheduler'` (EventBridge Scheduler `CreateSchedule`): cron, rate and at.
 * Throws `InvalidScheduleExpressionError` whose `awsMessage` is the text that API answers with.
 */
export function validateScheduleExpression(expression: string, kind: ScheduleKind, options: ValidateScheduleOptions = {}): ScheduleExpression {
  if (kind !== 'rule' && kind !== 'scheduler') throw new InvalidScheduleOptionsError('kind', kind, 'must be "rule" or "scheduler"');
  let parsed: ScheduleExpression;
  try {
    parsed = parseScheduleExpression(expression);
  } catch (err) {
    if (err instanceof InvalidScheduleExpressionError) throw new InvalidScheduleExpressionError({ ...err.problem, kind }, { cause: err });
    throw err;
  }
  if (kind === 'rule' && parsed.type === 'at') {
    throw new InvalidScheduleExpressionError({ expression, field: 'type', rule: 'at() one-time schedules exist only on EventBridge Scheduler; use cron() or rate() for a rule', kind });
  }
  const bus = options.eventBusName;
  if (kind === 'rule' && bus !== undefined && bus !== 'default' && !bus.endsWith(':event-bus/default')) {
    throw new InvalidScheduleExpressionError({
      expression,
      field: 'eventBusName',
      rule: `"${bus}" is not the default event bus, the only bus that takes scheduled rules`,
      kind,
      awsMessage: 'ScheduleExpression is supported only on the default event bus.',
    });
  }
  return parsed;
}

/** EventBridge Scheduler's flexible time window: invoke within `maximumWindowInMinutes` after each fire time. */
export interface FlexibleTimeWindow {
  mode: 'OFF' | 'FLEXIBLE';
  /** 1-1440; required with FLEXIBLE, absent with OFF. */
  maximumWindowInMinutes?: number;
}

/** The options of an EventBridge Scheduler schedule that shape its fire times. */
export interface SchedulerOptions {
  /** IANA zone the expression is read in (`ScheduleExpressionTimezone`); default UTC. */
  timezone?: string;
  /** Default `{ mode: 'OFF' }`. */
  flexibleTimeWindow?: FlexibleTimeWindow;
  /** First moment the schedule may fire (inclusive); ignored by one-time `at()` schedules. */
  startDate?: Date;
  /** Moment from which the schedule no longer fires (exclusive); ignored by one-time `at()` schedules. */
  endDate?: Date;
}

/**
 * Checks Scheduler options: `timezone` an IANA name Intl knows (at most 50 characters);
 * `flexibleTimeWindow.mode` OFF or FLEXIBLE, with `maximumWindowInMinutes` a whole number 1-1440 exactly
 * when FLEXIBLE; `startDate`/`endDate` valid dates with `endDate` after `startDate`.
 * Throws `InvalidScheduleOptionsError` naming the option.
 */
export function validateSchedulerOptions(options: SchedulerOptions): void {
  const { timezone, flexibleTimeWindow: window, startDate, endDate } = options;
  if (timezone !== undefined) {
    // Intl also takes raw offsets on some engines; Scheduler wants zone names
    const nameShaped = typeof timezone === 'string' && timezone.length <= 50 && /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(timezone);
    if (!nameShaped || !isKnownTimeZone(timezone)) throw new InvalidScheduleOptionsError('timezone', timezone, 'must be an IANA time zone name such as "America/New_York" (at most 50 characters)');
  }
  if (window !== undefined) {
    if (window.mode !== 'OFF' && window.mode !== 'FLEXIBLE') throw new InvalidScheduleOptionsError('flexibleTimeWindow.mode', window.mode, 'must be "OFF" or "FLEXIBLE"');
    const minutes = window.maximumWindowInMinutes;
    if (window.mode === 'FLEXIBLE' && (minutes === undefined || !Number.isInteger(minutes) || minutes < 1 || minutes > 1440)) {
      throw new InvalidScheduleOptionsError('flexibleTimeWindow.maximumWindowInMinutes', minutes, 'must be a whole number of minutes 1-1440 when mode is FLEXIBLE');
    }
    if (window.mode === 'OFF' && minutes !== undefined) {
      throw new InvalidScheduleOptionsError('flexibleTimeWindow.maximumWindowInMinutes', minutes, 'must be left out when mode is OFF');
    }
  }
  for (const [path, date] of [['startDate', startDate], ['endDate', endDate]] as const) {
    if (date !== undefined && !isValidDate(date)) throw new InvalidScheduleOptionsError(path, String(date), 'must be a valid Date');
  }
  if (startDate !== undefined && endDate !== undefined && endDate.getTime() <= startDate.getTime()) {
    throw new InvalidScheduleOptionsError('endDate', endDate.toISOString(), `must be after startDate ${startDate.toISOString()}`);
  }
}

/** Start/end bounds for fire-time queries (Scheduler's StartDate/EndDate). */
export interface FireTimeWindow {
  /** Inclusive; for rate schedules also the anchor (first occurrence). */
  startDate?: Date;
  /** Exclusive. */
  endDate?: Date;
}

function checkQuery(from: Date, count: number, timezone: string | undefined, window: FireTimeWindow): void {
  if (!isValidDate(from)) throw new InvalidScheduleOptionsError('from', String(from), 'must be a valid Date');
  if (!Number.isSafeInteger(count) || count < 0) throw new InvalidScheduleOptionsError('count', count, 'must be a whole number >= 0');
  validateSchedulerOptions({ timezone, startDate: window.startDate, endDate: window.endDate });
}

function isValidDate(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

/**
 * The next `count` fire times strictly after `from`, ascending (fewer when the schedule ends).
 * cron: fields read in `timezone` (UTC when omitted); a DST gap skips its wall times, an overlap fires once.
 * rate: `anchor + k x interval`, the anchor being `window.startDate` or else `from` (a schedule created at
 * `from`, whose immediate first invocation is not after `from`); `timezone` plays no part.
 * at: its one instant in `timezone`, if after `from`; `window` is ignored, as Scheduler ignores
 * StartDate/EndDate for one-time schedules.
 * `window.startDate` is inclusive, `window.endDate` exclusive.
 * Throws `InvalidScheduleExpressionError` or `InvalidScheduleOptionsError`.
 */
export function nextFireTimes(expression: string | ScheduleExpression, from: Date, count: number, timezone?: string, window: FireTimeWindow = {}): Date[] {
  checkQuery(from, count, timezone, window);
  const parsed = typeof expression === 'string' ? parseScheduleExpression(expression) : expression;
  const start = window.startDate?.getTime();
  const end = window.endDate?.getTime();
  if (parsed.type === 'at') {
    const at = atFireTime(parsed, timezone);
    return at !== undefined && count > 0 && at.getTime() > from.getTime() ? [at] : [];
  }
  if (parsed.type === 'rate') return nextRateTimes(parsed, start ?? from.getTime(), from.getTime(), count, end);
  // search from just before startDate so a fire time exactly on it counts
  const after = start !== undefined ? Math.max(from.getTime(), start - 1) : from.getTime();
  return nextCronTimes(parsed, after, count, timezone, end);
}

/**
 * The `count` fire times strictly before `before`, latest first (fewer when the schedule began later).
 * Same rules as `nextFireTimes`; a rate schedule needs `window.startDate` as its anchor.
 */
export function previousFireTimes(expression: string | ScheduleExpression, before: Date, count: number, timezone?: string, window: FireTimeWindow = {}): Date[] {
  checkQuery(before, count, timezone, window);
  const parsed = typeof expression === 'string' ? parseScheduleExpression(expression) : expression;
  const start = window.startDate?.getTime();
  const end = window.endDate?.getTime();
  if (parsed.type === 'at') {
    const at = atFireTime(parsed, timezone);
    return at !== undefined && count > 0 && at.getTime() < before.getTime() ? [at] : [];
  }
  const until = end !== undefined ? Math.min(before.getTime(), end) : before.getTime();
  if (parsed.type === 'rate') {
    if (start === undefined) throw new InvalidScheduleOptionsError('startDate', undefined, 'a rate schedule needs startDate as its anchor to list earlier fire times');
    return previousRateTimes(parsed, start, until, count);
  }
  return previousCronTimes(parsed, until, count, timezone, start);
}
