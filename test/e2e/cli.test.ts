import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { repoRoot, tempDir } from '../support/paths.ts';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (bin/lakestack.mjs) in `cwd`. */
function cli(cwd: string, args: string[], input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin/lakestack.mjs'), ...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LAKESTACK_LOG_LEVEL: 'error' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

describe('lakestack CLI', () => {
  let dir: string;
  let cleanup: () => Promise<void>;

  before(async () => {
    const tmp = await tempDir('lakestack-cli-');
    cleanup = tmp.cleanup;
    // the scaffolded project imports 'lakestack', as it would after `npm install lakestack`
    await mkdir(join(tmp.dir, 'node_modules'));
    await symlink(repoRoot, join(tmp.dir, 'node_modules', 'lakestack'));
    dir = join(tmp.dir, 'shop');
    const init = await cli(tmp.dir, ['init', 'shop']);
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stdout, /created project "shop"/);
  });
  after(() => cleanup?.());

  it('refuses to init over an existing project', async () => {
    const again = await cli(join(dir, '..'), ['init', 'shop']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists/);
  });

  it('describes the resolved project with names and tags', async () => {
    const r = await cli(dir, ['describe', '--json', '--env', 'prod']);
    assert.equal(r.code, 0, r.stderr);
    const d = JSON.parse(r.stdout);
    assert.equal(d.environment, 'prod');
    assert.equal(d.naming.resourceName, 'shop_prod');
    assert.deepEqual(d.tags, { Environment: 'prod', Owner: 'data-team' });
    assert.ok(d.resources.some((x: { kind: string; name: string }) => x.kind === 'database' && x.name === 'shop_prod'));
  });

  it('puts a Lambda DynamoDB event, a Kinesis event and JSON lines, delivers them and queries them', async () => {
    const sample = JSON.parse(await readFile(join(dir, 'events/sample.json'), 'utf8'));
    const record = sample.Records[0];
    const second = structuredClone(record);
    second.dynamodb.NewImage.id = { S: 's-2' };
    second.dynamodb.Keys.id = { S: 's-2' };
    second.dynamodb.NewImage.total_amount = { N: '1234567890.99' };
    const kinesisRecord = {
      awsRegion: 'us-east-1',
      eventID: 'k-1',
      eventName: 'MODIFY',
      recordFormat: 'application/json',
      tableName: 'sales',
      eventSource: 'aws:dynamodb',
      dynamodb: { ApproximateCreationDateTime: 1714644000000, Keys: { id: { S: 's-1' } }, NewImage: { ...record.dynamodb.NewImage, status: { S: 'PAID' } }, SizeBytes: 100 },
    };
    const kinesisEvent = {
      Records: [{ kinesis: { partitionKey: 's-1', data: Buffer.from(JSON.stringify(kinesisRecord)).toString('base64'), sequenceNumber: '1', approximateArrivalTimestamp: 1714644000.5, kinesisSchemaVersion: '1.0' }, eventSource: 'aws:kinesis', eventName: 'aws:kinesis:record' }],
    };
    await writeFile(join(dir, 'kinesis.json'), JSON.stringify(kinesisEvent));
    await writeFile(join(dir, 'lines.jsonl'), `${JSON.stringify(second)}\n{not json\n`);

    for (const file of ['events/sample.json', 'kinesis.json', 'lines.jsonl']) {
      const put = await cli(dir, ['stream', 'put', '--stream', 'changes', '--file', file, '--json']);
      assert.equal(put.code, 0, put.stderr);
    }
    const dev = await cli(dir, ['dev', '--until-idle', '--json']);
    assert.equal(dev.code, 0, dev.stderr);
    const [status] = JSON.parse(dev.stdout);
    assert.deepEqual({ ...status.counts, batches: 0 }, { in: 4, written: 3, filtered: 0, deadLettered: 1, files: status.counts.files, batches: 0 });

    const q = await cli(dir, ['query', 'select id, Op, status, total_amount from shop_dev.sale order by _event_time', '--format', 'jsonl']);
    assert.equal(q.code, 0, q.stderr);
    const rows = q.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(
      rows.map((r) => `${r.id}/${r.Op}/${r.status}`).sort(),
      ['s-1/I/NEW', 's-1/U/PAID', 's-2/I/NEW'],
    );
    assert.ok(rows.some((r) => r.id === 's-1' && r.Op === 'U' && r.status === 'PAID'), 'Kinesis-wrapped MODIFY landed');
    assert.ok(rows.some((r) => r.id === 's-2' && String(r.total_amount) === '1234567890.99'), 'decimal kept exact');
    assert.match(q.stderr, /3 row\(s\)/);

    const csv = await cli(dir, ['query', 'select id from shop_dev.sale order by id, Op', '--format', 'csv']);
    assert.equal(csv.stdout, 'id\ns-1\ns-1\ns-2\n');

    const out = join(dir, 'out.parquet');
    const pq = await cli(dir, ['query', 'select id, total_amount from shop_dev.sale', '--format', 'parquet', '--output', out]);
    assert.equal(pq.code, 0, pq.stderr);
    const duck = await DuckDBInstance.create(':memory:');
    const conn = await duck.connect();
    const read = await conn.runAndReadAll(`select count(*)::INT AS n, max(total_amount)::VARCHAR AS m from '${out}'`);
    assert.deepEqual(read.getRowObjects(), [{ n: 3, m: '1234567890.99' }]);
    conn.closeSync();
    duck.closeSync();

    const queries = await cli(dir, ['queries', '--json']);
    assert.equal(JSON.parse(queries.stdout).length, 3);
    const tables = await cli(dir, ['tables', '--json']);
    const [table] = JSON.parse(tables.stdout);
    assert.equal(table.table, 'shop_dev.sale');
    assert.equal(table.rows, 3);
    const snaps = await cli(dir, ['snapshots', 'shop_dev.sale', '--json']);
    assert.ok(JSON.parse(snaps.stdout).length >= 2);
    const st = await cli(dir, ['status', '--json']);
    assert.equal(JSON.parse(st.stdout)[0].lastRun.counts.deadLettered, 1);
  });

  it('runs continuously with `dev`, delivers what arrives, and stops cleanly on SIGINT', async () => {
    const dev = spawn(process.execPath, [join(repoRoot, 'bin/lakestack.mjs'), 'dev', '--poll-ms', '100'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LAKESTACK_LOG_LEVEL: 'error' } });
    let stderr = '';
    dev.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => dev.on('exit', resolve));
    try {
      for (let i = 0; i < 100 && !stderr.includes('running'); i++) await new Promise((r) => setTimeout(r, 100));
      assert.match(stderr, /running sales/);
      const sample = JSON.parse(await readFile(join(dir, 'events/sample.json'), 'utf8'));
      sample.Records[0].dynamodb.NewImage.id = { S: 's-live' };
      sample.Records[0].dynamodb.Keys.id = { S: 's-live' };
      await writeFile(join(dir, 'live.json'), JSON.stringify(sample));
      assert.equal((await cli(dir, ['stream', 'put', '--stream', 'changes', '--file', 'live.json'])).code, 0);
      let count = 0;
      for (let i = 0; i < 100 && count === 0; i++) {
        await new Promise((r) => setTimeout(r, 200));
        const q = await cli(dir, ['query', "select count(*) from shop_dev.sale where id = 's-live'", '--format', 'csv']);
        count = Number(q.stdout.trim().split('\n')[1]);
      }
      assert.equal(count, 1, 'the running pipeline delivered the new record');
    } finally {
      dev.kill('SIGINT');
    }
    assert.equal(await exited, 0, stderr);
    const st = JSON.parse((await cli(dir, ['status', '--json'])).stdout);
    assert.equal(st[0].lastRun.status, 'SUCCEEDED');
    assert.equal(st[0].lastRun.counts.written, 1);
  });

  it('tests an EventBridge pattern against an event, like TestEventPattern', async () => {
    await writeFile(join(dir, 'pattern.json'), JSON.stringify({ source: ['aws.s3'], detail: { object: { key: [{ prefix: 'raw/' }] } } }));
    await writeFile(join(dir, 'event.json'), JSON.stringify({ source: 'aws.s3', 'detail-type': 'Object Created', detail: { object: { key: 'raw/a.csv' } } }));
    await writeFile(join(dir, 'other.json'), JSON.stringify({ source: 'aws.s3', detail: { object: { key: 'gold/a.csv' } } }));
    await writeFile(join(dir, 'bad.json'), JSON.stringify({ source: 'aws.s3' }));
    const yes = await cli(dir, ['events', 'test-pattern', '--pattern', 'pattern.json', '--event', 'event.json']);
    assert.deepEqual([yes.code, yes.stdout], [0, 'true\n']);
    const no = await cli(dir, ['events', 'test-pattern', '--pattern', 'pattern.json', '--event', 'other.json']);
    assert.deepEqual([no.code, no.stdout], [0, 'false\n']);
    const invalid = await cli(dir, ['events', 'test-pattern', '--pattern', 'bad.json', '--event', 'event.json']);
    assert.equal(invalid.code, 1);
    assert.match(invalid.stderr, /Event pattern is not valid/);
  });

  it('crawls CSV drops into a table, showing the diff first with --dry-run', async () => {
    await writeFile(join(dir, 'a.csv'), 'facility,score\nf1,10\nf2,12\n');
    await writeFile(join(dir, 'b.csv'), 'facility,score,state\nf1,10.5,CA\n');
    const put = await cli(dir, ['put', 'a.csv', 'landing/metrics/period=2024Q1/', '--json']);
    assert.equal(put.code, 0, put.stderr);
    assert.equal(JSON.parse(put.stdout).key, 'landing/metrics/period=2024Q1/a.csv');
    assert.equal((await cli(dir, ['put', 'b.csv', 'landing/metrics/period=2024Q2/b.csv'])).code, 0);
    assert.equal((await cli(dir, ['put', 'b.csv', '../escape.csv'])).code, 1, 'keys with .. are refused');
    const dry = await cli(dir, ['crawl', 'landing/metrics', 'shop_dev.metrics', '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /\+ column score float64/);
    assert.match(dry.stdout, /\+ column state varchar/);
    const none = await cli(dir, ['tables', 'shop_dev', '--json']);
    assert.ok(!JSON.parse(none.stdout).some((t: { table: string }) => t.table === 'shop_dev.metrics'), 'dry run changed nothing');
    const real = await cli(dir, ['crawl', 'landing/metrics', 'shop_dev.metrics', '--json']);
    assert.equal(real.code, 0, real.stderr);
    assert.deepEqual(JSON.parse(real.stdout).partitionColumns, ['period']);
    const tables = JSON.parse((await cli(dir, ['tables', 'shop_dev', '--columns', '--json'])).stdout);
    const metrics = tables.find((t: { table: string }) => t.table === 'shop_dev.metrics');
    assert.deepEqual(metrics.columns.map((c: { name: string; type: string }) => `${c.name}:${c.type}`).sort(), ['facility:varchar', 'period:varchar', 'score:float64', 'state:varchar']);
    assert.equal((await cli(dir, ['crawl', 'landing/metrics', 'shop_dev.metrics', '--contract', 'sometimes'])).code, 2);
  });

  it('exits 2 on usage errors and 1 with the field path on a bad project', async () => {
    assert.equal((await cli(dir, ['query', 'select 1', '--format', 'xml'])).code, 2);
    assert.equal((await cli(dir, ['no-such-command'])).code, 2);
    assert.equal((await cli(dir, ['snapshots', '--limit', 'zero'])).code, 2);
    const config = await readFile(join(dir, 'lakestack.config.ts'), 'utf8');
    await writeFile(join(dir, 'bad.config.ts'), config.replace('batchSize: 1000', 'batchSize: 20000'));
    const bad = await cli(dir, ['describe', '--project', 'bad.config.ts']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /pipelines\.sales\.source\.batchSize: .*10000/);
  });
});
