import type { ColumnSpec, ColumnType, ScalarTypeName } from '../column-types.ts';

const SIGNED: ScalarTypeName[] = ['int8', 'int16', 'int32', 'int64'];
const UNSIGNED: ScalarTypeName[] = ['uint8', 'uint16', 'uint32', 'uint64'];
/** Decimal digits an integer type needs. */
const INT_DIGITS: Partial<Record<ScalarTypeName, number>> = { int8: 3, int16: 5, int32: 10, int64: 19, uint8: 3, uint16: 5, uint32: 10, uint64: 20 };
/** Timestamp precision order; `timestamptz` ranks above them all (see `promoteType`). */
const TIMESTAMPS: ScalarTypeName[] = ['date', 'timestamp_ms', 'timestamp', 'timestamp_ns'];
const MAX_DECIMAL_PRECISION = 38;

/**
 * The narrowest type holding every value of `a` and of `b` — never a variant column:
 * - integers widen along int8 < int16 < int32 < int64 (unsigned meet signed at the next wider
 *   signed type), then to float64 (uint64 with a signed type, any int with a float; int8/int16
 *   and uint8/uint16 with float32 stay float32);
 * - decimals keep the larger integer part and the larger scale (precision past 38 -> float64);
 *   a decimal with an integer keeps the integer's digits, with a float becomes float64;
 * - date < timestamp_ms < timestamp < timestamp_ns, and any of them with timestamptz is
 *   timestamptz (naive values read as UTC);
 * - structs take the union of their fields (a field missing on one side becomes nullable);
 *   lists promote their elements, maps their keys and values;
 * - anything else is incompatible: two scalars become `varchar`, a nested type with anything
 *   else becomes `json`. Text loses no source value (CSV and JSON are text already; every DuckDB
 *   value casts to VARCHAR, every nested one to JSON), so a load never fails on it, and the change
 *   shows in the crawl diff (`~ column x int64 -> varchar`) where `freeze` blocks it. Failing the
 *   crawl instead would let one odd file stop a whole prefix.
 */
export function promoteType(a: ColumnType, b: ColumnType): ColumnType {
  if (a.kind === 'struct' && b.kind === 'struct') return { kind: 'struct', fields: mergeFields([a.fields, b.fields]) };
  if (a.kind === 'list' && b.kind === 'list') return { kind: 'list', element: promoteType(a.element, b.element) };
  if (a.kind === 'map' && b.kind === 'map') return { kind: 'map', key: promoteType(a.key, b.key), value: promoteType(a.value, b.value) };
  if (isNested(a) || isNested(b)) return { kind: 'json' };
  if (a.kind === 'decimal' || b.kind === 'decimal') return promoteDecimal(a, b);
  if (a.kind === b.kind) return { kind: a.kind };
  return { kind: promoteScalar(a.kind, b.kind) };
}

/**
 * One column list from several files' lists: columns in order of first appearance, types
 * promoted by `promoteType`, and a column nullable when it is nullable in any list or missing
 * from any list.
 */
export function mergeSchemas(schemas: readonly (readonly ColumnSpec[])[]): ColumnSpec[] {
  return mergeFields(schemas);
}

function mergeFields(lists: readonly (readonly ColumnSpec[])[]): ColumnSpec[] {
  const merged = new Map<string, ColumnSpec>();
  const seenIn = new Map<string, number>();
  for (const list of lists) {
    for (const field of list) {
      const prev = merged.get(field.name);
      seenIn.set(field.name, (seenIn.get(field.name) ?? 0) + 1);
      if (prev === undefined) merged.set(field.name, structuredClone(field));
      else merged.set(field.name, { ...prev, type: promoteType(prev.type, field.type), nullable: prev.nullable || field.nullable });
    }
  }
  for (const [name, field] of merged) if (seenIn.get(name) !== lists.length) field.nullable = true;
  return [...merged.values()];
}

function isNested(type: ColumnType): type is Extract<ColumnType, { kind: 'struct' | 'list' | 'map' }> {
  return type.kind === 'struct' || type.kind === 'list' || type.kind === 'map';
}

function promoteScalar(a: ScalarTypeName, b: ScalarTypeName): ScalarTypeName {
  const ints = promoteIntegers(a, b);
  if (ints !== undefined) return ints;
  const floats = new Set(['float32', 'float64']);
  if (floats.has(a) || floats.has(b)) {
    const other = floats.has(a) ? b : a;
    if (floats.has(other)) return 'float64';
    if (INT_DIGITS[other] !== undefined) return (a === 'float32' || b === 'float32') && (INT_DIGITS[other] ?? 99) <= 5 ? 'float32' : 'float64';
    return 'varchar';
  }
  const ta = TIMESTAMPS.indexOf(a);
  const tb = TIMESTAMPS.indexOf(b);
  if ((ta >= 0 || a === 'timestamptz') && (tb >= 0 || b === 'timestamptz')) {
    if (a === 'timestamptz' || b === 'timestamptz') return 'timestamptz';
    return TIMESTAMPS[Math.max(ta, tb)] ?? 'timestamp';
  }
  return 'varchar';
}

/** Both integers: the narrowest integer (or float64) holding both; otherwise undefined. */
function promoteIntegers(a: ScalarTypeName, b: ScalarTypeName): ScalarTypeName | undefined {
  const [sa, sb, ua, ub] = [SIGNED.indexOf(a), SIGNED.indexOf(b), UNSIGNED.indexOf(a), UNSIGNED.indexOf(b)];
  if ((sa < 0 && ua < 0) || (sb < 0 && ub < 0)) return undefined;
  if (sa >= 0 && sb >= 0) return SIGNED[Math.max(sa, sb)];
  if (ua >= 0 && ub >= 0) return UNSIGNED[Math.max(ua, ub)];
  // one signed, one unsigned: a signed type one step wider than the unsigned one
  const signed = Math.max(sa, sb, Math.max(ua, ub) + 1);
  return SIGNED[signed] ?? 'float64';
}

function promoteDecimal(a: ColumnType, b: ColumnType): ColumnType {
  const da = decimalShape(a);
  const db = decimalShape(b);
  if (da === undefined || db === undefined) {
    const other = da === undefined ? a : b;
    return other.kind === 'float32' || other.kind === 'float64' ? { kind: 'float64' } : { kind: 'varchar' };
  }
  const scale = Math.max(da.scale, db.scale);
  const precision = Math.max(da.precision - da.scale, db.precision - db.scale) + scale;
  if (precision > MAX_DECIMAL_PRECISION) return { kind: 'float64' };
  return { kind: 'decimal', precision, scale };
}

/** A decimal, or an integer seen as decimal(digits, 0). */
function decimalShape(type: ColumnType): { precision: number; scale: number } | undefined {
  if (type.kind === 'decimal') return { precision: type.precision, scale: type.scale };
  const digits = INT_DIGITS[type.kind as ScalarTypeName];
  return digits === undefined ? undefined : { precision: digits, scale: 0 };
}
