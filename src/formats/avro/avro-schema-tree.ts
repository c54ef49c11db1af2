import { invalidSchemaError } from './avro-errors.ts';

/** The eight primitive type names of the Avro specification. */
export const AVRO_PRIMITIVE_TYPES = ['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'] as const;
export type AvroPrimitiveName = (typeof AVRO_PRIMITIVE_TYPES)[number];

/**
 * Logical types this layer understands. An annotation that does not fit its underlying type
 * (e.g. `date` on a string, `decimal` without a precision) is ignored, as the spec requires.
 */
export const AVRO_LOGICAL_TYPES = [
  'date',
  'time-millis',
  'time-micros',
  'timestamp-millis',
  'timestamp-micros',
  'timestamp-nanos',
  'local-timestamp-millis',
  'local-timestamp-micros',
  'local-timestamp-nanos',
  'decimal',
  'uuid',
  'duration',
] as const;
export type AvroLogicalTypeName = (typeof AVRO_LOGICAL_TYPES)[number];

/** Logical annotation of a primitive or fixed node; `precision`/`scale` only for `decimal`. */
export interface AvroLogical {
  name: AvroLogicalTypeName;
  precision?: number;
  scale?: number;
}

export interface AvroPrimitiveNode {
  kind: AvroPrimitiveName;
  logical?: AvroLogical;
}

export interface AvroField {
  name: string;
  type: AvroNode;
  aliases: string[];
  doc?: string;
  /** Present only when the schema declares a default (which may itself be `null`). */
  default?: { value: unknown };
  order: 'ascending' | 'descending' | 'ignore';
}

export interface AvroRecordNode {
  kind: 'record';
  /** Full name (namespace included). */
  name: string;
  aliases: string[];
  doc?: string;
  fields: AvroField[];
}

export interface AvroEnumNode {
  kind: 'enum';
  name: string;
  aliases: string[];
  doc?: string;
  symbols: string[];
  default?: string;
}

export interface AvroFixedNode {
  kind: 'fixed';
  name: string;
  aliases: string[];
  doc?: string;
  size: number;
  logical?: AvroLogical;
}

export interface AvroArrayNode {
  kind: 'array';
  items: AvroNode;
}

export interface AvroMapNode {
  kind: 'map';
  values: AvroNode;
}

export interface AvroUnionNode {
  kind: 'union';
  branches: AvroNode[];
}

/**
 * A schema with every name resolved: named types are shared objects, so a recursive schema is
 * a cyclic graph. Built from the JSON by `resolveAvroSchemaTree`.
 */
export type AvroNode =
  | AvroPrimitiveNode
  | AvroRecordNode
  | AvroEnumNode
  | AvroFixedNode
  | AvroArrayNode
  | AvroMapNode
  | AvroUnionNode;

export type AvroNodeKind = AvroNode['kind'];
export type AvroNamedNode = AvroRecordNode | AvroEnumNode | AvroFixedNode;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PRIMITIVES: ReadonlySet<string> = new Set(AVRO_PRIMITIVE_TYPES);
const ORDERS = new Set(['ascending', 'descending', 'ignore']);

/**
 * Validates an Avro schema (parsed JSON) and resolves its names into an `AvroNode` graph.
 * Checks what the spec requires of names, fields, symbols, sizes, unions and references.
 * @throws ValidationError `AVRO_INVALID_SCHEMA` naming the offending type or field and `source`.
 */
export function resolveAvroSchemaTree(schema: unknown, source?: string): AvroNode {
  const named = new Map<string, AvroNamedNode>();
  const fail = (reason: string): never => {
    throw invalidSchemaError(reason, source);
  };

  const fullName = (name: unknown, namespace: unknown, enclosing: string | undefined, what: string): string => {
    if (typeof name !== 'string') return fail(`${what} needs a string "name", got ${JSON.stringify(name) ?? 'nothing'}`);
    if (namespace !== undefined && namespace !== null && typeof namespace !== 'string') {
      return fail(`${what} "${name}" has a non-string "namespace" ${JSON.stringify(namespace)}`);
    }
    const ns = name.includes('.') ? undefined : namespace === undefined || namespace === null ? enclosing : namespace;
    const full = ns ? `${ns}.${name}` : name;
    if (!full.split('.').every((part) => NAME.test(part))) {
      fail(`${what} name "${full}" is not a valid Avro name (letters, digits and _, not starting with a digit, dot-separated)`);
    }
    if (PRIMITIVES.has(full)) fail(`${what} cannot be named "${full}", which is a primitive type`);
    if (named.has(full)) fail(`type name "${full}" is defined twice`);
    return full;
  };
  const namespaceOf = (full: string): string | undefined => {
    const dot = full.lastIndexOf('.');
    return dot < 0 ? undefined : full.slice(0, dot);
  };
  const aliasesOf = (value: unknown, namespace: string | undefined, what: string): string[] => {
    if (value === undefined) return [];
    if (!Array.isArray(value) || !value.every((a) => typeof a === 'string')) {
      return fail(`${what} has "aliases" that are not an array of strings`);
    }
    return value.map((a: string) => (a.includes('.') || !namespace ? a : `${namespace}.${a}`));
  };
  const docOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

  const build = (node: unknown, namespace: string | undefined, where: string): AvroNode => {
    if (typeof node === 'string') return reference(node, namespace, where);
    if (Array.isArray(node)) return union(node, namespace, where);
    if (node === null || typeof node !== 'object') {
      return fail(`${where} is ${JSON.stringify(node)}, which is not a schema (a type name, an object or a union array)`);
    }
    const obj = node as Record<string, unknown>;
    const type = obj.type;
    if (type === undefined) return fail(`${where} is an object without "type"`);
    if (typeof type !== 'string') return fail(`${where} has a "type" that is not a string: ${JSON.stringify(type)}`);
    if (PRIMITIVES.has(type)) {
      const kind = type as AvroPrimitiveName;
      const logical = logicalOf(obj, kind);
      return logical === undefined ? { kind } : { kind, logical };
    }
    switch (type) {
      case 'record':
      case 'error':
        return record(obj, namespace, where);
      case 'enum':
        return enumeration(obj, namespace, where);
      case 'fixed':
        return fixed(obj, namespace, where);
      case 'array':
        if (!('items' in obj)) return fail(`${where} is an array without "items"`);
        return { kind: 'array', items: build(obj.items, namespace, `items of ${where}`) };
      case 'map':
        if (!('values' in obj)) return fail(`${where} is a map without "values"`);
        return { kind: 'map', values: build(obj.values, namespace, `values of ${where}`) };
      default:
        return fail(`${where} has unknown type "${type}"`);
    }
  };

  const reference = (name: string, namespace: string | undefined, where: string): AvroNode => {
    if (PRIMITIVES.has(name)) return { kind: name as AvroPrimitiveName };
    const full = name.includes('.') || !namespace ? name : `${namespace}.${name}`;
    const found = named.get(full);
    if (found === undefined) {
      const known = named.size === 0 ? 'none defined before it' : `defined before it: ${[...named.keys()].join(', ')}`;
      return fail(`${where} refers to unknown type "${full}" (${known})`);
    }
    return found;
  };

  const union = (branches: unknown[], namespace: string | undefined, where: string): AvroUnionNode => {
    const nodes = branches.map((b, i) => build(b, namespace, `branch ${i} of the union at ${where}`));
    const seen = new Set<string>();
    for (const n of nodes) {
      if (n.kind === 'union') fail(`the union at ${where} directly contains another union, which Avro forbids`);
      const key = 'name' in n ? n.name : n.kind;
      if (seen.has(key)) fail(`the union at ${where} contains "${key}" twice`);
      seen.add(key);
    }
    return { kind: 'union', branches: nodes };
  };

  const record = (obj: Record<string, unknown>, namespace: string | undefined, where: string): AvroRecordNode => {
    const name = fullName(obj.name, obj.namespace, namespace, `the record at ${where}`);
    const ns = namespaceOf(name);
    const node: AvroRecordNode = { kind: 'record', name, aliases: aliasesOf(obj.aliases, ns, `record "${name}"`), fields: [] };
    const doc = docOf(obj.doc);
    if (doc !== undefined) node.doc = doc;
    // register before the fields: a record may refer to itself
    named.set(name, node);
    if (!Array.isArray(obj.fields)) return fail(`record "${name}" needs a "fields" array`);
    const names = new Set<string>();
    obj.fields.forEach((raw: unknown, i: number) => {
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail(`field ${i} of record "${name}" is not an object`);
      const f = raw as Record<string, unknown>;
      if (typeof f.name !== 'string' || !NAME.test(f.name)) {
        fail(`field ${i} of record "${name}" has an invalid or missing "name" (${JSON.stringify(f.name) ?? 'missing'})`);
      }
      const fieldName = f.name as string;
      if (names.has(fieldName)) fail(`record "${name}" has two fields named "${fieldName}"`);
      names.add(fieldName);
      if (!('type' in f)) fail(`field "${fieldName}" of record "${name}" has no "type"`);
      const order = f.order ?? 'ascending';
      if (typeof order !== 'string' || !ORDERS.has(order)) {
        fail(`field "${fieldName}" of record "${name}" has order ${JSON.stringify(order)} (expected ascending, descending or ignore)`);
      }
      const field: AvroField = {
        name: fieldName,
        type: build(f.type, ns, `field "${fieldName}" of record "${name}"`),
        aliases: aliasesOf(f.aliases, undefined, `field "${fieldName}" of record "${name}"`),
        order: order as AvroField['order'],
      };
      const fieldDoc = docOf(f.doc);
      if (fieldDoc !== undefined) field.doc = fieldDoc;
      if ('default' in f) field.default = { value: f.default };
      node.fields.push(field);
    });
    return node;
  };

  const enumeration = (obj: Record<string, unknown>, namespace: string | undefined, where: string): AvroEnumNode => {
    const name = fullName(obj.name, obj.namespace, namespace, `the enum at ${where}`);
    const symbols = obj.symbols;
    if (!Array.isArray(symbols) || !symbols.every((s) => typeof s === 'string')) {
      return fail(`enum "${name}" needs a "symbols" array of strings, got ${JSON.stringify(symbols) ?? 'nothing'}`);
    }
    const bad = symbols.find((s: string) => !NAME.test(s));
    if (bad !== undefined) fail(`enum "${name}" has symbol "${bad}", which is not a valid Avro name`);
    if (new Set(symbols).size !== symbols.length) fail(`enum "${name}" lists a symbol twice`);
    const node: AvroEnumNode = { kind: 'enum', name, aliases: aliasesOf(obj.aliases, namespaceOf(name), `enum "${name}"`), symbols: [...symbols] };
    const doc = docOf(obj.doc);
    if (doc !== undefined) node.doc = doc;
    if (obj.default !== undefined) {
      if (typeof obj.default !== 'string' || !symbols.includes(obj.default)) {
        fail(`enum "${name}" has default ${JSON.stringify(obj.default)}, which is not one of its symbols`);
      }
      node.default = obj.default as string;
    }
    named.set(name, node);
    return node;
  };

  const fixed = (obj: Record<string, unknown>, namespace: string | undefined, where: string): AvroFixedNode => {
    const name = fullName(obj.name, obj.namespace, namespace, `the fixed type at ${where}`);
    const size = obj.size;
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
      return fail(`fixed "${name}" needs a non-negative integer "size", got ${JSON.stringify(size) ?? 'nothing'}`);
    }
    const node: AvroFixedNode = { kind: 'fixed', name, aliases: aliasesOf(obj.aliases, namespaceOf(name), `fixed "${name}"`), size };
    const doc = docOf(obj.doc);
    if (doc !== undefined) node.doc = doc;
    const logical = logicalOf(obj, 'fixed', size);
    if (logical !== undefined) node.logical = logical;
    named.set(name, node);
    return node;
  };

  return build(schema, undefined, 'the top-level schema');
}

const LONG_LOGICAL = new Set<string>([
  'time-micros',
  'timestamp-millis',
  'timestamp-micros',
  'timestamp-nanos',
  'local-timestamp-millis',
  'local-timestamp-micros',
  'local-timestamp-nanos',
]);

/** The logical annotation of a type object, or undefined when absent or not applicable. */
function logicalOf(obj: Record<string, unknown>, kind: AvroPrimitiveName | 'fixed', size = 0): AvroLogical | undefined {
  const name = obj.logicalType;
  if (typeof name !== 'string') return undefined;
  if (name === 'date' || name === 'time-millis') return kind === 'int' ? { name } : undefined;
  if (LONG_LOGICAL.has(name)) return kind === 'long' ? { name: name as AvroLogicalTypeName } : undefined;
  if (name === 'uuid') return kind === 'string' || (kind === 'fixed' && size === 16) ? { name } : undefined;
  if (name === 'duration') return kind === 'fixed' && size === 12 ? { name } : undefined;
  if (name !== 'decimal' || (kind !== 'bytes' && kind !== 'fixed')) return undefined;
  const precision = obj.precision;
  const scale = obj.scale ?? 0;
  if (typeof precision !== 'number' || !Number.isInteger(precision) || precision <= 0) return undefined;
  if (typeof scale !== 'number' || !Number.isInteger(scale) || scale < 0 || scale > precision) return undefined;
  if (kind === 'fixed' && precision > maxDecimalDigits(size)) return undefined;
  return { name, precision, scale };
}

/** Largest precision a two's-complement fixed of `size` bytes can hold: floor(log10(2^(8n-1) - 1)). */
function maxDecimalDigits(size: number): number {
  if (size === 0) return 0;
  return ((1n << BigInt(8 * size - 1)) - 1n).toString().length - 1;
}
