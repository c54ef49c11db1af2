import type { JsonValue } from '../query/query-engine.ts';

/** How commands print: human tables by default, one JSON document with `--json`. */
export interface Output {
  json: boolean;
  /** Writes a line to stdout. */
  line(text?: string): void;
  /** Prints a value as JSON (with `--json`) or calls `human` to print it for people. */
  result(value: unknown, human: () => void): void;
  /** Writes a note to stderr (progress, hints): never mixed into data on stdout. */
  note(text: string): void;
}

export function createOutput(json: boolean, stdout: NodeJS.WritableStream = process.stdout, stderr: NodeJS.WritableStream = process.stderr): Output {
  return {
    json,
    line: (text = '') => void stdout.write(`${text}\n`),
    result(value, human) {
      if (json) stdout.write(`${JSON.stringify(value, jsonReplacer, 2)}\n`);
      else human();
    },
    note: (text) => void stderr.write(`${text}\n`),
  };
}

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

function cellText(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return 'NULL';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** A boxed text table: header, rule, rows; numbers right-aligned. */
export function formatTable(headers: string[], rows: JsonValue[][]): string {
  const cells = rows.map((r) => headers.map((_, i) => cellText(r[i])));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || r[i] === null));
  const fmt = (r: string[]) => r.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' │ ');
  const rule = widths.map((w) => '─'.repeat(w)).join('─┼─');
  return [fmt(headers), rule, ...cells.map(fmt)].join('\n');
}

/** Bytes for people: `1.4 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}
