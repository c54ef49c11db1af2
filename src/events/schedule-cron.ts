import { InvalidScheduleExpressionError, InvalidScheduleOptionsError } from './schedule-errors.ts';

/** Day-of-month field: `?`, a set of days, `L` / `L-n`, `LW`, or `nW`. */
export type CronDayOfMonth =
  | { readonly kind: 'any' }
  | { readonly kind: 'days'; readonly days: readonly number[] }
  | { readonly kind: 'last'; readonly offset: number }
  | { readonly kind: 'last-weekday' }
  | { readonly kind: 'nearest-weekday'; readonly day: number };

/** Day-of-week field, numbered 1-7 = SUN-SAT: `?`, a set of days, `nL` (last n-day of the month), `n#k` (k-th n-day). */
export type CronDayOfWeek =
  | { readonly kind: 'any' }
  | { readonly kind: 'days'; readonly days: readonly number[] }
  | { readonly kind: 'last'; readonly day: number }
  | { readonly kind: 'nth'; readonly day: number; readonly nth: number };

/** A parsed AWS 6-field cron expression; value lists are sorted and deduplicated. */
export interface CronSchedule {
  readonly type: 'cron';
  readonly expression: string;
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly dayOfMonth: CronDayOfMonth;
  readonly months: readonly number[];
  readonly dayOfWeek: CronDayOfWeek;
  readonly years: readonly number[];
}

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  readonly wraps: boolean;
}

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MINUTES: FieldSpec = { name: 'minutes', min: 0, max: 59, wraps: true };
const HOURS: FieldSpec = { name: 'hours', min: 0, max: 23, wraps: true };
const DAY_OF_MONTH: FieldSpec = { name: 'day-of-month', min: 1, max: 31, wraps: true };
const MONTH: FieldSpec = { name: 'month', min: 1, max: 12, names: MONTH_NAMES, wraps: true };
const DAY_OF_WEEK: FieldSpec = { name: 'day-of-week', min: 1, max: 7, names: DAY_NAMES, wraps: true };
const YEAR: FieldSpec = { name: 'year', min: 1970, max: 2199, wraps: false };

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * Parses `cron(minutes hours day-of-month month day-of-week year)` with EventBridge's rules:
 * `, - * /` everywhere except `/` in day-of-week; `?` only in the day fields, and exactly one of them;
 * `L`, `L-n`, `LW`, `nW` alone in day-of-month; `L`, `nL`, `n#k` alone in day-of-week (1-7 = SUN-SAT);
 * names JAN-DEC / SUN-SAT in any case; years 1970-2199. A range whose start exceeds its end wraps
 * (`FRI-MON`, `22-2`), as in Quartz, which AWS's syntax comes from; a step must lie within the field's span.
 * Throws `InvalidScheduleExpressionError` naming the field and the rule.
 */
export function parseCronExpression(expression: string): CronSchedule {
  const fail = (field: string, rule: string): never => {
    throw new InvalidScheduleExpressionError({ expression, field, rule });
  };
  const match = /^cron\((.*)\)$/s.exec(expression);
  if (!match) return fail('type', 'must be written cron(minutes hours day-of-month month day-of-week year)');
  const parts = (match[1] ?? '').split(' ');
  if (parts.length !== 6 || parts.some((p) => p === '' || /\s/.test(p))) {
    return fail('fields', `must be exactly six fields separated by single spaces (got "${match[1] ?? ''}")`);
  }
  const [min, hour, dom, month, dow, year] = parts.map((p) => p.toUpperCase()) as [string, string, string, string, string, string];
  const dayOfMonth = parseDayOfMonth(dom, fail);
  const dayOfWeek = parseDayOfWeek(dow, fail);
  if (dayOfMonth.kind === 'any' && dayOfWeek.kind === 'any') fail('day-of-month', 'and day-of-week are both "?"; exactly one of them must be "?"');
  if (dayOfMonth.kind !== 'any' && dayOfWeek.kind !== 'any') {
    fail('day-of-week', `"${dow}" cannot be set together with day-of-month "${dom}"; put "?" in one of them`);
  }
  return {
    type: 'cron',
    expression,
    minutes: parseList(min, MINUTES, fail),
    hours: parseList(hour, HOURS, fail),
    dayOfMonth,
    months: parseList(month, MONTH, fail),
    dayOfWeek,
    years: parseList(year, YEAR, fail),
  };
}

type Fail = (field: string, rule: string) => never;

function parseDayOfMonth(text: string, fail: Fail): CronDayOfMonth {
  if (text === '?') return { kind: 'any' };
  if (text === 'L') return { kind: 'last', offset: 0 };
  if (text === 'LW') return { kind: 'last-weekday' };
  const lastOffset = /^L-(\d+)$/.exec(text);
  if (lastOffset) {
    const offset = Number(lastOffset[1]);
    if (offset < 1 || offset > 30) fail('day-of-month', `"${text}": the offset from the last day must be 1-30`);
    return { kind: 'last', offset };
  }
  const weekday = /^(\d+)W$/.exec(text);
  if (weekday) {
    const day = Number(weekday[1]);
    if (day < 1 || day > 31) fail('day-of-month', `"${text}": the day before W must be 1-31`);
    return { kind: 'nearest-weekday', day };
  }
  if (/[LW?]/.test(text)) fail('day-of-month', `"${text}": "?", "L" and "W" must stand alone in day-of-month (L, L-n, LW, nW)`);
  return { kind: 'days', days: parseList(text, DAY_OF_MONTH, fail) };
}

function parseDayOfWeek(text: string, fail: Fail): CronDayOfWeek {
  if (text === '?') return { kind: 'any' };
  if (text === 'L') return { kind: 'days', days: [7] };
  const nth = /^([0-9A-Z]+)#(\d+)$/.exec(text);
  if (nth) {
    const k = Number(nth[2]);
    if (k < 1 || k > 5) fail('day-of-week', `"${text}": the number after # must be 1-5`);
    return { kind: 'nth', day: parseValue(nth[1] ?? '', DAY_OF_WEEK, fail), nth: k };
  }
  const last = /^([0-9A-Z]+)L$/.exec(text);
  if (last) return { kind: 'last', day: parseValue(last[1] ?? '', DAY_OF_WEEK, fail) };
  // no day name contains L, so any L, # or ? left here is misplaced
  if (/[#?L]/.test(text)) {
    fail('day-of-week', `"${text}": "?", "L" and "#" must stand alone in day-of-week (one expression only, e.g. 6L or 3#2)`);
  }
  if (text.includes('/')) fail('day-of-week', `"${text}": "/" is not allowed in day-of-week`);
  return { kind: 'days', days: parseList(text, DAY_OF_WEEK, fail) };
}

function parseValue(text: string, spec: FieldSpec, fail: Fail): number {
  let value: number;
  if (/^\d+$/.test(text)) value = Number(text);
  else {
    const index = spec.names?.indexOf(text) ?? -1;
    if (index < 0) {
      const allowed = spec.names ? `${spec.min}-${spec.max} or ${spec.names[0]}-${spec.names[spec.names.length - 1]}` : `${spec.min}-${spec.max}`;
      return fail(spec.name, `"${text}" is not a value (allowed: ${allowed})`);
    }
    value = spec.min + index;
  }
  if (value < spec.min || value > spec.max) fail(spec.name, `${text} is outside ${spec.min}-${spec.max}`);
  return value;
}

/** `*`, `a`, `a-b`, each optionally `/step`, joined by commas. */
function parseList(text: string, spec: FieldSpec, fail: Fail): number[] {
  const values = new Set<number>();
  for (const element of text.split(',')) {
    const m = /^(\*|[0-9A-Z]+(?:-[0-9A-Z]+)?)(?:\/(\d+))?$/.exec(element);
    if (!m) return fail(spec.name, `"${element}" is not a value, range (a-b), "*" or step (x/n)${element.includes('?') ? '; "?" is allowed only in day-of-month and day-of-week' : ''}`);
    const base = m[1] ?? '';
    const span = spec.max - spec.min + 1;
    const step = m[2] === undefined ? 1 : Number(m[2]);
    if (step < 1 || step > span) fail(spec.name, `step "/${m[2] ?? ''}" in "${element}" must be 1-${span}`);
    let start: number;
    let end: number;
    if (base === '*') [start, end] = [spec.min, spec.max];
    else if (base.includes('-')) {
      const [a, b] = base.split('-') as [string, string];
      [start, end] = [parseValue(a, spec, fail), parseValue(b, spec, fail)];
      if (start > end && !spec.wraps) fail(spec.name, `range "${base}" runs backwards`);
    } else {
      start = parseValue(base, spec, fail);
      end = m[2] === undefined ? start : spec.max;
    }
    const length = start <= end ? end - start + 1 : spec.max - start + 1 + (end - spec.min + 1);
    for (let k = 0; k < length; k += step) values.add(start + k > spec.max ? start + k - span : start + k);
  }
  return [...values].sort((x, y) => x - y);
}

// ---- calendar arithmetic on "wall" milliseconds (local clock readings stored as if UTC) ----

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 1-7 = SUN-SAT. */
function weekday(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

/** Days of (year, month) that both day fields allow, ascending. */
function matchingDays(cron: CronSchedule, year: number, month: number): number[] {
  const last = daysInMonth(year, month);
  const dom = cron.dayOfMonth;
  const dow = cron.dayOfWeek;
  const within = (d: number): number[] => (d >= 1 && d <= last ? [d] : []);
  if (dom.kind === 'days') return dom.days.filter((d) => d <= last);
  if (dom.kind === 'last') return within(last - dom.offset);
  if (dom.kind === 'last-weekday') {
    const w = weekday(year, month, last);
    return [w === 7 ? last - 1 : w === 1 ? last - 2 : last];
  }
  if (dom.kind === 'nearest-weekday') {
    if (dom.day > last) return [];
    const w = weekday(year, month, dom.day);
    // the nearest weekday never leaves the month: 1st on a Saturday -> Monday 3rd, last day on a Sunday -> Friday
    if (w === 7) return [dom.day === 1 ? 3 : dom.day - 1];
    if (w === 1) return [dom.day === last ? dom.day - 2 : dom.day + 1];
    return [dom.day];
  }
  const first = weekday(year, month, 1);
  if (dow.kind === 'days') {
    const out: number[] = [];
    for (let d = 1; d <= last; d++) if (dow.days.includes(((first - 1 + d - 1) % 7) + 1)) out.push(d);
    return out;
  }
  if (dow.kind === 'last') return [last - ((weekday(year, month, last) - dow.day + 7) % 7)];
  if (dow.kind === 'nth') return within(1 + ((dow.day - first + 7) % 7) + 7 * (dow.nth - 1));
  return [];
}

const atOrAfter = (list: readonly number[], v: number): number | undefined => list.find((x) => x >= v);
const atOrBefore = (list: readonly number[], v: number): number | undefined => list.findLast((x) => x <= v);

/** First wall minute at or after `wall` that the cron matches, or undefined past 2199. */
function nextWall(cron: CronSchedule, wall: number): number | undefined {
  const t = new Date(wall);
  let [y, mo, d, h, mi] = [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate(), t.getUTCHours(), t.getUTCMinutes()];
  const days = new Map<number, number[]>();
  for (;;) {
    const ny = atOrAfter(cron.years, y);
    if (ny === undefined) return undefined;
    if (ny !== y) [y, mo, d, h, mi] = [ny, 1, 1, 0, 0];
    const nmo = atOrAfter(cron.months, mo);
    if (nmo === undefined) {
      [y, mo, d, h, mi] = [y + 1, 1, 1, 0, 0];
      continue;
    }
    if (nmo !== mo) [mo, d, h, mi] = [nmo, 1, 0, 0];
    const key = y * 100 + mo;
    const monthDays = days.get(key) ?? matchingDays(cron, y, mo);
    days.set(key, monthDays);
    const nd = atOrAfter(monthDays, d);
    if (nd === undefined) {
      [y, mo, d, h, mi] = mo === 12 ? [y + 1, 1, 1, 0, 0] : [y, mo + 1, 1, 0, 0];
      continue;
    }
    if (nd !== d) [d, h, mi] = [nd, 0, 0];
    const nh = atOrAfter(cron.hours, h);
    if (nh === undefined) {
      [d, h, mi] = [d + 1, 0, 0];
      if (d > daysInMonth(y, mo)) [y, mo, d] = mo === 12 ? [y + 1, 1, 1] : [y, mo + 1, 1];
      continue;
    }
    if (nh !== h) [h, mi] = [nh, 0];
    const nmi = atOrAfter(cron.minutes, mi);
    if (nmi === undefined) {
      [h, mi] = [h + 1, 0];
      if (h > 23) {
        [d, h] = [d + 1, 0];
        if (d > daysInMonth(y, mo)) [y, mo, d] = mo === 12 ? [y + 1, 1, 1] : [y, mo + 1, 1];
      }
      continue;
    }
    return Date.UTC(y, mo - 1, d, h, nmi);
  }
}

/** Last wall minute at or before `wall` that the cron matches, or undefined before 1970. */
function previousWall(cron: CronSchedule, wall: number): number | undefined {
  const t = new Date(wall);
  let [y, mo, d, h, mi] = [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate(), t.getUTCHours(), t.getUTCMinutes()];
  const days = new Map<number, number[]>();
  const endOfPreviousMonth = (): void => {
    [y, mo] = mo === 1 ? [y - 1, 12] : [y, mo - 1];
    [d, h, mi] = [daysInMonth(y, mo), 23, 59];
  };
  for (;;) {
    const py = atOrBefore(cron.years, y);
    if (py === undefined) return undefined;
    if (py !== y) [y, mo, d, h, mi] = [py, 12, 31, 23, 59];
    const pmo = atOrBefore(cron.months, mo);
    if (pmo === undefined) {
      [y, mo, d, h, mi] = [y - 1, 12, 31, 23, 59];
      continue;
    }
    if (pmo !== mo) [mo, d, h, mi] = [pmo, daysInMonth(y, pmo), 23, 59];
    const key = y * 100 + mo;
    const monthDays = days.get(key) ?? matchingDays(cron, y, mo);
    days.set(key, monthDays);
    const pd = atOrBefore(monthDays, d);
    if (pd === undefined) {
      endOfPreviousMonth();
      continue;
    }
    if (pd !== d) [d, h, mi] = [pd, 23, 59];
    const ph = atOrBefore(cron.hours, h);
    if (ph === undefined) {
      if (d === 1) endOfPreviousMonth();
      else [d, h, mi] = [d - 1, 23, 59];
      continue;
    }
    if (ph !== h) [h, mi] = [ph, 59];
    const pmi = atOrBefore(cron.minutes, mi);
    if (pmi === undefined) {
      if (h > 0) [h, mi] = [h - 1, 59];
      else if (d > 1) [d, h, mi] = [d - 1, 23, 59];
      else endOfPreviousMonth();
      continue;
    }
    return Date.UTC(y, mo - 1, d, h, pmi);
  }
}

// ---- time zones (IANA names through Intl.DateTimeFormat; no tz database of our own) ----

const formatters = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: timezone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch (cause) {
      throw new InvalidScheduleOptionsError('timezone', timezone, 'not an IANA time zone name such as "Europe/Paris"', { cause });
    }
    formatters.set(timezone, f);
  }
  return f;
}

/** True when `name` is a time zone `Intl.DateTimeFormat` knows (IANA names, `UTC`). */
export function isKnownTimeZone(name: string): boolean {
  try {
    zoneFormatter(name);
    return true;
  } catch {
    return false;
  }
}

/** Offset of `timezone` from UTC at `instant` (ms since epoch), in ms: local wall clock = instant + offset. */
export function zoneOffsetMs(timezone: string, instant: number): number {
  const whole = Math.floor(instant / 1000) * 1000;
  const p: Record<string, number> = {};
  for (const part of zoneFormatter(timezone).formatToParts(new Date(whole))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const wall = Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, (p.hour ?? 0) % 24, p.minute ?? 0, p.second ?? 0);
  return wall - whole;
}

/**
 * The instant at which the clocks of `timezone` read `wall` (a local date-time stored as UTC ms).
 * In a fall-back overlap the wall time happens twice: the earlier instant is returned. In a
 * spring-forward gap it never happens: undefined. Assumes at most one offset change within a day.
 */
export function wallClockToInstant(wall: number, timezone: string): number | undefined {
  const offsets = new Set([zoneOffsetMs(timezone, wall - DAY_MS), zoneOffsetMs(timezone, wall), zoneOffsetMs(timezone, wall + DAY_MS)]);
  let earliest: number | undefined;
  for (const offset of offsets) {
    const instant = wall - offset;
    if (zoneOffsetMs(timezone, instant) === offset && (earliest === undefined || instant < earliest)) earliest = instant;
  }
  return earliest;
}

interface Clock {
  toWall(instant: number): number;
  toInstant(wall: number): number | undefined;
  /** How far local clocks may read ahead of `toWall(instant)` for instants before it (an overlap's length). */
  lookBack(instant: number): number;
}

const UTC_CLOCK: Clock = { toWall: (i) => i, toInstant: (w) => w, lookBack: () => 0 };

function zoneClock(timezone: string): Clock {
  return {
    toWall: (i) => i + zoneOffsetMs(timezone, i),
    toInstant: (w) => wallClockToInstant(w, timezone),
    lookBack: (i) => Math.max(0, zoneOffsetMs(timezone, i - 2 * DAY_MS) - zoneOffsetMs(timezone, i)),
  };
}

const floorMinute = (ms: number): number => Math.floor(ms / MINUTE_MS) * MINUTE_MS;

/**
 * Up to `count` fire times strictly after `after` (and before `until`, exclusive), ascending.
 * Without `timezone` the fields are read in UTC (EventBridge rules). With one (EventBridge Scheduler)
 * they are read on that zone's wall clock, and daylight-saving changes follow Scheduler's documented
 * behaviour: a wall time that falls in a spring-forward gap is skipped; a wall time repeated by a
 * fall-back change fires once, at its first (earlier) occurrence.
 */
export function nextCronTimes(cron: CronSchedule, after: number, count: number, timezone?: string, until?: number): Date[] {
  const clock = timezone === undefined ? UTC_CLOCK : zoneClock(timezone);
  const out: Date[] = [];
  let wall = floorMinute(clock.toWall(after)) + MINUTE_MS;
  while (out.length < count) {
    const w = nextWall(cron, wall);
    if (w === undefined) break;
    wall = w + MINUTE_MS;
    const instant = clock.toInstant(w);
    // undefined: in a DST gap; <= after: the second pass of an overlap already fired (or precedes `after`)
    if (instant === undefined || instant <= after) continue;
    if (until !== undefined && instant >= until) break;
    out.push(new Date(instant));
  }
  return out;
}

/** Up to `count` fire times strictly before `before` (and at or after `since`), latest first; same rules as `nextCronTimes`. */
export function previousCronTimes(cron: CronSchedule, before: number, count: number, timezone?: string, since?: number): Date[] {
  const clock = timezone === undefined ? UTC_CLOCK : zoneClock(timezone);
  const out: Date[] = [];
  let wall = floorMinute(clock.toWall(before - 1) + clock.lookBack(before));
  while (out.length < count) {
    const w = previousWall(cron, wall);
    if (w === undefined) break;
    wall = w - MINUTE_MS;
    const instant = clock.toInstant(w);
    if (instant === undefined || instant >= before) continue;
    if (since !== undefined && instant < since) break;
    out.push(new Date(instant));
  }
  return out;
}
