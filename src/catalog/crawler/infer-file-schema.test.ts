import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DuckDbQueryEngine } from '../../query/duckdb/duckdb-query-engine.ts';
import type { QuerySession } from '../../query/query-engine.ts';
import { tempDir } from '../../../test/support/paths.ts';
import { formatColumnType } from '../column-types.ts';
import { inferFileSchema } from './infer-file-schema.ts';
import type { FileSchema } from './infer-file-schema.ts';

const spelled = (schema: FileSchema): string[] => schema.columns.map((c) => `${c.name} ${formatColumnType(c.type)}${c.nullable ? '' : ' not null'}`);

describe('inferFileSchema', () => {
  const engine = new DuckDbQueryEngine({ threads: 1 });
  let session: QuerySession;
  let dir: string;
  let cleanup: () => Promise<void>;

  before(async () => {
    ({ dir, cleanup } = await tempDir());
    session = await engine.openSession();
  });
  after(async () => {
    session.close();
    await engine.close();
    await cleanup();
  });

  it('reads CSV types over every row and counts nulls', async () => {
    const path = join(dir, 'a.csv');
    // the float arrives after many integer rows: a sampling reader would call it bigint
    const rows = Array.from({ length: 3000 }, (_, i) => `${i},name${i},${i},2024-01-0${(i % 9) + 1}`);
    rows.push('3000,,1.5,2024-02-01 10:00:00');
    await writeFile(path, `id,name,score,at\n${rows.join('\n')}\n`);
    const schema = await inferFileSchema(session, path, 'csv');
    assert.deepEqual(spelled(schema), ['id int64 not null', 'name varchar', 'score float64 not null', 'at timestamp not null']);
    assert.equal(schema.rowCount, 3001);
  });

  it('reads nested JSON lines into structs, lists and nullable fields', async () => {
    const path = join(dir, 'a.jsonl');
    await writeFile(path, ['{"id":1,"user":{"name":"a","tags":["x"]},"ok":true}', '{"id":2,"user":{"name":null,"tags":[]}}'].join('\n'));
    const schema = await inferFileSchema(session, path, 'jsonl');
    assert.deepEqual(spelled(schema), ['id int64 not null', 'user struct<name:varchar,tags:list<varchar>> not null', 'ok boolean']);
    const user = schema.columns[1]?.type;
    assert.ok(user?.kind === 'struct' && user.fields.every((f) => f.nullable));
  });

  it('reads Parquet types and nullability from the file metadata', async () => {
    const path = join(dir, 'a.parquet');
    await session.run(
      `COPY (SELECT i::INTEGER AS i, CASE WHEN i = 2 THEN NULL ELSE 'v' END AS v, {'a': i, 'b': [1.5]} AS st, MAP {'k': i} AS mp, ` +
        `1.25::DECIMAL(10,2) AS dec, TIMESTAMPTZ '2024-01-01 00:00:00+00' AS tz, i::UTINYINT AS u FROM range(3) t(i)) TO '${path}' (FORMAT parquet)`,
    );
    const schema = await inferFileSchema(session, path, 'parquet');
    assert.deepEqual(spelled(schema), [
      'i int32 not null',
      'v varchar',
      'st struct<a:int64,b:list<decimal(2,1)>> not null',
      'mp map<varchar,int64> not null',
      'dec decimal(10,2) not null',
      'tz timestamptz not null',
      'u uint8 not null',
    ]);
    assert.equal(schema.rowCount, 3);
  });

  it('treats every column of an empty file as nullable', async () => {
    const path = join(dir, 'empty.csv');
    await writeFile(path, 'a,b\n');
    const schema = await inferFileSchema(session, path, 'csv');
    assert.equal(schema.rowCount, 0);
    assert.ok(schema.columns.every((c) => c.nullable));
  });
});
