import { InvalidEventPatternError } from './event-pattern-errors.ts';
import { cidrTest, comparableNumber, ipEqualsTest, NUMERIC_LIMIT, numericRangeTest, parseIpAddress } from './event-pattern-match.ts';
import type { CompiledLeaf, CompiledNode, EventScalar, NumericBound, ScalarTest } from './event-pattern-match.ts';

/**
 * How deep pattern objects may nest. A safeguard of ours (EventBridge bounds a pattern by its
 * size) so a hostile pattern cannot exhaust the stack while compiling or matching.
 */
export const EVENT_PATTERN_MAX_DEPTH = 64;

const OR = '$or';
const MATCH_TYPES = new Set(['prefix', 'suffix', 'equals-ignore-case', 'anything-but', 'numeric', 'cidr', 'exists', 'wildcard']);

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

function child(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function fail(reason: string, path: string): never {
  throw new InvalidEventPatternError(reason, path);
}

/**
 * Validates an EventBridge event pattern (a parsed object or its JSON text) and compiles it
 * into a matcher tree, once; the tree is then matched with `matchesNodeAt`.
 * @throws InvalidEventPatternError naming the JSON path of the first invalid part.
 */
export function compileEventPatternTree(pattern: unknown): CompiledNode {
  let parsed = pattern;
  if (typeof pattern === 'string') {
    try {
      parsed = JSON.parse(pattern);
    } catch (err) {
      throw new InvalidEventPatternError(`the pattern text is not valid JSON (${(err as Error).message})`, '$', { cause: err });
    }
  }
  if (!isObject(parsed)) fail(`Filter is not an object (got ${show(parsed)})`, '$');
  return compileObject(parsed, '$', 1, false);
}

function compileObject(object: JsonObject, path: string, depth: number, insideOr: boolean): CompiledNode {
  if (depth > EVENT_PATTERN_MAX_DEPTH) fail(`pattern objects nest deeper than ${EVENT_PATTERN_MAX_DEPTH} levels`, path);
  const keys = Object.keys(object);
  if (keys.length === 0) fail('Empty objects are not allowed', path);
  const fields: (readonly [string, CompiledLeaf | CompiledNode])[] = [];
  const alternatives: CompiledNode[][] = [];
  for (const key of keys) {
    const value = object[key];
    const at = child(path, key);
    if (key === OR) {
      alternatives.push(compileOr(value, at, depth));
      continue;
    }
    if (insideOr && MATCH_TYPES.has(key)) fail(`${key} is Ruler reserved fieldName which cannot be used inside $or.`, at);
    if (Array.isArray(value)) fields.push([key, compileLeaf(value, at)]);
    else if (isObject(value)) fields.push([key, compileObject(value, at, depth + 1, insideOr)]);
    else fail(`"${key}" must be an object or an array (got ${show(value)})`, at);
  }
  return { kind: 'node', fields, alternatives };
}

function compileOr(value: unknown, path: string, depth: number): CompiledNode[] {
  if (!Array.isArray(value)) fail(`It must be an Array followed with $or. (got ${show(value)})`, path);
  const branches = value.map((branch, i) => {
    if (!isObject(branch)) fail(`Only JSON object is allowed in array of $or relationship. (got ${show(branch)})`, child(path, i));
    return compileObject(branch, child(path, i), depth + 1, true);
  });
  if (branches.length < 2) fail('There must have at least 2 Objects in $or relationship.', path);
  return branches;
}

function compileLeaf(values: unknown[], path: string): CompiledLeaf {
  if (values.length === 0) fail('Empty arrays are not allowed', path);
  const tests: ScalarTest[] = [];
  let matchesPresent = false;
  let matchesAbsent = false;
  values.forEach((value, i) => {
    const at = child(path, i);
    if (isObject(value)) {
      const compiled = compileMatchExpression(value, at);
      if (compiled === true) matchesPresent = true;
      else if (compiled === false) matchesAbsent = true;
      else tests.push(compiled);
    } else if (typeof value === 'string') {
      const ip = parseIpAddress(value);
      tests.push(ip ? ipEqualsTest(ip, value) : (v) => v === value);
    } else if (typeof value === 'boolean' || value === null) {
      tests.push((v) => v === value);
    } else if (typeof value === 'number' && Number.isFinite(value)) {
      tests.push(exactNumberTest(value));
    } else {
      fail(`Match value must be String, number, true, false, or null (got ${show(value)})`, at);
    }
  });
  return { kind: 'leaf', tests, matchesPresent, matchesAbsent };
}

// event-ruler matches a pattern number both by its comparable form (so 300 matches 3.0e2) and
// literally (so numbers beyond ±5.0e9, such as account ids, still match exactly).
function exactNumberTest(n: number): ScalarTest {
  const key = comparableNumber(n);
  if (key === undefined) return (v) => v === n;
  return (v) => typeof v === 'number' && (v === n || comparableNumber(v) === key);
}

/** Returns the test, or `true` / `false` for `exists`. */
function compileMatchExpression(expression: JsonObject, path: string): ScalarTest | boolean {
  const keys = Object.keys(expression);
  if (keys.length === 0) fail('Match expression name not found', path);
  if (keys.length > 1) fail(`Only one key allowed in match expression (got ${keys.map((k) => `"${k}"`).join(', ')})`, path);
  const type = keys[0] as string;
  const arg = expression[type];
  const at = child(path, type);
  switch (type) {
    case 'prefix':
    case 'suffix':
      return affixTest(type, arg, at);
    case 'equals-ignore-case': {
      const text = requireString(arg, 'equals-ignore-case match pattern must be a string', at).toLowerCase();
      return (v) => typeof v === 'string' && v.toLowerCase() === text;
    }
    case 'wildcard': {
      const regex = wildcardRegExp(requireString(arg, 'wildcard match pattern must be a string', at), at);
      return (v) => typeof v === 'string' && regex.test(v);
    }
    case 'exists':
      if (typeof arg !== 'boolean') fail(`exists match pattern must be either true or false. (got ${show(arg)})`, at);
      return arg;
    case 'cidr':
      return compileCidr(arg, at);
    case 'numeric':
      return compileNumeric(arg, at);
    case 'anything-but':
      return compileAnythingBut(arg, at);
    default:
      return fail(`Unrecognized match type ${type}`, at);
  }
}

function requireString(value: unknown, reason: string, path: string): string {
  if (typeof value !== 'string') fail(`${reason} (got ${show(value)})`, path);
  return value;
}

function affixTest(type: 'prefix' | 'suffix', arg: unknown, path: string): ScalarTest {
  const reason = `${type} match pattern must be a string or an object with "equals-ignore-case"`;
  if (typeof arg === 'string') {
    return type === 'prefix' ? (v) => typeof v === 'string' && v.startsWith(arg) : (v) => typeof v === 'string' && v.endsWith(arg);
  }
  if (!isObject(arg)) fail(`${reason} (got ${show(arg)})`, path);
  const keys = Object.keys(arg);
  if (keys.length !== 1 || keys[0] !== 'equals-ignore-case') fail(`${reason} (got ${show(arg)})`, path);
  const text = requireString(arg['equals-ignore-case'], `${type} equals-ignore-case match pattern must be a string`, child(path, 'equals-ignore-case')).toLowerCase();
  return type === 'prefix'
    ? (v) => typeof v === 'string' && v.toLowerCase().startsWith(text)
    : (v) => typeof v === 'string' && v.toLowerCase().endsWith(text);
}

/**
 * `*` matches any run of characters; `\*` and `\\` are a literal star and backslash. Any other
 * escape and two consecutive wildcards are invalid, as in EventBridge.
 */
function wildcardRegExp(text: string, path: string): RegExp {
  let source = '';
  let previousWasWildcard = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '\\') {
      const next = text[i + 1];
      if (next !== '*' && next !== '\\') fail(`Invalid escape character at pos ${i + 1} in wildcard ${JSON.stringify(text)}`, path);
      source += `\\${next}`;
      i++;
      previousWasWildcard = false;
    } else if (ch === '*') {
      // positions as AWS reports them (one past the index)
      if (previousWasWildcard) fail(`Consecutive wildcard characters at pos ${i} in wildcard ${JSON.stringify(text)}`, path);
      source += '[\\s\\S]*';
      previousWasWildcard = true;
    } else {
      source += ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
      previousWasWildcard = false;
    }
  }
  return new RegExp(`^${source}$`);
}

// Per event-ruler's CIDR: the mask is at most 31 bits (IPv4) or 127 (IPv6).
function compileCidr(arg: unknown, path: string): ScalarTest {
  const text = requireString(arg, 'cidr match pattern must be a string', path);
  const parts = text.split('/');
  if (parts.length !== 2) fail(`Malformed CIDR ${JSON.stringify(text)}, one '/' required`, path);
  const [address = '', bits = ''] = parts;
  if (!/^\d{1,3}$/.test(bits)) fail(`Malformed CIDR ${JSON.stringify(text)}, mask bits must be a non-negative integer`, path);
  const base = parseIpAddress(address);
  if (!base) fail(`Invalid IP address: ${JSON.stringify(address)} in CIDR ${JSON.stringify(text)}`, path);
  const limit = base.version === 4 ? 32 : 128;
  if (Number(bits) >= limit) fail(`IPv${base.version} mask bits must be < ${limit} (got ${bits})`, path);
  return cidrTest(base, Number(bits));
}

const LIMIT_REASON = `Value must be between ${-NUMERIC_LIMIT} and ${NUMERIC_LIMIT}, inclusive`;

function numericKey(value: unknown, operator: string, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(`Value of ${operator} must be numeric (got ${show(value)})`, path);
  const key = comparableNumber(value);
  if (key === undefined) fail(`${LIMIT_REASON} (got ${value})`, path);
  return key;
}

/** `["=", n]`, `[">"|">=", n]`, `["<"|"<=", n]` or `[">"|">=", low, "<"|"<=", high]` with low < high. */
function compileNumeric(arg: unknown, path: string): ScalarTest {
  if (!Array.isArray(arg)) fail(`Value of numeric must be an array. (got ${show(arg)})`, path);
  const [operator, value, upperOperator, upperValue] = arg;
  const opAt = child(path, 0);
  if (typeof operator !== 'string') fail(`Invalid member in numeric match: ${show(operator)}`, opAt);
  const expectLength = (n: number) => {
    if (arg.length !== n) fail(`Too many elements in numeric expression (expected ${n}, got ${arg.length})`, path);
  };
  switch (operator) {
    case '=': {
      const key = numericKey(value, operator, child(path, 1));
      expectLength(2);
      return numericRangeTest({ key, open: false }, { key, open: false });
    }
    case '<':
    case '<=': {
      const key = numericKey(value, operator, child(path, 1));
      expectLength(2);
      return numericRangeTest(undefined, { key, open: operator === '<' });
    }
    case '>':
    case '>=': {
      const lower: NumericBound = { key: numericKey(value, operator, child(path, 1)), open: operator === '>' };
      if (arg.length === 2) return numericRangeTest(lower, undefined);
      if (upperOperator !== '<' && upperOperator !== '<=') fail(`Bad numeric range operator: ${show(upperOperator)}`, child(path, 2));
      const upper: NumericBound = { key: numericKey(upperValue, upperOperator, child(path, 3)), open: upperOperator === '<' };
      expectLength(4);
      if (lower.key >= upper.key) fail(`Bottom must be less than top (got ${String(value)} and ${String(upperValue)})`, path);
      return numericRangeTest(lower, upper);
    }
    default:
      return fail(`Unrecognized numeric range operator: ${operator}`, opAt);
  }
}

/**
 * `anything-but` matches any present value except the listed ones, including values of other
 * types (`{"anything-but": [1]}` matches `"1"`); an absent field never matches.
 */
function compileAnythingBut(arg: unknown, path: string): ScalarTest {
  if (typeof arg === 'string') return (v) => v !== arg;
  if (typeof arg === 'number') return anythingButNumbers([arg], path, false);
  if (Array.isArray(arg)) {
    if (arg.length > 0 && arg.every((x) => typeof x === 'string')) {
      const excluded = new Set<EventScalar>(arg as string[]);
      return (v) => typeof v !== 'string' || !excluded.has(v);
    }
    if (arg.length > 0 && arg.every((x) => typeof x === 'number')) return anythingButNumbers(arg as number[], path, true);
    arg.forEach((x, i) => {
      if (typeof x !== 'string' && typeof x !== 'number') fail(`Inside anything but list, start|null|boolean is not supported. (got ${show(x)})`, child(path, i));
    });
    return fail('Inside anything but list, either all values are number or string, mixed type is not supported', path);
  }
  if (!isObject(arg)) fail(`Value of anything-but must be an array or single string/number value. (got ${show(arg)})`, path);
  const keys = Object.keys(arg);
  if (keys.length !== 1) fail(`Only one key allowed in anything-but expression (got ${keys.length})`, path);
  const type = keys[0] as string;
  const inner = arg[type];
  const at = child(path, type);
  switch (type) {
    case 'prefix':
    case 'suffix': {
      const text = requireString(inner, 'prefix/suffix match pattern must be a string', at);
      if (text === '') fail('Null prefix/suffix not allowed', at);
      return type === 'prefix' ? (v) => typeof v !== 'string' || !v.startsWith(text) : (v) => typeof v !== 'string' || !v.endsWith(text);
    }
    case 'equals-ignore-case': {
      const excluded = new Set(stringList(inner, 'anything-but/equals-ignore-case', at).map((s) => s.toLowerCase()));
      return (v) => typeof v !== 'string' || !excluded.has(v.toLowerCase());
    }
    case 'wildcard': {
      const regexes = stringList(inner, 'anything-but/wildcard', at).map((s, i) => wildcardRegExp(s, Array.isArray(inner) ? child(at, i) : at));
      return (v) => typeof v !== 'string' || !regexes.some((r) => r.test(v));
    }
    default:
      return fail(`Unsupported anything-but pattern: ${type}`, at);
  }
}

function anythingButNumbers(numbers: number[], path: string, listed: boolean): ScalarTest {
  const keys = new Set(numbers.map((n, i) => numericKey(n, 'anything-but', listed ? child(path, i) : path)));
  return (v) => {
    if (typeof v !== 'number') return true;
    const key = comparableNumber(v);
    return key === undefined || !keys.has(key);
  };
}

function stringList(value: unknown, what: string, path: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) fail(`Inside ${what} list, at least one string is required`, path);
  list.forEach((x, i) => {
    if (typeof x !== 'string') fail(`Inside ${what} list, number|start|null|boolean is not supported. (got ${show(x)})`, Array.isArray(value) ? child(path, i) : path);
  });
  return list as string[];
}
