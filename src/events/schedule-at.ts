import { wallClockToInstant } from './schedule-cron.ts';
import { InvalidScheduleExpressionError } from './schedule-errors.ts';

/** A parsed one-time `at(yyyy-mm-ddThh:mm:ss)` expression: a local date-time with no zone of its own. */
export interface AtSchedule {
  readonly type: 'at';
  readonly expression: string;
  readonly year: number;
  /** 1-12. */
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/**
 * Parses `at(yyyy-mm-ddThh:mm:ss)` (EventBridge Scheduler only). The date-time must exist in the
 * calendar and carry no zone suffix (`Z`, `+01:00`): Scheduler reads it in the schedule's time zone.
 * A time in the past is accepted, as AWS does. Throws `InvalidScheduleExpressionError`.
 */
export function parseAtExpression(expression: string): AtSchedule {
  const fail = (field: string, rule: string): never => {
    throw new InvalidScheduleExpressionError({ expression, field, rule });
  };
  const match = /^at\((.*)\)$/s.exec(expression);
  if (!match) return fail('type', 'must be written at(yyyy-mm-ddThh:mm:ss)');
  const text = match[1] ?? '';
  const parts = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!parts) return fail('date-time', `"${text}" must be yyyy-mm-ddThh:mm:ss, a local time with no zone suffix such as Z`);
  const [year, month, day, hour, minute, second] = parts.slice(1).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12) fail('month', `${month} is outside 1-12`);
  const last = [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 31;
  if (day < 1 || day > last) fail('day', `${day} is outside 1-${last} for ${text.slice(0, 7)}`);
  if (hour > 23) fail('hour', `${hour} is outside 0-23`);
  if (minute > 59) fail('minute', `${minute} is outside 0-59`);
  if (second > 59) fail('second', `${second} is outside 0-59`);
  return { type: 'at', expression, year, month, day, hour, minute, second };
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * The instant a one-time schedule fires: its date-time read in `timezone` (UTC when omitted).
 * As for cron schedules, a wall time inside a spring-forward gap never happens and gives undefined,
 * and one repeated by a fall-back change fires at its first occurrence.
 */
export function atFireTime(at: AtSchedule, timezone?: string): Date | undefined {
  const wall = new Date(0);
  wall.setUTCFullYear(at.year, at.month - 1, at.day);
  wall.setUTCHours(at.hour, at.minute, at.second, 0);
  if (timezone === undefined) return wall;
  const instant = wallClockToInstant(wall.getTime(), timezone);
  return instant === undefined ? undefined : new Date(instant);
}
