import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAvroSchema } from './avro-schema.ts';
import { compareAvroSchemas } from './schema-compat.ts';

type Field = Record<string, unknown>;
const record = (fields: Field[], extra: object = {}): ReturnType<typeof parseAvroSchema> =>
  parseAvroSchema({ type: 'record', name: 'Sale', namespace: 'dmd', fields, ...extra });

const base: Field[] = [
  { name: 'id', type: 'long' },
  { name: 'amount', type: 'string' },
  { name: 'qty', type: 'int' },
  { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID'] } },
];
const old = record(base);
const edit = (i: number, change: Field): Field[] => base.map((f, j) => (j === i ? { ...f, ...change } : f));
const compare = (fields: Field[], extra?: object) => compareAvroSchemas(old, record(fields, extra));

describe('compareAvroSchemas', () => {
  it('calls a schema identical when only key order and whitespace differ', () => {
    const reordered = parseAvroSchema(`{"fields": ${JSON.stringify(base)}, "namespace": "dmd", "name": "Sale", "type": "record"}`);
    assert.deepEqual(compareAvroSchemas(old, reordered), { kind: 'identical', reasons: [] });
  });

  it('accepts the changes a table can absorb in place, and says what they are', () => {
    const cases: [Field[], string][] = [
      [[...base, { name: 'note', type: 'string', default: '' }], 'field "note" added with default ""'],
      [[...base, { name: 'note', type: ['null', 'string'] }], 'field "note" added as nullable; existing rows read as null'],
      [edit(2, { type: ['null', 'int'] }), 'field "qty" made nullable'],
      [edit(2, { type: 'long' }), 'field "qty" promoted from int to long'],
      [edit(2, { type: 'double' }), 'field "qty" promoted from int to double'],
      [edit(1, { type: 'bytes' }), 'field "amount" promoted from string to bytes'],
      [edit(2, { doc: 'units sold' }), 'doc of field "qty" changed'],
      [edit(2, { order: 'descending' }), 'sort order of field "qty" changed from ascending to descending'],
      [edit(1, { name: 'amount_text', aliases: ['amount'] }), 'field "amount" renamed to "amount_text" (aliased)'],
      [edit(3, { type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID', 'VOID'] } }), 'field "status" enum "dmd.Status" gained symbols VOID'],
      [[base[1], base[0], base[2], base[3]] as Field[], 'fields of record "dmd.Sale" reordered'],
    ];
    for (const [fields, reason] of cases) {
      const verdict = compare(fields);
      assert.equal(verdict.kind, 'compatible', `${reason}: ${verdict.reasons.join('; ')}`);
      assert.deepEqual(verdict.reasons, [reason]);
    }
  });

  it('removing a field is compatible only when it had a default', () => {
    const withDefault = record([...base, { name: 'note', type: 'string', default: '' }]);
    assert.deepEqual(compareAvroSchemas(withDefault, old), { kind: 'compatible', reasons: ['field "note" removed (it had a default)'] });
  });

  it('rejects the changes a table cannot absorb, naming the field', () => {
    const cases: [Field[], string, object?][] = [
      [edit(1, { type: 'double' }), 'field "amount" changed type from string to double, which cannot be promoted'],
      [base.slice(0, 3), 'field "status" was removed and has no default'],
      [[...base, { name: 'region', type: 'string' }], 'field "region" was added without a default and is not nullable; existing rows have no value for it (add a default or make it nullable)'],
      [
        edit(1, { name: 'total' }),
        'field "amount" was removed and has no default (if it was renamed to "total", add "aliases": ["amount"] to "total")',
      ],
      [edit(3, { type: { type: 'enum', name: 'Status', symbols: ['NEW'] } }), 'field "status" enum "dmd.Status" lost symbols PAID; rows holding them cannot be read (or give the enum a default)'],
      [edit(2, { type: { type: 'long', logicalType: 'timestamp-millis' } }), 'field "qty" changed type from int to long (timestamp-millis), which cannot be promoted'],
      [edit(0, { type: { type: 'long', logicalType: 'timestamp-millis' } }), 'field "id" changed logical type from none to timestamp-millis, which changes its column type'],
      [base, 'record "dmd.Sale" renamed to "dmd.Order" without an alias; add "aliases": ["dmd.Sale"] to "dmd.Order"', { name: 'Order' }],
    ];
    for (const [fields, reason, extra] of cases) {
      const verdict = compare(fields, extra);
      assert.equal(verdict.kind, 'incompatible', reason);
      assert.equal(verdict.reasons[0], reason);
    }
  });

  it('treats making a nullable field required as incompatible', () => {
    const nullable = record(edit(2, { type: ['null', 'int'] }));
    assert.deepEqual(compareAvroSchemas(nullable, old), {
      kind: 'incompatible',
      reasons: ['field "qty" changed from nullable to required; rows holding null cannot be read'],
    });
  });

  it('follows nested records, arrays and maps with dotted field paths', () => {
    const nested = (zip: unknown, tags: unknown): ReturnType<typeof parseAvroSchema> =>
      record([
        { name: 'address', type: { type: 'record', name: 'Address', fields: [{ name: 'zip', type: zip }] } },
        { name: 'lines', type: { type: 'array', items: { type: 'record', name: 'Line', fields: [{ name: 'tags', type: tags }] } } },
      ]);
    const verdict = compareAvroSchemas(nested('int', { type: 'map', values: 'int' }), nested('string', { type: 'map', values: 'long' }));
    assert.deepEqual(verdict, {
      kind: 'incompatible',
      reasons: [
        'field "address.zip" changed type from int to string, which cannot be promoted',
        'values of field "lines[].tags" promoted from int to long',
      ],
    });
  });

  it('agrees with Avro resolution (avsc) on what a reader can read', () => {
    const readable: Field[][] = [edit(2, { type: 'long' }), [...base, { name: 'note', type: 'string', default: '' }], edit(2, { type: ['null', 'int'] })];
    for (const fields of readable) {
      const next = record(fields);
      assert.equal(compareAvroSchemas(old, next).kind, 'compatible');
      assert.doesNotThrow(() => next.type.createResolver(old.type));
    }
    const unreadable = record(edit(1, { type: 'double' }));
    assert.equal(compareAvroSchemas(old, unreadable).kind, 'incompatible');
    assert.throws(() => unreadable.type.createResolver(old.type));
  });
});
