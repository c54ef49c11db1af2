import { ValidationError } from '../errors.ts';
import type { QuerySession } from './query-engine.ts';

/** A `schema.table` reference found in a statement, with its time-travel clause if any. */
export interface TableRef {
  database: string;
  table: string;
  alias: string;
  at?: { unit: 'VERSION' | 'TIMESTAMP'; expr: unknown };
  /** The parse-tree node, so callers can rewrite it (see `renderStatement`). */
  node: Record<string, unknown>;
}

export interface StatementAnalysis {
  /** The parsed statement(s) as DuckDB serializes them. */
  parsed: { statements: unknown[] } & Record<string, unknown>;
  statementCount: number;
  tables: TableRef[];
  /** Names defined by WITH clauses (references to them are not catalog tables). */
  cteNames: Set<string>;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Visits every object in a parse tree, depth first. */
export function walk(node: unknown, visit: (n: Json) => void): void {
  if (Array.isArray(node)) for (const child of node) walk(child, visit);
  else if (isObject(node)) {
    visit(node);
    for (const child of Object.values(node)) walk(child, visit);
  }
}

/**
 * Parses SQL with DuckDB's own parser (`json_serialize_sql`) and lists the tables it reads.
 * Unqualified names resolve to `defaultDatabase` unless a CTE defines them.
 * Errors: `ValidationError` QUERY_PARSE with DuckDB's message and position.
 */
export async function analyzeStatement(session: QuerySession, sql: string, defaultDatabase?: string): Promise<StatementAnalysis> {
  const rows = await session.all(`SELECT json_serialize_sql(${sqlString(sql)}) AS j`);
  // "no location" is 2^64-1, which JSON.parse rounds to a float DuckDB then refuses to read back
  const text = String(rows[0]?.j).replace(/"query_location":\d{17,}/g, '"query_location":0');
  const parsed = JSON.parse(text) as StatementAnalysis['parsed'] & { error?: boolean; error_message?: string; position?: string };
  if (parsed.error) {
    throw new ValidationError('QUERY_PARSE', `cannot parse SQL: ${parsed.error_message}${parsed.position ? ` at character ${Number(parsed.position) + 1}` : ''}`, {
      fields: { position: parsed.position },
    });
  }
  const cteNames = new Set<string>();
  const tables: TableRef[] = [];
  walk(parsed.statements, (n) => {
    const map = (n.cte_map as Json | undefined)?.map;
    if (Array.isArray(map)) for (const entry of map) if (isObject(entry) && typeof entry.key === 'string') cteNames.add(entry.key.toLowerCase());
  });
  walk(parsed.statements, (n) => {
    if (n.type !== 'BASE_TABLE') return;
    const schema = String(n.schema_name ?? '');
    const table = String(n.table_name ?? '');
    if (!schema && cteNames.has(table.toLowerCase())) return;
    const database = schema || defaultDatabase;
    if (!database) {
      throw new ValidationError('QUERY_UNQUALIFIED_TABLE', `table "${table}" needs a database: write database.${table}`, { fields: { table } });
    }
    const at = isObject(n.at_clause) ? { unit: n.at_clause.unit as 'VERSION' | 'TIMESTAMP', expr: n.at_clause.expr } : undefined;
    tables.push({ database, table, alias: String(n.alias || table), ...(at ? { at } : {}), node: n });
  });
  return { parsed, statementCount: parsed.statements.length, tables, cteNames };
}

/** Turns a (possibly rewritten) parse tree back into SQL with DuckDB's `json_deserialize_sql`. */
export async function renderStatement(session: QuerySession, parsed: StatementAnalysis['parsed']): Promise<string> {
  const rows = await session.all(`SELECT json_deserialize_sql(${sqlString(JSON.stringify(parsed))}::JSON) AS s`);
  return String(rows[0]?.s);
}

/** Evaluates a constant expression node (e.g. an AT (TIMESTAMP => …) argument) to a value. */
export async function evaluateExpression(session: QuerySession, expr: unknown, cast: string): Promise<unknown> {
  const template = (await analyzeStatement(session, 'SELECT 1')).parsed;
  const statement = structuredClone(template.statements[0]) as Json;
  (statement.node as Json).select_list = [expr];
  const sql = await renderStatement(session, { ...template, statements: [statement] });
  const rows = await session.all(`SELECT CAST((${sql}) AS ${cast}) AS v`);
  return rows[0]?.v;
}

/** A SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
