const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,12}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?)?$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const MICROS_PER_DAY = 86_400_000_000n;

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** `YYYY-MM-DD` of a day number (days since 1970-01-01), the inverse of `daysFromCivil`. */
export function civilFromDays(days: number): string {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function checkedDays(year: number, month: number, day: number): number | string {
  if (month < 1 || month > 12) return `month ${month} is not 1-12`;
  if (day < 1 || day > daysInMonth(year, month)) return `day ${day} does not exist in ${year}-${String(month).padStart(2, '0')}`;
  return daysFromCivil(year, month, day);
}

/**
 * Epoch microseconds of an ISO-8601 timestamp (`2024-05-01T12:30:00.123456Z`, `…+02:00`,
 * or a bare date meaning midnight UTC). Digits beyond microseconds are truncated. A time without
 * a UTC offset is rejected: it names no instant. Returns the reason when the text does not parse.
 */
export function parseIsoTimestampMicros(text: string): bigint | string {
  const m = ISO_TIMESTAMP.exec(text);
  if (m === null) return 'is not an ISO-8601 timestamp such as 2024-05-01T12:30:00Z';
  const [, y, mo, d, h, mi, s, frac, zulu, sign, oh, om] = m;
  const days = checkedDays(Number(y), Number(mo), Number(d));
  if (typeof days === 'string') return days;
  if (h === undefined) return BigInt(days) * MICROS_PER_DAY;
  if (zulu === undefined && sign === undefined) return 'has no UTC offset (add "Z" or "+hh:mm")';
  const hours = Number(h);
  const minutes = Number(mi);
  const seconds = s === undefined ? 0 : Number(s);
  if (hours > 23 || minutes > 59 || seconds > 59) return `time ${h}:${mi}:${s ?? '00'} is out of range`;
  let offsetMinutes = 0;
  if (sign !== undefined) {
    if (Number(oh) > 23 || Number(om) > 59) return `UTC offset ${sign}${oh}:${om} is out of range`;
    offsetMinutes = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  }
  const secondOfDay = hours * 3600 + minutes * 60 + seconds - offsetMinutes * 60;
  const micros = BigInt((frac ?? '').padEnd(6, '0').slice(0, 6));
  return BigInt(days) * MICROS_PER_DAY + BigInt(secondOfDay) * 1_000_000n + micros;
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` date, or the reason it is not one. */
export function parseIsoDateDays(text: string): number | string {
  const m = ISO_DATE.exec(text);
  if (m === null) return 'is not a YYYY-MM-DD date';
  return checkedDays(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** `YYYY-MM-DD` (UTC) of an epoch time in microseconds. */
export function utcDateOfMicros(micros: bigint): string {
  const days = micros >= 0n ? micros / MICROS_PER_DAY : -((-micros + MICROS_PER_DAY - 1n) / MICROS_PER_DAY);
  return civilFromDays(Number(days));
}
