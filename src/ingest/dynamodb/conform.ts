import { ValidationError } from '../../errors.ts';
import { describeFound, indexPath, memberPath } from './attribute-path.ts';
import { compileAvroSchema } from './conform-schema.ts';
import type { ConformNode } from './conform-schema.ts';
import { Mismatch } from './scalar-conform.ts';
import type { ConformContext } from './scalar-conform.ts';

/** An Avro schema as JSON (object or text), or an avsc Type (its `schema({ exportAttrs: true })` is used). */
export type AvroSchemaInput = string | Record<string, unknown> | { schema(options?: { exportAttrs?: boolean }): unknown };

/** How `conformToAvro` represents values; must match the avsc type that encodes them. */
export interface ConformOptions {
  /**
   * Union representation. Default `'auto'`, the convention of `formats/avro` (and avsc's default):
   * a union is wrapped (`{"long": 5}`) only when two of its branches take the same kind of JS
   * value (int and long, two records, a record and a map, …); otherwise values are bare.
   */
  wrapUnions?: boolean | 'auto' | 'always' | 'never';
}

/** A conformed record and the attributes it left out. */
export interface ConformResult {
  /** The record, in the representation avsc encodes (see `conformToAvro`). */
  record: Record<string, unknown>;
  /** Paths of item attributes the schema has no field for (`internal_note`, `address.geo`); they are left out. */
  droppedFields: string[];
}

/** Conforms one item to a compiled schema. */
export type AvroConformer = (item: Record<string, unknown>) => ConformResult;

function toValidationError(m: Mismatch, schemaName: string): ValidationError {
  const where = m.path === '' ? 'the item' : `field ${m.path}`;
  const nullHint = m.found === null && m.problem === 'type' ? ' (the attribute is NULL; make the field a union with "null")' : '';
  return new ValidationError(
    'DDB_SCHEMA_MISMATCH',
    `item does not fit Avro schema ${schemaName}: ${where} ${m.problem === 'missing' ? 'is missing' : `found ${describeFound(m.found)}`}: ${m.detail}${nullHint}; fix the item at the source or change the schema`,
    { fields: { path: m.path, problem: m.problem, detail: m.detail, found: describeFound(m.found, 200), schema: schemaName } },
  );
}

function conformValue(node: ConformNode, value: unknown, path: string, ctx: ConformContext): unknown {
  if (value === undefined || value === null) {
    if (node.nullable) return null;
    if (value === undefined) throw new Mismatch(path, 'missing', `required ${node.label} field`, value);
  }
  switch (node.kind) {
    case 'array': {
      if (!Array.isArray(value)) throw new Mismatch(path, 'type', `array needs a list (L) or set (SS/NS/BS)`, value);
      const items = node.items as ConformNode;
      return value.map((element: unknown, i: number) => conformValue(items, element, indexPath(path, i), ctx));
    }
    case 'map': {
      if (!isMap(value)) throw new Mismatch(path, 'type', `map needs a map (M)`, value);
      const values = node.values as ConformNode;
      return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, conformValue(values, v, memberPath(path, key), ctx)]));
    }
    case 'record':
      return conformRecord(node, value, path, ctx);
    case 'union':
      return conformUnion(node, value, path, ctx);
    default:
      return node.scalar?.(value, path, ctx);
  }
}

function isMap(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function conformRecord(node: ConformNode, value: unknown, path: string, ctx: ConformContext): Record<string, unknown> {
  if (!isMap(value)) throw new Mismatch(path, 'type', `record ${node.label} needs a map (M)`, value);
  const out: Record<string, unknown> = {};
  for (const field of node.fields ?? []) {
    const name = Object.hasOwn(value, field.name) ? field.name : field.names.find((n) => Object.hasOwn(value, n));
    const member = name === undefined ? undefined : value[name];
    if (member === undefined && field.defaultValue !== undefined) {
      out[field.name] = field.defaultValue();
      continue;
    }
    const fieldPath = name !== undefined && name !== field.name ? memberPath(path, name) : path === '' ? field.rootPath : path + field.suffix;
    out[field.name] = conformValue(field.type, member, fieldPath, ctx);
  }
  for (const key of Object.keys(value)) {
    if (!node.consumed?.has(key)) ctx.dropped.push(memberPath(path, key));
  }
  return out;
}

/** A union value as avsc takes it: wrapped `{ branch: value }` when the union is ambiguous. */
function wrapBranch(union: ConformNode, branch: ConformNode, value: unknown): unknown {
  return union.wrapped ? { [branch.branchName]: value } : value;
}

function conformUnion(node: ConformNode, value: unknown, path: string, ctx: ConformContext): unknown {
  const branches = node.branches ?? [];
  if (branches.length === 1) {
    const only = branches[0] as ConformNode;
    return wrapBranch(node, only, conformValue(only, value, path, ctx));
  }
  // exact kinds first, so a number picks "long" over "string" whatever the branch order
  const failures: Mismatch[] = [];
  for (const strict of ctx.strict ? [true] : [true, false]) {
    for (const branch of branches) {
      // a present value never fits the null branch: skip the attempt (and its exception)
      if (branch.nullable && value !== null && value !== undefined) {
        if (!strict || ctx.strict) failures.push(new Mismatch(path, 'type', `${branch.label} takes only null`, value));
        continue;
      }
      const attempt: ConformContext = { dropped: [], strict };
      try {
        const v = conformValue(branch, value, path, attempt);
        ctx.dropped.push(...attempt.dropped);
        return wrapBranch(node, branch, v);
      } catch (err) {
        if (!(err instanceof Mismatch)) throw err;
        if (!strict || ctx.strict) failures.push(err);
      }
    }
  }
  const detail = failures.map((f) => f.detail).join('; ');
  throw new Mismatch(path, 'type', `matches no branch of union ${node.label} (${detail})`, value);
}

function schemaOf(input: AvroSchemaInput): unknown {
  if (typeof input === 'string') {
    try {
      return JSON.parse(input);
    } catch {
      return input; // a bare primitive name such as "string"
    }
  }
  if (typeof (input as { schema?: unknown }).schema === 'function') {
    return (input as { schema(options?: { exportAttrs?: boolean }): unknown }).schema({ exportAttrs: true });
  }
  return input;
}

/**
 * Compiles an Avro record schema into a conformer (do this once per schema; `conformToAvro`
 * caches per schema object). Errors: `ValidationError` `AVRO_BAD_SCHEMA` for a schema it cannot read
 * or whose root is not a record.
 */
export function createAvroConformer(schema: AvroSchemaInput, options: ConformOptions = {}): AvroConformer {
  const root = compileAvroSchema(schemaOf(schema), options.wrapUnions ?? 'auto');
  if (root.kind !== 'record') {
    throw new ValidationError('AVRO_BAD_SCHEMA', `Avro schema root is ${root.label}, not a record; an item conforms to a record schema`, {
      fields: { root: root.label },
    });
  }
  return (item) => {
    const ctx: ConformContext = { dropped: [], strict: false };
    try {
      const record = conformRecord(root, item, '', ctx);
      return { record, droppedFields: ctx.dropped };
    } catch (err) {
      if (err instanceof Mismatch) throw toValidationError(err, root.label);
      throw err;
    }
  };
}

const cache = new WeakMap<object, Map<string, AvroConformer>>();

/**
 * Conforms an unmarshalled item to an Avro record schema, returning the record the Avro layer
 * (`formats/avro`, whose long takes bigints) encodes, and the attributes left out.
 *
 * Representation: int/float/double → number; long → number, or bigint beyond ±2^53; bytes/fixed →
 * Buffer; logical types as their underlying Avro value (no avsc logical types needed):
 * decimal → two's-complement Buffer, timestamp-millis/micros → epoch long, date → epoch days.
 *
 * Coercions: N → int/long (integral and in range), float/double, decimal (exact scale), string;
 * S → string, enum (a symbol), decimal (numeric text), timestamp (ISO-8601 with offset), date
 * (YYYY-MM-DD); N → timestamp as epoch milliseconds; M → record or map; L/SS/NS/BS → array.
 * A missing or NULL attribute becomes null for a nullable field, the default when the field has one.
 *
 * Errors: `ValidationError` `DDB_SCHEMA_MISMATCH` with `fields.path` (`items[2].unit_price`) and
 * `fields.problem` (`missing`, `type`, `range`, `integral`, `precision`, `format`).
 */
export function conformToAvro(item: Record<string, unknown>, schema: AvroSchemaInput, options: ConformOptions = {}): ConformResult {
  if (typeof schema === 'string') return createAvroConformer(schema, options)(item);
  const key = String(options.wrapUnions ?? 'auto');
  let bySchema = cache.get(schema);
  if (bySchema === undefined) {
    bySchema = new Map();
    cache.set(schema, bySchema);
  }
  let conformer = bySchema.get(key);
  if (conformer === undefined) {
    conformer = createAvroConformer(schema, options);
    bySchema.set(key, conformer);
  }
  return conformer(item);
}

