import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ValidationError } from '../../src/errors.ts';
import { parseAvroSchema } from '../../src/formats/avro/index.ts';
import type { AvroSchema } from '../../src/formats/avro/index.ts';
import { createAvroConformer, decodeChangeRecord, partitionDateOf, splitChangeInput } from '../../src/ingest/dynamodb/index.ts';
import type { AvroConformer } from '../../src/ingest/dynamodb/index.ts';
import { repoRoot, tempDir } from '../../test/support/paths.ts';
import { DMD_TYPES, MALFORMED_KINDS, generateChangeStream } from './generate.ts';
import type { DmdType, ExpectedCounts } from './generate.ts';

const schemas = Object.fromEntries(
  DMD_TYPES.map((type) => {
    const schema = JSON.parse(readFileSync(join(repoRoot, 'examples/dmd-pipeline/schemas', `${type}.avsc`), 'utf8')) as Record<string, unknown>;
    return [type, { conform: createAvroConformer(schema), avro: parseAvroSchema(schema, { source: `${type}.avsc` }) }];
  }),
) as Record<DmdType, { conform: AvroConformer; avro: AvroSchema }>;

/** What the delivery worker (ingest/cdc) does with the stream, with the pieces it is built from. */
function deliver(lines: string[]) {
  const counts: ExpectedCounts = {
    perTypeDay: { demand: {}, sale: {}, event: {}, notification: {} },
    removes: 0,
    filtered: 0,
    malformed: 0,
    landed: 0,
    total: lines.length,
  };
  const failures: string[] = [];
  const dropped = new Set<string>();
  const rows: Array<{ type: DmdType; record: Record<string, unknown> }> = [];
  const split = splitChangeInput(lines.join('\n'));
  counts.malformed += split.errors.length;
  failures.push(...split.errors.map(() => 'NOT_JSON'));
  for (const { payload } of split.records) {
    try {
      const change = decodeChangeRecord(payload);
      const type = change.image.type;
      if (typeof type !== 'string') throw new ValidationError('MISSING_TYPE', 'no type attribute');
      if (!(DMD_TYPES as readonly string[]).includes(type)) {
        counts.filtered++;
        continue;
      }
      const target = schemas[type as DmdType];
      const { record, droppedFields } = target.conform(change.image);
      target.avro.type.toBuffer(record); // must encode
      droppedFields.forEach((f) => dropped.add(`${type}.${f}`));
      const day = partitionDateOf(change.image.created_at);
      assert.equal(partitionDateOf(record.created_at), day);
      const byDay = counts.perTypeDay[type as DmdType];
      byDay[day] = (byDay[day] ?? 0) + 1;
      counts.landed++;
      if (change.op === 'D') counts.removes++;
      rows.push({ type: type as DmdType, record: { ...record, op: change.op } });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      counts.malformed++;
      failures.push(err.code);
    }
  }
  return { counts, failures, dropped, rows };
}

describe('generateChangeStream', () => {
  const generated = generateChangeStream({ seed: 42, records: 2000, days: 3, startDate: '2024-05-01', malformed: 8 });

  it('is deterministic for a seed and differs across seeds', () => {
    assert.deepEqual(generateChangeStream({ seed: 42, records: 2000, days: 3, malformed: 8 }), generated);
    assert.notDeepEqual(generateChangeStream({ seed: 43, records: 2000, days: 3, malformed: 8 }).records, generated.records);
  });

  it('adds up: every record lands, is filtered, or is malformed', () => {
    const { expected } = generated;
    assert.equal(generated.records.length, 2000);
    assert.equal(expected.total, 2000);
    assert.equal(expected.malformed, 8);
    const perTypeSum = Object.values(expected.perTypeDay).flatMap((byDay) => Object.values(byDay)).reduce((a, b) => a + b, 0);
    assert.equal(perTypeSum, expected.landed);
    assert.equal(expected.landed + expected.filtered + expected.malformed, expected.total);
    assert.ok(expected.filtered > 0 && expected.removes > 0);
  });

  it('spreads every type over all days with INSERT, MODIFY and REMOVE', () => {
    for (const type of DMD_TYPES) assert.deepEqual(Object.keys(generated.expected.perTypeDay[type]).sort(), ['2024-05-01', '2024-05-02', '2024-05-03'], type);
    const names = new Set(generated.records.flatMap((line) => /"eventName":"(\w+)"/.exec(line)?.[1] ?? []));
    assert.deepEqual([...names].sort(), ['INSERT', 'MODIFY', 'REMOVE']);
  });

  it('matches what the delivery pieces land, per type and day, with each malformed kind rejected', () => {
    const { counts, failures } = deliver(generated.records);
    assert.deepEqual(counts, generated.expected);
    // 8 malformed records = each of the 4 kinds twice
    assert.equal(MALFORMED_KINDS.length, 4);
    assert.deepEqual(failures.sort(), ['DDB_BAD_ATTRIBUTE', 'DDB_BAD_ATTRIBUTE', 'DDB_SCHEMA_MISMATCH', 'DDB_SCHEMA_MISMATCH', 'MISSING_TYPE', 'MISSING_TYPE', 'NOT_JSON', 'NOT_JSON']);
  });

  it('exercises the schemas: dropped key attributes, 64-bit longs, decimals, dates, updates and deletes', () => {
    const { dropped, rows } = deliver(generated.records);
    assert.deepEqual([...dropped].filter((f) => !f.endsWith('.pk') && !f.endsWith('.sk')).sort(), ['event.ttl']);
    const events = rows.filter((r) => r.type === 'event');
    assert.ok(events.every((r) => typeof r.record.sequence === 'bigint' && (r.record.sequence as bigint) > 2n ** 53n));
    const demand = rows.find((r) => r.type === 'demand' && r.record.budget !== null)?.record;
    assert.ok(Buffer.isBuffer(demand?.budget) && typeof demand?.requested_date === 'number');
    assert.ok(rows.some((r) => r.record.op === 'D') && rows.some((r) => r.record.op === 'U'));
    assert.ok(rows.filter((r) => r.type === 'sale').every((r) => typeof r.record.created_at === 'number'));
  });

  it('defaults to 3 days from 2024-05-01 with at least 4 malformed records', () => {
    const { expected, records } = generateChangeStream({ records: 300 });
    assert.equal(records.length, 300);
    assert.equal(expected.malformed, 4);
    assert.deepEqual(Object.keys(expected.perTypeDay.sale).sort(), ['2024-05-01', '2024-05-02', '2024-05-03']);
    assert.throws(() => generateChangeStream({ records: -1 }), RangeError);
  });

  it('runs as a CLI: writes JSON lines and prints the expected counts', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const out = join(dir, 'changes.jsonl');
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'examples/dmd-pipeline/generate.ts', '--records', '400', '--days', '4', '--seed', '7', '--out', out], { cwd: repoRoot, encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      const expected = generateChangeStream({ records: 400, days: 4, seed: 7 });
      assert.deepEqual(JSON.parse(run.stdout), expected.expected);
      assert.equal(readFileSync(out, 'utf8'), `${expected.records.join('\n')}\n`);
      const usage = spawnSync(process.execPath, ['--import', 'tsx', 'examples/dmd-pipeline/generate.ts'], { cwd: repoRoot, encoding: 'utf8' });
      assert.equal(usage.status, 2);
      assert.match(usage.stderr, /usage: generate\.ts --out FILE/);
    } finally {
      await cleanup();
    }
  });
});
