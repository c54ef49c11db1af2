import { ValidationError } from '../errors.ts';

/** Longest key S3 accepts, in UTF-8 bytes; every adapter enforces the same bound. */
export const MAX_KEY_BYTES = 1024;

// A lone surrogate has no UTF-8 form: S3 would store U+FFFD and two keys could collide.
const LONE_SURROGATE = /\p{Surrogate}/u;

/** The first control character (U+0000–U+001F, U+007F) in `text`, if any. */
function findControlChar(text: string): number | undefined {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit <= 0x1f || unit === 0x7f) return unit;
  }
  return undefined;
}

/** The value as it appears in a message: quoted, and cut short when long. */
function show(value: string): string {
  return JSON.stringify(value.length > 120 ? `${value.slice(0, 120)}…` : value);
}

function invalid(what: 'key' | 'prefix', value: string, rule: string): ValidationError {
  return new ValidationError(
    'STORAGE_INVALID_KEY',
    `object ${what} ${show(value)} is invalid: ${rule}; use relative, slash-separated names such as "zone/table/part-0001.parquet"`,
    { fields: { [what]: value, rule } },
  );
}

function checkPath(what: 'key' | 'prefix', value: string, path: string): void {
  if (value.startsWith('/')) throw invalid(what, value, 'it must not start with "/" (keys are relative)');
  if (path.includes('\\')) throw invalid(what, value, 'it must not contain a backslash; separate segments with "/"');
  const control = findControlChar(path);
  if (control !== undefined) {
    const code = control.toString(16).toUpperCase().padStart(4, '0');
    throw invalid(what, value, `it must not contain control characters (found U+${code})`);
  }
  if (LONE_SURROGATE.test(path)) throw invalid(what, value, 'it must be well-formed Unicode (found an unpaired surrogate)');
  for (const segment of path.split('/')) {
    if (segment === '') throw invalid(what, value, 'it must not contain empty segments ("//" or a trailing "/")');
    if (segment === '.' || segment === '..') throw invalid(what, value, `it must not contain a "${segment}" segment`);
  }
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_KEY_BYTES) throw invalid(what, value, `it is ${bytes} UTF-8 bytes, over the limit of ${MAX_KEY_BYTES}`);
}

/**
 * Throws `ValidationError` (code `STORAGE_INVALID_KEY`) unless `key` is a safe object key:
 * non-empty, relative, `/`-separated, no empty / `.` / `..` segments, no backslashes, no control
 * characters, well-formed Unicode, at most 1024 UTF-8 bytes. Valid keys are valid file paths
 * below a root directory and valid S3 keys.
 */
export function assertValidKey(key: string): void {
  if (typeof key !== 'string' || key === '') throw invalid('key', String(key), 'it must be a non-empty string');
  checkPath('key', key, key);
}

/**
 * Like `assertValidKey` for a list prefix: the empty prefix (everything) is allowed, and a
 * prefix may end in `/` ("folder") or part-way through a segment (`logs/2024-`).
 */
export function assertValidPrefix(prefix: string): void {
  if (typeof prefix !== 'string') throw invalid('prefix', String(prefix), 'it must be a string');
  if (prefix === '') return;
  checkPath('prefix', prefix, prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
}

/**
 * Joins key parts with `/`, dropping empty parts and the slashes at each join
 * (`joinKey('raw/', 'dmd', 'a.avro')` → `raw/dmd/a.avro`), and validates the result.
 * A leading `/` on the first part or a trailing `/` on the last is kept, so it is rejected.
 */
export function joinKey(...parts: string[]): string {
  const last = parts.length - 1;
  const trimmed = parts
    .map((part, i) => {
      let p = part;
      if (i > 0) p = p.replace(/^\/+/u, '');
      if (i < last) p = p.replace(/\/+$/u, '');
      return p;
    })
    .filter((p) => p !== '');
  const key = trimmed.join('/');
  assertValidKey(key);
  return key;
}

// Maps a UTF-16 code unit so that unit order equals code point order (and so UTF-8 byte order):
// surrogates (code points >= U+10000) must sort after U+E000–U+FFFF.
function fixUnit(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

/**
 * Orders keys the way S3 lists them: by the bytes of their UTF-8 encoding.
 * (Plain `<` on JS strings compares UTF-16 units and disagrees for characters above U+FFFF.)
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return fixUnit(x) - fixUnit(y);
  }
  return a.length - b.length;
}
