import { BlockList, isIP } from 'node:net';
import { InvalidFilterPolicyError } from './notify-errors.ts';

/**
 * One entry of a filter policy's value array, compiled. Exact values match by type and value
 * (the string "5" never matches the number 5); `exists` is decided by the caller because it is
 * about the key, not a value.
 */
export type FilterCondition =
  | { kind: 'exact'; value: string | number | boolean | null }
  | { kind: 'prefix' | 'suffix' | 'equals-ignore-case'; value: string }
  | { kind: 'anything-but'; values: Array<string | number> }
  | { kind: 'anything-but-prefix' | 'anything-but-suffix'; value: string }
  | { kind: 'numeric'; checks: Array<{ op: NumericOp; value: number }> }
  | { kind: 'exists'; value: boolean }
  | { kind: 'cidr'; range: BlockList; text: string };

type NumericOp = '=' | '<' | '<=' | '>' | '>=';

/** SNS accepts numbers from -1e9 to 1e9. */
const NUMERIC_LIMIT = 1e9;

function fail(reason: string, path: string): never {
  throw new InvalidFilterPolicyError(reason, path);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkNumber(v: number, path: string): number {
  if (!Number.isFinite(v) || Math.abs(v) > NUMERIC_LIMIT) fail(`number ${v} is outside -1e9..1e9`, path);
  return v;
}

function nonEmptyString(v: unknown, operator: string, path: string): string {
  if (typeof v !== 'string' || v === '') fail(`"${operator}" needs a non-empty string, got ${JSON.stringify(v)}`, path);
  return v;
}

/** Compiles one value-array entry; `path` is its JSON path for error messages. */
export function compileCondition(raw: unknown, path: string): FilterCondition {
  if (raw === null || typeof raw === 'string' || typeof raw === 'boolean') return { kind: 'exact', value: raw };
  if (typeof raw === 'number') return { kind: 'exact', value: checkNumber(raw, path) };
  if (!isPlainObject(raw)) fail(`expected a string, number, boolean, null or operator object, got ${JSON.stringify(raw)}`, path);
  const keys = Object.keys(raw);
  if (keys.length !== 1) fail(`an operator object has exactly one operator, got ${JSON.stringify(keys)}`, path);
  const op = keys[0] as string;
  const arg = raw[op];
  const at = `${path}.${op}`;
  switch (op) {
    case 'prefix':
    case 'suffix':
    case 'equals-ignore-case':
      return { kind: op, value: nonEmptyString(arg, op, at) };
    case 'exists':
      if (typeof arg !== 'boolean') fail(`"exists" needs true or false, got ${JSON.stringify(arg)}`, at);
      return { kind: 'exists', value: arg };
    case 'anything-but':
      return compileAnythingBut(arg, at);
    case 'numeric':
      return compileNumeric(arg, at);
    case 'cidr':
      return compileCidr(arg, at);
    default:
      return fail(`unknown operator "${op}"; use prefix, suffix, anything-but, numeric, exists, equals-ignore-case or cidr`, path);
  }
}

function compileAnythingBut(arg: unknown, path: string): FilterCondition {
  if (typeof arg === 'string') return { kind: 'anything-but', values: [arg] };
  if (typeof arg === 'number') return { kind: 'anything-but', values: [checkNumber(arg, path)] };
  if (Array.isArray(arg)) {
    if (arg.length === 0) fail('"anything-but" needs at least one value', path);
    const values = arg.map((v, i) => {
      if (typeof v === 'string') return v;
      if (typeof v === 'number') return checkNumber(v, `${path}[${i}]`);
      return fail(`"anything-but" values must be strings or numbers, got ${JSON.stringify(v)}`, `${path}[${i}]`);
    });
    return { kind: 'anything-but', values };
  }
  if (isPlainObject(arg)) {
    const keys = Object.keys(arg);
    if (keys.length === 1 && (keys[0] === 'prefix' || keys[0] === 'suffix')) {
      const sub = keys[0];
      return { kind: sub === 'prefix' ? 'anything-but-prefix' : 'anything-but-suffix', value: nonEmptyString(arg[sub], `anything-but.${sub}`, `${path}.${sub}`) };
    }
    fail(`"anything-but" accepts a value, a list of values, {"prefix": ...} or {"suffix": ...}, got ${JSON.stringify(arg)}`, path);
  }
  return fail(`"anything-but" accepts a value, a list of values, {"prefix": ...} or {"suffix": ...}, got ${JSON.stringify(arg)}`, path);
}

const NUMERIC_OPS = new Set<string>(['=', '<', '<=', '>', '>=']);

function compileNumeric(arg: unknown, path: string): FilterCondition {
  if (!Array.isArray(arg) || (arg.length !== 2 && arg.length !== 4)) {
    fail(`"numeric" needs [op, number] or [lowerOp, number, upperOp, number], got ${JSON.stringify(arg)}`, path);
  }
  const checks: Array<{ op: NumericOp; value: number }> = [];
  for (let i = 0; i < arg.length; i += 2) {
    const op: unknown = arg[i];
    const value: unknown = arg[i + 1];
    if (typeof op !== 'string' || !NUMERIC_OPS.has(op)) fail(`unknown numeric operator ${JSON.stringify(op)}; use =, <, <=, > or >=`, `${path}[${i}]`);
    if (typeof value !== 'number') fail(`numeric operator "${op}" needs a number, got ${JSON.stringify(value)}`, `${path}[${i + 1}]`);
    checks.push({ op: op as NumericOp, value: checkNumber(value, `${path}[${i + 1}]`) });
  }
  const [lower, upper] = checks;
  if (upper !== undefined && lower !== undefined) {
    if (!(lower.op === '>' || lower.op === '>=') || !(upper.op === '<' || upper.op === '<=')) {
      fail(`a numeric range is [">" or ">=", low, "<" or "<=", high], got ${JSON.stringify(arg)}`, path);
    }
    if (lower.value >= upper.value) fail(`numeric range is empty: low ${lower.value} is not below high ${upper.value}`, path);
  }
  return { kind: 'numeric', checks };
}

function compileCidr(arg: unknown, path: string): FilterCondition {
  const text = nonEmptyString(arg, 'cidr', path);
  const [address = '', bits, extra] = text.split('/');
  const family = isIP(address);
  const prefix = Number(bits);
  const max = family === 6 ? 128 : 32;
  if (family === 0 || extra !== undefined || bits === undefined || !/^\d+$/.test(bits) || prefix > max) {
    fail(`"cidr" needs an IPv4 or IPv6 block such as "10.0.0.0/24", got ${JSON.stringify(text)}`, path);
  }
  const range = new BlockList();
  range.addSubnet(address, prefix, family === 6 ? 'ipv6' : 'ipv4');
  return { kind: 'cidr', range, text };
}

function numericHolds(op: NumericOp, actual: number, bound: number): boolean {
  switch (op) {
    case '=': return actual === bound;
    case '<': return actual < bound;
    case '<=': return actual <= bound;
    case '>': return actual > bound;
    case '>=': return actual >= bound;
  }
}

/** True when one present value satisfies the condition (`exists` conditions never reach here). */
export function conditionMatches(c: FilterCondition, value: unknown): boolean {
  switch (c.kind) {
    case 'exact': return value === c.value;
    case 'prefix': return typeof value === 'string' && value.startsWith(c.value);
    case 'suffix': return typeof value === 'string' && value.endsWith(c.value);
    case 'equals-ignore-case': return typeof value === 'string' && value.toLowerCase() === c.value.toLowerCase();
    case 'anything-but': return !c.values.includes(value as string | number);
    case 'anything-but-prefix': return typeof value === 'string' && !value.startsWith(c.value);
    case 'anything-but-suffix': return typeof value === 'string' && !value.endsWith(c.value);
    case 'numeric': return typeof value === 'number' && c.checks.every((k) => numericHolds(k.op, value, k.value));
    case 'cidr': {
      if (typeof value !== 'string') return false;
      const family = isIP(value);
      return family !== 0 && c.range.check(value, family === 6 ? 'ipv6' : 'ipv4');
    }
    case 'exists': return c.value;
  }
}
