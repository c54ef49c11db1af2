import { ValidationError } from '../../errors.ts';
import type { ColumnSpec, ColumnType } from '../column-types.ts';

/** DuckDB scalar type names as `DESCRIBE` spells them (aliases normalised by `DESCRIBE` already). */
const DUCKDB_SCALARS = [
  'BOOLEAN',
  'TINYINT',
  'SMALLINT',
  'INTEGER',
  'BIGINT',
  'HUGEINT',
  'UTINYINT',
  'USMALLINT',
  'UINTEGER',
  'UBIGINT',
  'UHUGEINT',
  'FLOAT',
  'DOUBLE',
  'DATE',
  'TIME',
  'TIME WITH TIME ZONE',
  'TIMESTAMP',
  'TIMESTAMP WITH TIME ZONE',
  'TIMESTAMP_S',
  'TIMESTAMP_MS',
  'TIMESTAMP_NS',
  'INTERVAL',
  'VARCHAR',
  'BLOB',
  'BIT',
  'UUID',
  'JSON',
  'VARINT',
  'BIGNUM',
  'NULL',
] as const;

type DuckDbScalar = (typeof DUCKDB_SCALARS)[number];

/**
 * Every DuckDB scalar -> catalog type. Where the catalog has no exact type the value keeps its
 * meaning in a wider one: 128-bit and arbitrary-size integers become `decimal(38,0)` (a load
 * fails loudly on the rare value beyond 38 digits), seconds timestamps become microsecond
 * `timestamp`, `TIME WITH TIME ZONE` and `BIT` become their text form, and `NULL` (a JSON key
 * that was null in every row) becomes `varchar`.
 */
const SCALAR_MAPPING: Record<DuckDbScalar, ColumnType> = {
  BOOLEAN: { kind: 'boolean' },
  TINYINT: { kind: 'int8' },
  SMALLINT: { kind: 'int16' },
  INTEGER: { kind: 'int32' },
  BIGINT: { kind: 'int64' },
  HUGEINT: { kind: 'decimal', precision: 38, scale: 0 },
  UTINYINT: { kind: 'uint8' },
  USMALLINT: { kind: 'uint16' },
  UINTEGER: { kind: 'uint32' },
  UBIGINT: { kind: 'uint64' },
  UHUGEINT: { kind: 'decimal', precision: 38, scale: 0 },
  FLOAT: { kind: 'float32' },
  DOUBLE: { kind: 'float64' },
  DATE: { kind: 'date' },
  TIME: { kind: 'time' },
  'TIME WITH TIME ZONE': { kind: 'varchar' },
  TIMESTAMP: { kind: 'timestamp' },
  'TIMESTAMP WITH TIME ZONE': { kind: 'timestamptz' },
  TIMESTAMP_S: { kind: 'timestamp' },
  TIMESTAMP_MS: { kind: 'timestamp_ms' },
  TIMESTAMP_NS: { kind: 'timestamp_ns' },
  INTERVAL: { kind: 'interval' },
  VARCHAR: { kind: 'varchar' },
  BLOB: { kind: 'blob' },
  BIT: { kind: 'varchar' },
  UUID: { kind: 'uuid' },
  JSON: { kind: 'json' },
  VARINT: { kind: 'decimal', precision: 38, scale: 0 },
  BIGNUM: { kind: 'decimal', precision: 38, scale: 0 },
  NULL: { kind: 'varchar' },
};

const SCALAR_SET: ReadonlySet<string> = new Set(DUCKDB_SCALARS);

/**
 * Catalog type of a DuckDB type spelling, e.g. `STRUCT(a INTEGER, "b c" VARCHAR[])` ->
 * `struct<a:int32,b c:list<varchar>>`. Nested fields are nullable (nulls inside nested values
 * are not counted). `ENUM` becomes `varchar`, a fixed-size `T[n]` array a list.
 * Errors: `ValidationError` code `CRAWL_TYPE_UNSUPPORTED` (e.g. `UNION`).
 */
export function columnTypeOfDuckDb(spelling: string): ColumnType {
  const parser = new TypeParser(spelling);
  const type = parser.type();
  parser.end();
  return type;
}

class TypeParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  type(): ColumnType {
    let type = this.base();
    // array suffixes: `INTEGER[]`, `INTEGER[3]`, nested `INTEGER[][]`
    while (this.peek() === '[') {
      this.pos = this.text.indexOf(']', this.pos) + 1;
      if (this.pos === 0) throw this.fail('an unclosed "["');
      type = { kind: 'list', element: type };
    }
    return type;
  }

  end(): void {
    this.skipSpace();
    if (this.pos < this.text.length) throw this.fail(`unexpected text "${this.text.slice(this.pos)}"`);
  }

  private base(): ColumnType {
    this.skipSpace();
    const word = /^[A-Za-z_][A-Za-z0-9_ ]*?(?=\s*[([,)]|$)/.exec(this.text.slice(this.pos))?.[0];
    if (word === undefined) throw this.fail('no type name');
    this.pos += word.length;
    const name = word.trim().toUpperCase();
    switch (name) {
      case 'STRUCT':
        return { kind: 'struct', fields: this.fields() };
      case 'MAP': {
        this.expect('(');
        const key = this.type();
        this.expect(',');
        const value = this.type();
        this.expect(')');
        return { kind: 'map', key, value };
      }
      case 'DECIMAL': {
        const [precision = 18, scale = 3] = this.numbers();
        return { kind: 'decimal', precision, scale };
      }
      case 'ENUM':
        this.skipParenthesised();
        return { kind: 'varchar' };
      case 'UNION':
        throw new ValidationError('CRAWL_TYPE_UNSUPPORTED', `DuckDB type "${this.text}" is a UNION, which the catalog cannot store; cast it to one type before crawling`, { fields: { type: this.text } });
      default:
        if (!SCALAR_SET.has(name)) throw this.fail(`unknown type "${name}"`);
        return structuredClone(SCALAR_MAPPING[name as DuckDbScalar]);
    }
  }

  private fields(): ColumnSpec[] {
    this.expect('(');
    const fields: ColumnSpec[] = [];
    for (;;) {
      const name = this.identifier();
      fields.push({ name, type: this.type(), nullable: true });
      this.skipSpace();
      if (this.text[this.pos] === ',') {
        this.pos += 1;
        continue;
      }
      this.expect(')');
      return fields;
    }
  }

  private identifier(): string {
    this.skipSpace();
    if (this.text[this.pos] === '"') {
      let name = '';
      for (this.pos += 1; this.pos < this.text.length; this.pos += 1) {
        const ch = this.text[this.pos];
        if (ch === '"') {
          if (this.text[this.pos + 1] !== '"') {
            this.pos += 1;
            return name;
          }
          this.pos += 1;
        }
        name += ch;
      }
      throw this.fail('an unclosed quoted name');
    }
    const name = /^[^\s,()]+/.exec(this.text.slice(this.pos))?.[0];
    if (name === undefined) throw this.fail('no field name');
    this.pos += name.length;
    return name;
  }

  private numbers(): number[] {
    if (this.peek() !== '(') return [];
    const close = this.text.indexOf(')', this.pos);
    const inner = this.text.slice(this.pos + 1, close);
    this.pos = close + 1;
    return inner.split(',').map((n) => Number(n.trim()));
  }

  private skipParenthesised(): void {
    this.expect('(');
    let depth = 1;
    let quoted = false;
    for (; this.pos < this.text.length && depth > 0; this.pos += 1) {
      const ch = this.text[this.pos];
      if (ch === "'") quoted = !quoted;
      else if (!quoted && ch === '(') depth += 1;
      else if (!quoted && ch === ')') depth -= 1;
    }
  }

  private peek(): string | undefined {
    this.skipSpace();
    return this.text[this.pos];
  }

  private expect(ch: string): void {
    if (this.peek() !== ch) throw this.fail(`"${ch}" expected`);
    this.pos += 1;
  }

  private skipSpace(): void {
    while (this.text[this.pos] === ' ') this.pos += 1;
  }

  private fail(what: string): ValidationError {
    return new ValidationError('CRAWL_TYPE_UNSUPPORTED', `cannot read DuckDB type "${this.text}": ${what} at offset ${this.pos}`, { fields: { type: this.text } });
  }
}
