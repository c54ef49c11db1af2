import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ValidationError } from '../../errors.ts';
import { conformanceDir } from '../../../test/support/paths.ts';
import { avroCanonicalForm } from './avro-canonical-form.ts';
import { readAvroHeader } from './avro-header.ts';
import { decodeAvroContainer, openAvroContainer, readAvroRecords } from './avro-reader.ts';
import { parseAvroSchema } from './avro-schema.ts';
import type { AvroSchema } from './avro-schema.ts';
import { resolveAvroSchemaTree } from './avro-schema-tree.ts';
import { encodeAvroContainer } from './avro-writer.ts';
import { fingerprintToDecimal, rabinFingerprint64 } from './rabin-fingerprint.ts';
import { decodeSingleObject, encodeSingleObject } from './single-object.ts';

// Vectors from apache/avro (see PROVENANCE.md beside them); one `it` per case.
const dir = conformanceDir('avro');
const bytes = (file: string): Buffer => readFileSync(join(dir, file));
const text = (file: string): string => readFileSync(join(dir, file), 'utf8');
const schemaAt = (file: string): AvroSchema => parseAvroSchema(text(file), { source: file });
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

interface Case {
  kind: 'read_ocf' | 'open_ocf' | 'header' | 'single_object_encoding' | 'schema_parse';
  file?: string;
  schema?: string;
  codec?: string;
  reader_schema?: string;
  expected_records?: unknown[];
  expected_values?: unknown[];
  expected_then?: string;
  expected_valid?: boolean;
  datum?: unknown;
  expected_bytes_file?: string;
}

interface CanonicalCase {
  id: string;
  input: string;
  canonical: string;
  fingerprint: string | null;
}

const cases = (JSON.parse(text('cases.json')) as { cases: Case[] }).cases;
const canonicalCases = (JSON.parse(text('schema-canonical-form-cases.json')) as { cases: CanonicalCase[] }).cases;

/** Reads records one at a time; returns those read before the first error, and the error. */
function readUntilError(file: string): { values: unknown[]; error: unknown } {
  const values: unknown[] = [];
  try {
    for (const record of readAvroRecords(bytes(file), { source: file })) values.push(record);
  } catch (error) {
    return { values, error };
  }
  return { values, error: undefined };
}

function assertCorrupt(error: unknown): void {
  assert.ok(error instanceof ValidationError, `expected a ValidationError, got ${String(error)}`);
  assert.equal(error.code, 'AVRO_CORRUPT_FILE');
  assert.equal(typeof error.fields.block, 'number');
  assert.equal(typeof error.fields.offset, 'number');
}

/** Checks for the cases whose outcome the source states in prose (keyed by file). */
const proseChecks: Record<string, (c: Case) => void> = {
  'share-test-data/weather-sorted.avro': (c) => {
    const { records, writerSchema } = decodeAvroContainer(bytes(c.file!), { source: c.file });
    const expected = text('share-test-data/weather.json').trim().split('\n').map((line) => JSON.parse(line) as unknown);
    const key = (r: unknown): string => JSON.stringify(r);
    assert.deepEqual((plain(records) as unknown[]).map(key).sort(), expected.map(key).sort());
    for (let i = 1; i < records.length; i++) {
      assert.ok(writerSchema.type.compare(records[i - 1], records[i]) <= 0, `record ${i} is out of Avro sort order`);
    }
  },
  'share-test-data/syncInMeta.avro': (c) => {
    const { header, records } = decodeAvroContainer(bytes(c.file!), { source: c.file });
    const inMeta = Object.values(header.metadata).some((value) => value.includes(header.sync));
    assert.ok(inMeta, 'the sync marker should also occur inside the header metadata');
    assert.ok(records.length > 0);
    for (const r of records) assert.ok(r !== null && typeof r === 'object');
  },
  'share-test-data/test.avro12': (c) => {
    const { header, writerSchema, records } = decodeAvroContainer(bytes(c.file!), { source: c.file });
    assert.equal(header.version, 0);
    assert.equal(records.length, Number(header.metadata.count?.toString()));
    for (const r of records) assert.ok(writerSchema.type.isValid(r));
  },
  'lang-js-test-dat/person-10.avro': (c) => {
    const person = schemaAt('lang-js-test-dat/Person.avsc');
    const { header, records } = decodeAvroContainer(bytes(c.file!), { source: c.file });
    assert.deepEqual(header.schemaJson, person.json);
    assert.equal(records.length, 10);
    for (const r of records) assert.ok(person.type.isValid(r));
  },
  'share-test-data/schemas/simple/data.avro': (c) => readWriteBack(c),
  'share-test-data/schemas/withUnion/data.avro': (c) => readWriteBack(c),
};

// read the schema, read every record, write them to a new file, read that back
function readWriteBack(c: Case): void {
  const schema = schemaAt(c.schema!);
  const { records } = decodeAvroContainer(bytes(c.file!), { readerSchema: schema, source: c.file });
  assert.ok(records.length > 0);
  const copy = encodeAvroContainer(schema, records, { codec: 'deflate' });
  assert.deepEqual(plain(decodeAvroContainer(copy).records), plain(records));
}

function runCase(c: Case): void {
  switch (c.kind) {
    case 'schema_parse': {
      const source = text(c.file!);
      if (c.expected_valid) {
        const schema = parseAvroSchema(source, { source: c.file });
        // "survive copy/equal/write-read": the schema written out parses back to an equal schema
        const again = parseAvroSchema(schema.text);
        assert.equal(again.canonicalForm, schema.canonicalForm);
        assert.ok(again.type.equals(schema.type));
      } else {
        assert.throws(() => parseAvroSchema(source, { source: c.file }), { name: 'ValidationError', code: 'AVRO_INVALID_SCHEMA' });
      }
      return;
    }
    case 'single_object_encoding': {
      const schema = schemaAt(c.schema!);
      const expected = bytes(c.expected_bytes_file!);
      assert.deepEqual(encodeSingleObject(schema, c.datum), expected);
      assert.deepEqual(plain(decodeSingleObject(expected, schema)), c.datum);
      return;
    }
    case 'header': {
      const header = readAvroHeader(bytes(c.file!), { source: c.file });
      if (c.file!.endsWith('.raw')) {
        assert.equal(header, null);
        return;
      }
      assert.ok(header !== null);
      assert.ok(header.schemaJson !== null && typeof header.schemaJson === 'object' && !Array.isArray(header.schemaJson));
      if (c.file!.includes('no-codec')) assert.equal(header.metadata['avro.codec'], undefined);
      return;
    }
    case 'open_ocf': {
      const reader = openAvroContainer(bytes(c.file!), { source: c.file });
      assert.equal(reader.header.codec, 'null');
      assert.equal(reader.header.metadata['avro.codec'] === undefined, c.file!.includes('no-codec'));
      return;
    }
    case 'read_ocf': {
      if (c.expected_records !== undefined) {
        const { header, records } = decodeAvroContainer(bytes(c.file!), { readerSchema: schemaAt(c.reader_schema!), source: c.file });
        assert.equal(header.codec, c.codec);
        assert.deepEqual(plain(records), c.expected_records);
        return;
      }
      if (c.expected_values !== undefined) {
        const { values, error } = readUntilError(c.file!);
        assert.deepEqual(values, c.expected_values);
        if (c.expected_then === undefined || c.expected_then === 'EOF') assert.equal(error, undefined);
        else assertCorrupt(error);
        return;
      }
      const check = proseChecks[c.file!];
      assert.ok(check, `no check written for ${c.file}`);
      check(c);
      return;
    }
  }
}

describe('avro conformance: cases.json', () => {
  it('holds the 60 cases PROVENANCE.md describes', () => assert.equal(cases.length, 60));
  for (const c of cases) {
    it(`${c.kind} ${c.file ?? c.schema}`, () => runCase(c));
  }
});

describe('avro conformance: schema-canonical-form-cases.json', () => {
  for (const c of canonicalCases) {
    it(`canonical form ${c.id}: ${c.input.replace(/\s+/g, ' ').slice(0, 60)}`, () => {
      const tree = resolveAvroSchemaTree(JSON.parse(c.input));
      const form = avroCanonicalForm(tree);
      assert.equal(form, c.canonical);
      if (c.fingerprint !== null) assert.equal(fingerprintToDecimal(rabinFingerprint64(form)), c.fingerprint);
      // parseAvroSchema agrees, except that it rejects the empty union by design
      if (tree.kind === 'union' && tree.branches.length === 0) {
        assert.throws(() => parseAvroSchema(c.input), { code: 'AVRO_INVALID_SCHEMA' });
      } else {
        const schema = parseAvroSchema(c.input);
        assert.equal(schema.canonicalForm, c.canonical);
        assert.equal(schema.fingerprint, fingerprintToDecimal(rabinFingerprint64(c.canonical)));
      }
    });
  }
});
