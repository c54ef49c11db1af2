import { ValidationError } from '../../errors.ts';
import { memberPath } from './attribute-path.ts';
import {
  Mismatch,
  conformBytes,
  conformDate,
  conformDecimal,
  conformFloating,
  conformInt,
  conformLong,
  conformString,
  conformTimestamp,
} from './scalar-conform.ts';
import type { ConformContext } from './scalar-conform.ts';

type Kind = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string' | 'enum' | 'fixed' | 'array' | 'map' | 'record' | 'union';
type Scalar = (value: unknown, path: string, ctx: ConformContext) => unknown;

/** A compiled record field. */
export interface ConformField {
  name: string;
  /** The field name, then its aliases: the item attributes it reads, in preference order. */
  names: string[];
  type: ConformNode;
  /** Path of the field under a parent path (`.name` or `["odd-name"]`), and at the root. */
  suffix: string;
  rootPath: string;
  /** Present when the schema declares a default; used for a missing attribute. */
  defaultValue?: () => unknown;
}

/** One compiled schema node; records are shared by name, so nodes may form cycles. */
export interface ConformNode {
  kind: Kind;
  /** For messages: `long`, `decimal(12,2)`, `com.example.dmd.Address`, `[null, string]`. */
  label: string;
  /** The avsc branch name when wrapped in a union. */
  branchName: string;
  /** avsc's union bucket: two branches with one bucket make a union ambiguous. */
  bucket: string;
  /** Takes null (a null type, or a union with a null branch). */
  nullable: boolean;
  /** Scalar conversion, logical type applied. */
  scalar?: Scalar;
  /** Scalar conversion of the underlying type, for defaults (which are written in it). */
  base?: Scalar;
  items?: ConformNode;
  values?: ConformNode;
  fields?: ConformField[];
  consumed?: Set<string>;
  symbols?: string[];
  size?: number;
  /** Non-null branches of a union, in schema order. */
  branches?: ConformNode[];
  /** First branch of a union (its default is written in it). */
  first?: ConformNode;
  wrapped?: boolean;
}

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const BUCKETS: Record<Kind, string> = {
  null: 'null', boolean: 'boolean', int: 'number', long: 'number', float: 'number', double: 'number',
  bytes: 'buffer', fixed: 'buffer', string: 'string', enum: 'string', array: 'array', map: 'object', record: 'object', union: 'union',
};

function badSchema(problem: string, at: unknown): ValidationError {
  return new ValidationError('AVRO_BAD_SCHEMA', `Avro schema ${problem} (at ${JSON.stringify(at)?.slice(0, 80)}); fix the .avsc file`, { fields: { problem } });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const primitiveScalars: Record<string, Scalar> = {
  null: (v, path) => {
    if (v !== null) throw new Mismatch(path, 'type', 'null type takes only NULL', v);
    return null;
  },
  boolean: (v, path) => {
    if (typeof v !== 'boolean') throw new Mismatch(path, 'type', 'boolean needs BOOL', v);
    return v;
  },
  int: (v, path) => conformInt(v, path),
  long: (v, path) => conformLong(v, path),
  float: (v, path) => conformFloating(v, path, 'float'),
  double: (v, path) => conformFloating(v, path, 'double'),
  bytes: (v, path) => conformBytes(v, path),
  string: (v, path, ctx) => conformString(v, path, ctx),
};

function node(kind: Kind, label: string, extra: Partial<ConformNode> = {}): ConformNode {
  return { kind, label, branchName: kind, bucket: BUCKETS[kind], nullable: kind === 'null', ...extra };
}

function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** The logical-type conversion for `schema` on `kind`, or undefined to use the underlying type (Avro spec: unknown or invalid logical types are ignored). */
function logicalScalar(schema: Record<string, unknown>, kind: Kind, size?: number): { scalar: Scalar; label: string } | undefined {
  const logical = schema.logicalType;
  if (logical === 'decimal' && (kind === 'bytes' || kind === 'fixed')) {
    const precision = schema.precision;
    const scale = schema.scale ?? 0;
    const maxPrecision = size === undefined ? Infinity : Math.floor(Math.log10(2 ** (8 * size - 1) - 1));
    if (!isIntegerIn(precision, 1, maxPrecision) || !isIntegerIn(scale, 0, precision)) return undefined;
    return { scalar: (v, path, ctx) => conformDecimal(v, path, ctx, precision, scale, size), label: `decimal(${precision},${scale})` };
  }
  if ((logical === 'timestamp-millis' || logical === 'timestamp-micros') && kind === 'long') {
    const unit = logical === 'timestamp-millis' ? 'millis' : 'micros';
    return { scalar: (v, path) => conformTimestamp(v, path, unit), label: logical };
  }
  if (logical === 'date' && kind === 'int') return { scalar: (v, path) => conformDate(v, path), label: 'date' };
  return undefined;
}

class SchemaCompiler {
  readonly named = new Map<string, ConformNode>();
  readonly pendingDefaults: Array<() => void> = [];

  constructor(readonly wrapUnions: 'auto' | 'always' | 'never') {}

  compile(schema: unknown, namespace: string): ConformNode {
    if (typeof schema === 'string') return PRIMITIVES.has(schema) ? this.primitive(schema as Kind, {}) : this.reference(schema, namespace);
    if (Array.isArray(schema)) return this.union(schema, namespace);
    if (!isObject(schema)) throw badSchema('has a type that is neither a name, a union nor an object', schema);
    const type = schema.type;
    if (typeof type === 'string' && PRIMITIVES.has(type)) return this.primitive(type as Kind, schema);
    switch (type) {
      case 'record':
      case 'error':
        return this.record(schema, namespace);
      case 'enum':
        return this.enumType(schema, namespace);
      case 'fixed':
        return this.fixed(schema, namespace);
      case 'array':
        return this.array(schema, namespace);
      case 'map':
        return this.map(schema, namespace);
      default:
        return this.compile(type, namespace);
    }
  }

  private primitive(kind: Kind, schema: Record<string, unknown>): ConformNode {
    const base = primitiveScalars[kind] as Scalar;
    const logical = logicalScalar(schema, kind);
    return node(kind, logical?.label ?? kind, { scalar: logical?.scalar ?? base, base });
  }

  private fullName(schema: Record<string, unknown>, namespace: string): { fullName: string; namespace: string } {
    const name = schema.name;
    if (typeof name !== 'string' || name === '') throw badSchema('has a named type without a name', schema);
    if (name.includes('.')) return { fullName: name, namespace: name.slice(0, name.lastIndexOf('.')) };
    const ns = typeof schema.namespace === 'string' ? schema.namespace : namespace;
    return { fullName: ns === '' ? name : `${ns}.${name}`, namespace: ns };
  }

  private register(fullName: string, compiled: ConformNode): void {
    if (this.named.has(fullName)) throw badSchema(`defines ${fullName} twice`, fullName);
    this.named.set(fullName, compiled);
  }

  private reference(name: string, namespace: string): ConformNode {
    const found = (!name.includes('.') && namespace !== '' ? this.named.get(`${namespace}.${name}`) : undefined) ?? this.named.get(name);
    if (found === undefined) throw badSchema(`refers to unknown type "${name}"`, name);
    return found;
  }

  private record(schema: Record<string, unknown>, namespace: string): ConformNode {
    const { fullName, namespace: ns } = this.fullName(schema, namespace);
    const compiled = node('record', fullName, { branchName: fullName, fields: [], consumed: new Set() });
    this.register(fullName, compiled);
    if (!Array.isArray(schema.fields)) throw badSchema(`record ${fullName} has no fields array`, schema);
    for (const field of schema.fields as unknown[]) {
      if (!isObject(field) || typeof field.name !== 'string') throw badSchema(`record ${fullName} has a field without a name`, field);
      const aliases = Array.isArray(field.aliases) ? field.aliases.filter((a): a is string => typeof a === 'string') : [];
      const rootPath = memberPath('', field.name);
      const suffix = memberPath('$', field.name).slice(1);
      const compiledField: ConformField = { name: field.name, names: [field.name, ...aliases], type: this.compile(field.type, ns), suffix, rootPath };
      if ('default' in field) {
        const json = field.default;
        compiledField.defaultValue = () => defaultOf(compiledField.type, json, `${fullName}.${field.name}`);
        this.pendingDefaults.push(() => compiledField.defaultValue?.());
      }
      compiled.fields?.push(compiledField);
      for (const n of compiledField.names) compiled.consumed?.add(n);
    }
    return compiled;
  }

  private enumType(schema: Record<string, unknown>, namespace: string): ConformNode {
    const { fullName } = this.fullName(schema, namespace);
    const symbols = schema.symbols;
    if (!Array.isArray(symbols) || !symbols.every((s) => typeof s === 'string')) throw badSchema(`enum ${fullName} has no symbols`, schema);
    const allowed = new Set<string>(symbols);
    const scalar: Scalar = (v, path) => {
      if (typeof v !== 'string') throw new Mismatch(path, 'type', `enum ${fullName} needs a string`, v);
      if (!allowed.has(v)) throw new Mismatch(path, 'format', `enum ${fullName} allows ${symbols.slice(0, 12).join(', ')}${symbols.length > 12 ? ', …' : ''}`, v);
      return v;
    };
    const compiled = node('enum', fullName, { branchName: fullName, scalar, base: scalar, symbols: symbols as string[] });
    this.register(fullName, compiled);
    return compiled;
  }

  private fixed(schema: Record<string, unknown>, namespace: string): ConformNode {
    const { fullName } = this.fullName(schema, namespace);
    const size = schema.size;
    if (!isIntegerIn(size, 0, 2 ** 31)) throw badSchema(`fixed ${fullName} has no valid size`, schema);
    const base: Scalar = (v, path) => conformBytes(v, path, size);
    const logical = logicalScalar(schema, 'fixed', size);
    const compiled = node('fixed', logical === undefined ? fullName : `${logical.label} ${fullName}`, { branchName: fullName, scalar: logical?.scalar ?? base, base, size });
    this.register(fullName, compiled);
    return compiled;
  }

  private array(schema: Record<string, unknown>, namespace: string): ConformNode {
    const items = this.compile(schema.items, namespace);
    return node('array', `array<${items.label}>`, { items });
  }

  private map(schema: Record<string, unknown>, namespace: string): ConformNode {
    const values = this.compile(schema.values, namespace);
    return node('map', `map<${values.label}>`, { values });
  }

  private union(schema: unknown[], namespace: string): ConformNode {
    if (schema.length === 0) throw badSchema('has an empty union', schema);
    const all = schema.map((s) => this.compile(s, namespace));
    if (all.some((b) => b.kind === 'union')) throw badSchema('nests a union directly inside a union', schema);
    const buckets = all.map((b) => b.bucket);
    const ambiguous = new Set(buckets).size !== buckets.length;
    const wrapped = this.wrapUnions === 'always' || (this.wrapUnions === 'auto' && ambiguous);
    return node('union', `[${all.map((b) => b.label).join(', ')}]`, {
      nullable: all.some((b) => b.kind === 'null'),
      branches: all.filter((b) => b.kind !== 'null'),
      first: all[0],
      wrapped,
    });
  }
}

/** The JS value of a field default, which Avro writes in JSON in the (first branch's) underlying type. */
function defaultOf(type: ConformNode, json: unknown, where: string): unknown {
  try {
    return defaultValue(type, json);
  } catch (err) {
    if (err instanceof Mismatch) throw badSchema(`default of ${where} does not fit ${type.label}: ${err.detail}`, json);
    throw err;
  }
}

function defaultValue(type: ConformNode, json: unknown): unknown {
  const ctx: ConformContext = { dropped: [], strict: false };
  switch (type.kind) {
    case 'union': {
      const first = type.first as ConformNode;
      if (first.kind === 'null') return primitiveScalars.null?.(json, '', ctx);
      const value = defaultValue(first, json);
      return type.wrapped ? { [first.branchName]: value } : value;
    }
    case 'bytes':
    case 'fixed':
      if (typeof json !== 'string') throw new Mismatch('', 'type', 'a bytes default is a string of code points 0-255', json);
      return type.base?.(Buffer.from(json, 'latin1'), '', ctx);
    case 'array':
      if (!Array.isArray(json)) throw new Mismatch('', 'type', 'an array default is a JSON array', json);
      return json.map((element) => defaultValue(type.items as ConformNode, element));
    case 'map':
      if (!isObject(json)) throw new Mismatch('', 'type', 'a map default is a JSON object', json);
      return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, defaultValue(type.values as ConformNode, v)]));
    case 'record': {
      if (!isObject(json)) throw new Mismatch('', 'type', 'a record default is a JSON object', json);
      const out: Record<string, unknown> = {};
      for (const field of type.fields ?? []) {
        if (json[field.name] !== undefined) out[field.name] = defaultValue(field.type, json[field.name]);
        else if (field.defaultValue !== undefined) out[field.name] = field.defaultValue();
        else throw new Mismatch('', 'missing', `the default has no value for field ${field.name}`, json);
      }
      return out;
    }
    default:
      return type.base?.(json, '', ctx);
  }
}

/**
 * Compiles an Avro schema (JSON) for conforming. Defaults are checked once here.
 * Errors: `ValidationError` `AVRO_BAD_SCHEMA`.
 */
export function compileAvroSchema(schema: unknown, wrapUnions: boolean | 'auto' | 'always' | 'never'): ConformNode {
  const mode = wrapUnions === true ? 'always' : wrapUnions === false ? 'never' : wrapUnions;
  const compiler = new SchemaCompiler(mode);
  const root = compiler.compile(schema, '');
  for (const check of compiler.pendingDefaults) check();
  return root;
}
