import { compileCondition, conditionMatches } from './filter-condition.ts';
import type { FilterCondition } from './filter-condition.ts';
import { InvalidFilterPolicyError } from './notify-errors.ts';

/** What a filter policy looks at: the message attributes (SNS default) or the JSON message body. */
export type FilterPolicyScope = 'MessageAttributes' | 'MessageBody';

/** A message attribute value: SNS types `String`, `Number` and `String.Array`. */
export type MessageAttributeValue = string | number | string[];

/** What a compiled policy is matched against. */
export interface FilterInput {
  attributes: Readonly<Record<string, MessageAttributeValue>>;
  /** The parsed message; a body-scope policy never matches anything but a JSON object. */
  body: unknown;
}

/** A validated filter policy, ready to match messages. */
export interface CompiledFilterPolicy {
  readonly scope: FilterPolicyScope;
  /** True when every policy key (and one branch of every `$or`) accepts the message. */
  matches(input: FilterInput): boolean;
}

/** SNS limits: the product of value-array lengths, and the number of keys in a policy. */
const MAX_COMBINATIONS = 150;
const MAX_KEYS = 5;

interface Leaf {
  path: string[];
  conditions: FilterCondition[];
}

/** A conjunction of leaves and `$or` groups; a group holds when one of its branches does. */
interface PolicyNode {
  leaves: Leaf[];
  ors: PolicyNode[][];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function compileNode(raw: unknown, scope: FilterPolicyScope, prefix: string[], at: string): PolicyNode {
  if (!isPlainObject(raw)) throw new InvalidFilterPolicyError(`expected a JSON object, got ${JSON.stringify(raw)}`, at);
  const entries = Object.entries(raw);
  if (entries.length === 0) throw new InvalidFilterPolicyError('an object needs at least one key', at);
  const node: PolicyNode = { leaves: [], ors: [] };
  for (const [key, value] of entries) {
    const path = `${at}.${key}`;
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2) throw new InvalidFilterPolicyError('"$or" needs an array of at least two policy objects', path);
      node.ors.push(value.map((branch, i) => compileNode(branch, scope, prefix, `${path}[${i}]`)));
    } else if (Array.isArray(value)) {
      if (value.length === 0) throw new InvalidFilterPolicyError(`key "${key}" has an empty value array`, path);
      node.leaves.push({ path: [...prefix, key], conditions: value.map((c, i) => compileCondition(c, `${path}[${i}]`)) });
    } else if (isPlainObject(value)) {
      if (scope === 'MessageAttributes') {
        throw new InvalidFilterPolicyError(`key "${key}" is a nested object, which only the MessageBody scope accepts; use a value array`, path);
      }
      const child = compileNode(value, scope, [...prefix, key], path);
      node.leaves.push(...child.leaves);
      node.ors.push(...child.ors);
    } else {
      throw new InvalidFilterPolicyError(`key "${key}" needs an array of values, got ${JSON.stringify(value)}`, path);
    }
  }
  return node;
}

function combinations(node: PolicyNode): number {
  let n = node.leaves.reduce((acc, l) => acc * l.conditions.length, 1);
  for (const group of node.ors) n *= group.reduce((acc, b) => acc + combinations(b), 0);
  return n;
}

function keyCount(node: PolicyNode): number {
  return node.leaves.length + node.ors.reduce((acc, group) => acc + Math.max(...group.map(keyCount)), 0);
}

/** The values at `path`, with arrays flattened at every level; undefined when the key is absent. */
function bodyValues(body: unknown, path: readonly string[]): unknown[] | undefined {
  const flatten = (vs: unknown[]): unknown[] => vs.flatMap((v) => (Array.isArray(v) ? flatten(v) : [v]));
  let current: unknown[] = [body];
  for (const key of path) {
    current = flatten(current).flatMap((v) => (isPlainObject(v) && Object.hasOwn(v, key) ? [v[key]] : []));
    if (current.length === 0) return undefined;
  }
  return flatten(current);
}

function attributeValues(attributes: FilterInput['attributes'], path: readonly string[]): unknown[] | undefined {
  const key = path[0] as string;
  if (!Object.hasOwn(attributes, key)) return undefined;
  const value = attributes[key];
  return Array.isArray(value) ? value : [value];
}

function leafMatches(leaf: Leaf, values: unknown[] | undefined): boolean {
  return leaf.conditions.some((c) => {
    if (c.kind === 'exists') return c.value === (values !== undefined);
    return values !== undefined && values.some((v) => conditionMatches(c, v));
  });
}

function nodeMatches(node: PolicyNode, lookup: (path: readonly string[]) => unknown[] | undefined): boolean {
  return node.leaves.every((leaf) => leafMatches(leaf, lookup(leaf.path))) && node.ors.every((group) => group.some((b) => nodeMatches(b, lookup)));
}

/**
 * Validates an Amazon SNS subscription filter policy (an object or its JSON text) and compiles it.
 * Supports exact strings/numbers/booleans/null, `prefix`, `suffix`, `anything-but` (values,
 * `prefix`, `suffix`), `numeric` (single comparisons and ranges), `exists`, `equals-ignore-case`,
 * `cidr` and `$or`; nested keys only in the `MessageBody` scope. Enforces SNS's limits of
 * 150 value combinations and 5 keys (for `$or`, the widest branch counts).
 * @throws InvalidFilterPolicyError (code `FILTER_POLICY_INVALID`) naming the bad part and why.
 */
export function compileFilterPolicy(policy: unknown, scope: FilterPolicyScope = 'MessageAttributes'): CompiledFilterPolicy {
  if (scope !== 'MessageAttributes' && scope !== 'MessageBody') {
    throw new InvalidFilterPolicyError(`scope ${JSON.stringify(scope)} is unknown; use "MessageAttributes" or "MessageBody"`, '$');
  }
  let raw = policy;
  if (typeof policy === 'string') {
    try {
      raw = JSON.parse(policy);
    } catch (err) {
      throw new InvalidFilterPolicyError(`the text is not JSON (${(err as Error).message})`, '$');
    }
  }
  const root = compileNode(raw, scope, [], '$');
  const combos = combinations(root);
  if (combos > MAX_COMBINATIONS) throw new InvalidFilterPolicyError(`the policy has ${combos} value combinations, more than ${MAX_COMBINATIONS}`, '$');
  const keys = keyCount(root);
  if (keys > MAX_KEYS) throw new InvalidFilterPolicyError(`the policy has ${keys} keys, more than ${MAX_KEYS}`, '$');
  return {
    scope,
    matches(input: FilterInput): boolean {
      if (scope === 'MessageAttributes') return nodeMatches(root, (path) => attributeValues(input.attributes, path));
      if (!isPlainObject(input.body)) return false;
      return nodeMatches(root, (path) => bodyValues(input.body, path));
    },
  };
}
