import type { JsonValue } from './query-engine.ts';

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break; nested values as JSON. */
export function csvField(value: JsonValue): string {
  if (value === null) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV line, terminated with `\n`. */
export function csvLine(values: JsonValue[]): string {
  return `${values.map(csvField).join(',')}\n`;
}
