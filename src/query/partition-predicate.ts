import { walk } from './sql-analysis.ts';
import type { TableRef } from './sql-analysis.ts';

type Json = Record<string, unknown>;
type Pred = (values: Record<string, string>) => boolean;

const COMPARE: Record<string, (a: string, b: string) => boolean> = {
  COMPARE_EQUAL: (a, b) => a === b,
  COMPARE_NOTEQUAL: (a, b) => a !== b,
  COMPARE_LESSTHAN: (a, b) => a < b,
  COMPARE_GREATERTHAN: (a, b) => a > b,
  COMPARE_LESSTHANOREQUALTO: (a, b) => a <= b,
  COMPARE_GREATERTHANOREQUALTO: (a, b) => a >= b,
};
const FLIP: Record<string, string> = {
  COMPARE_LESSTHAN: 'COMPARE_GREATERTHAN',
  COMPARE_GREATERTHAN: 'COMPARE_LESSTHAN',
  COMPARE_LESSTHANOREQUALTO: 'COMPARE_GREATERTHANOREQUALTO',
  COMPARE_GREATERTHANOREQUALTO: 'COMPARE_LESSTHANOREQUALTO',
};

/**
 * A string constant usable against partition values: a VARCHAR literal, or a literal cast to
 * DATE (ISO dates compare correctly as text). Anything else is not used for pruning.
 */
function constantText(node: unknown): string | undefined {
  const n = node as Json | undefined;
  if (!n) return undefined;
  if (n.class === 'CAST' && (n.cast_type as Json | undefined)?.id === 'DATE') {
    const text = constantText(n.child);
    return text !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(text) ? text : undefined;
  }
  if (n.class !== 'CONSTANT') return undefined;
  const v = n.value as { type?: { id?: string }; is_null?: boolean; value?: unknown } | undefined;
  return v && v.type?.id === 'VARCHAR' && !v.is_null && typeof v.value === 'string' ? v.value : undefined;
}

/**
 * Builds a predicate over partition values from the WHERE clause of the SELECT that reads
 * `ref` directly. Only conjuncts that certainly constrain a partition column are used
 * (comparisons with string constants, IN, BETWEEN, OR of those); everything else keeps files,
 * so pruning can skip files but never rows the query needs.
 */
export function partitionPredicate(statements: unknown, ref: TableRef, partitionColumns: string[]): Pred | undefined {
  if (partitionColumns.length === 0) return undefined;
  let where: unknown;
  let soleTable = false;
  walk(statements, (n) => {
    if (n.type !== 'SELECT_NODE' || where !== undefined) return;
    const from = n.from_table as Json | undefined;
    if (!from || !containsDirectly(from, ref.node)) return;
    where = n.where_clause ?? null;
    soleTable = from === ref.node;
  });
  if (!where) return undefined;

  const columnOf = (node: unknown): string | undefined => {
    const n = node as Json | undefined;
    if (!n || n.class !== 'COLUMN_REF') return undefined;
    const names = n.column_names as string[];
    const name = names.at(-1)!;
    const qualifier = names.length > 1 ? names[names.length - 2] : undefined;
    const column = partitionColumns.find((c) => c.toLowerCase() === name.toLowerCase());
    if (!column) return undefined;
    if (qualifier === undefined) return soleTable ? column : undefined;
    return qualifier.toLowerCase() === ref.alias.toLowerCase() ? column : undefined;
  };

  const build = (node: unknown): Pred | undefined => {
    const n = node as Json;
    const type = String(n.type);
    if (type === 'CONJUNCTION_OR') {
      const parts = (n.children as unknown[]).map(build);
      if (parts.some((p) => !p)) return undefined;
      return (v) => parts.some((p) => p!(v));
    }
    if (type === 'CONJUNCTION_AND') {
      const parts = (n.children as unknown[]).map(build).filter((p): p is Pred => !!p);
      return parts.length ? (v) => parts.every((p) => p(v)) : undefined;
    }
    if (type in COMPARE) {
      let column = columnOf(n.left);
      let constant = constantText(n.right);
      let op = type;
      if (!column) {
        column = columnOf(n.right);
        constant = constantText(n.left);
        op = FLIP[type] ?? type;
      }
      if (!column || constant === undefined) return undefined;
      const cmp = COMPARE[op]!;
      const col = column;
      const c = constant;
      return (v) => v[col] === undefined || cmp(v[col]!, c);
    }
    if (type === 'COMPARE_IN') {
      const [first, ...rest] = n.children as unknown[];
      const column = columnOf(first);
      const constants = rest.map(constantText);
      if (!column || constants.some((c) => c === undefined)) return undefined;
      const set = new Set(constants as string[]);
      return (v) => v[column] === undefined || set.has(v[column]!);
    }
    if (type === 'COMPARE_BETWEEN') {
      const column = columnOf(n.input);
      const lower = constantText(n.lower);
      const upper = constantText(n.upper);
      if (!column || lower === undefined || upper === undefined) return undefined;
      return (v) => v[column] === undefined || (v[column]! >= lower && v[column]! <= upper);
    }
    return undefined;
  };
  return build(where);
}

/** True when `target` is `from` itself or one side of joins in `from` (not inside a subquery). */
function containsDirectly(from: Json, target: Json): boolean {
  if (from === target) return true;
  if (from.type === 'JOIN') return containsDirectly(from.left as Json, target) || containsDirectly(from.right as Json, target);
  return false;
}
