import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../../../test/support/paths.ts';
import { loadAvroSchemaFile, parseAvroSchema } from './avro-schema.ts';

const weather = {
  type: 'record',
  name: 'test.Weather',
  doc: 'A weather reading.',
  fields: [
    { name: 'station', type: 'string', order: 'ignore' },
    { name: 'time', type: 'long' },
    { name: 'temp', type: 'int' },
  ],
};

describe('parseAvroSchema', () => {
  it('exposes the canonical form and the CRC-64-AVRO fingerprint in both spellings', () => {
    const schema = parseAvroSchema('"string"');
    assert.equal(schema.canonicalForm, '"string"');
    assert.equal(schema.fingerprint, '-8142146995180207161');
    // little-endian bytes of the same 64-bit value
    assert.equal(schema.fingerprintBytes.readBigInt64LE(0), -8142146995180207161n);
  });

  it('drops doc, order and namespaces-as-attributes from the canonical form but keeps them in json', () => {
    const schema = parseAvroSchema(weather);
    assert.equal(
      schema.canonicalForm,
      '{"name":"test.Weather","type":"record","fields":[{"name":"station","type":"string"},{"name":"time","type":"long"},{"name":"temp","type":"int"}]}',
    );
    assert.deepEqual(schema.json, weather);
    assert.equal(schema.text, JSON.stringify(weather));
    assert.equal(schema.type.name, 'test.Weather');
  });

  it('gives text and object input the same schema, and copies and freezes the object', () => {
    const input = structuredClone(weather);
    const fromObject = parseAvroSchema(input);
    const fromText = parseAvroSchema(JSON.stringify(weather));
    assert.equal(fromObject.fingerprint, fromText.fingerprint);
    input.fields.pop();
    assert.equal((fromObject.json as typeof weather).fields.length, 3);
    assert.ok(Object.isFrozen((fromObject.json as typeof weather).fields[0]));
  });

  it('resolves names: namespaces, references and recursion', () => {
    const schema = parseAvroSchema({
      type: 'record',
      name: 'Node',
      namespace: 'x.y',
      fields: [
        { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['A', 'B'] } },
        { name: 'again', type: 'Kind' },
        { name: 'children', type: { type: 'array', items: 'x.y.Node' } },
      ],
    });
    assert.equal(
      schema.canonicalForm,
      '{"name":"x.y.Node","type":"record","fields":[{"name":"kind","type":{"name":"x.y.Kind","type":"enum","symbols":["A","B"]}},{"name":"again","type":"x.y.Kind"},{"name":"children","type":{"type":"array","items":"x.y.Node"}}]}',
    );
    const root = schema.root;
    assert.equal(root.kind, 'record');
    if (root.kind === 'record') {
      const children = root.fields[2]?.type;
      assert.ok(children?.kind === 'array' && children.items === root, 'recursive reference is the same node');
    }
  });

  it('rejects invalid schemas with the reason and the source', () => {
    const cases: [unknown, RegExp][] = [
      ['{"type": "record"', /not valid JSON/],
      [{ type: 'record', name: 'R', fields: [{ name: 'a' }] }, /field "a" of record "R" has no "type"/],
      [{ type: 'record', name: 'R', fields: [{ name: 'a', type: 'Missing' }] }, /unknown type "Missing"/],
      [{ type: 'fixed', size: 4 }, /needs a string "name"/],
      [{ type: 'fixed', name: 'F' }, /fixed "F" needs a non-negative integer "size"/],
      [{ type: 'enum', name: 'E', symbols: ['a', 'a'] }, /lists a symbol twice/],
      [{ type: 'enum', name: '2x', symbols: ['a'] }, /not a valid Avro name/],
      [{ type: 'panther' }, /unknown type "panther"/],
      [['int', 'int'], /contains "int" twice/],
      [['null', ['int']], /directly contains another union/],
      [{ type: 'record', name: 'R', fields: [{ name: 'a', type: 'int' }, { name: 'a', type: 'int' }] }, /two fields named "a"/],
      [[], /empty union/],
    ];
    for (const [input, reason] of cases) {
      assert.throws(
        () => parseAvroSchema(input as object, { source: 'tables/sale.avsc' }),
        (err: Error & { code?: string; fields?: Record<string, unknown> }) => {
          assert.equal(err.code, 'AVRO_INVALID_SCHEMA');
          assert.match(err.message, reason);
          assert.match(err.message, /in "tables\/sale\.avsc"/);
          assert.equal(err.fields?.source, 'tables/sale.avsc');
          return true;
        },
      );
    }
  });

  it('ignores a logical type that does not fit its underlying type, as the spec requires', () => {
    const schema = parseAvroSchema({ type: 'string', logicalType: 'date' });
    assert.equal(schema.root.kind, 'string');
    assert.equal('logical' in schema.root ? schema.root.logical : undefined, undefined);
    const decimal = parseAvroSchema({ type: 'bytes', logicalType: 'decimal', precision: 10, scale: 2 });
    assert.deepEqual('logical' in decimal.root ? decimal.root.logical : undefined, { name: 'decimal', precision: 10, scale: 2 });
  });
});

describe('loadAvroSchemaFile', () => {
  it('reads .avsc and .json files and names the file in errors', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      await writeFile(join(dir, 'weather.avsc'), JSON.stringify(weather));
      await writeFile(join(dir, 'weather.json'), JSON.stringify(weather));
      await writeFile(join(dir, 'broken.avsc'), '{"type": "enum", "name": "E"}');
      await writeFile(join(dir, 'weather.txt'), JSON.stringify(weather));
      const a = await loadAvroSchemaFile(join(dir, 'weather.avsc'));
      const b = await loadAvroSchemaFile(join(dir, 'weather.json'));
      assert.equal(a.fingerprint, b.fingerprint);
      assert.equal(a.source, join(dir, 'weather.avsc'));
      await assert.rejects(loadAvroSchemaFile(join(dir, 'broken.avsc')), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'AVRO_INVALID_SCHEMA');
        assert.ok(err.message.includes('broken.avsc'));
        assert.match(err.message, /enum "E" needs a "symbols" array/);
        return true;
      });
      await assert.rejects(loadAvroSchemaFile(join(dir, 'weather.txt')), { code: 'AVRO_INVALID_SCHEMA' });
      await assert.rejects(loadAvroSchemaFile(join(dir, 'missing.avsc')), { code: 'ENOENT' });
    } finally {
      await cleanup();
    }
  });
});
