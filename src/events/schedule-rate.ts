import { InvalidScheduleExpressionError } from './schedule-errors.ts';

/** Unit of a rate expression, singular form. */
export type RateUnit = 'minute' | 'hour' | 'day';

/** A parsed `rate(value unit)` expression. */
export interface RateSchedule {
  readonly type: 'rate';
  readonly expression: string;
  /** A positive whole number. */
  readonly value: number;
  readonly unit: RateUnit;
  /** value x unit in ms; a day is 24 hours, whatever daylight saving does to the calendar day. */
  readonly intervalMs: number;
}

const UNIT_MS: Record<RateUnit, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/**
 * Parses `rate(value unit)` as EventBridge does: one space between a positive whole `value` and a
 * lower-case `unit` of minute(s), hour(s) or day(s); the unit is singular when the value is 1 and plural
 * otherwise (`rate(1 minutes)` and `rate(5 minute)` are rejected). The smallest rate is therefore
 * `rate(1 minute)`; seconds, weeks, months and years do not exist. Throws `InvalidScheduleExpressionError`.
 */
export function parseRateExpression(expression: string): RateSchedule {
  const fail = (field: string, rule: string): never => {
    throw new InvalidScheduleExpressionError({ expression, field, rule });
  };
  const match = /^rate\((.*)\)$/s.exec(expression);
  if (!match) return fail('type', 'must be written rate(value unit)');
  const body = /^([^\s]+) ([^\s]+)$/.exec(match[1] ?? '');
  if (!body) return fail('body', `"${match[1] ?? ''}" must be "value unit" separated by one space, with no other spaces`);
  const [, valueText = '', unitText = ''] = body;
  if (!/^\d+$/.test(valueText)) fail('value', `"${valueText}" is not a positive whole number`);
  const value = Number(valueText);
  if (value < 1) fail('value', `${valueText} must be at least 1`);
  if (!Number.isSafeInteger(value)) fail('value', `${valueText} is too large`);
  const unit = /^(minute|hour|day)(s?)$/.exec(unitText);
  if (!unit) return fail('unit', `"${unitText}" is not one of minute, minutes, hour, hours, day, days (lower case)`);
  const singular = unit[1] as RateUnit;
  const plural = unit[2] === 's';
  if (value === 1 && plural) fail('unit', `"${unitText}" must be singular ("${singular}") when the value is 1`);
  if (value > 1 && !plural) fail('unit', `"${unitText}" must be plural ("${singular}s") when the value is greater than 1`);
  return { type: 'rate', expression, value, unit: singular, intervalMs: value * UNIT_MS[singular] };
}

/**
 * Fire times of a rate schedule: `anchor + k x interval` for k >= 0 (the anchor is the first
 * occurrence: Scheduler's StartDate, or the moment the schedule or rule was created), up to `count` of
 * them strictly after `after` and before `until` (exclusive), ascending. Time zones play no part:
 * Scheduler evaluates a rate a fixed duration after the previous invocation, even across DST.
 */
export function nextRateTimes(rate: RateSchedule, anchor: number, after: number, count: number, until?: number): Date[] {
  const out: Date[] = [];
  let k = after < anchor ? 0 : Math.floor((after - anchor) / rate.intervalMs) + 1;
  while (out.length < count) {
    const t = anchor + k * rate.intervalMs;
    if (until !== undefined && t >= until) break;
    out.push(new Date(t));
    k++;
  }
  return out;
}

/** Up to `count` fire times of a rate schedule strictly before `before`, latest first, never before `anchor`. */
export function previousRateTimes(rate: RateSchedule, anchor: number, before: number, count: number): Date[] {
  const out: Date[] = [];
  for (let k = Math.ceil((before - anchor) / rate.intervalMs) - 1; k >= 0 && out.length < count; k--) {
    out.push(new Date(anchor + k * rate.intervalMs));
  }
  return out;
}
