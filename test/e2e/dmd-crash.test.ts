import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { DMD_TYPES, generateChangeStream, prng } from '../../examples/dmd-pipeline/generate.ts';
import { countsSql } from '../../examples/dmd-pipeline/demo.ts';
import type { Lakestack } from '../../src/runtime/create-lakestack.ts';
import { provision } from '../../src/runtime/provision.ts';
import { putChangeInput } from '../../src/runtime/put-change-input.ts';
import { repoRoot, tempDir } from '../support/paths.ts';
import { openBlueprint, queryRows } from '../support/platform.ts';

const KILLS = 20;
const MAX_RUNS = 60;

/** Runs the child worker; kills it with SIGKILL `killAfterMs` after it reports ready. */
function runChild(stateDir: string, killAfterMs: number | undefined): Promise<{ killed: boolean; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/delivery-child.ts', stateDir, '40', '2'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      if (killAfterMs !== undefined && d.toString().includes('ready')) {
        setTimeout(() => {
          if (child.exitCode === null) {
            killed = true;
            child.kill('SIGKILL');
          }
        }, killAfterMs);
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ killed, code, stderr }));
  });
}

describe('dmd-pipeline crash safety: SIGKILL at random points, then restart', () => {
  let platform: Lakestack;
  let cleanup: () => Promise<void>;
  let stateDir: string;

  before(async () => {
    const tmp = await tempDir('lakestack-crash-');
    cleanup = tmp.cleanup;
    stateDir = tmp.dir;
  });
  after(async () => {
    await platform?.close();
    await cleanup?.();
  });

  it(`keeps every record exactly once across ${KILLS}+ kills`, { timeout: 600_000 }, async () => {
    const generated = generateChangeStream({ seed: 11, records: 4000, days: 3 });
    const random = prng(20261123); // seeded: a failing run can be replayed
    const chunks = 30;
    const perChunk = Math.ceil(generated.records.length / chunks);
    const producer = await openBlueprint('dmd-pipeline', stateDir, (raw) => {
      (raw.pipelines as { delivery: { source: Record<string, unknown> } }).delivery.source.startingPosition = 'TRIM_HORIZON';
    });
    await provision(producer);

    let kills = 0;
    let runs = 0;
    let next = 0;
    while (kills < KILLS && runs < MAX_RUNS) {
      if (next < generated.records.length) {
        await putChangeInput(producer.streams, 'demand-changes', generated.records.slice(next, next + perChunk).join('\n'));
        next += perChunk;
      }
      const result = await runChild(stateDir, Math.floor(random() * 600));
      runs++;
      if (result.killed) kills++;
      else assert.equal(result.code, 0, `worker failed on its own:\n${result.stderr}`);
    }
    if (next < generated.records.length) await putChangeInput(producer.streams, 'demand-changes', generated.records.slice(next).join('\n'));
    await producer.close();
    assert.ok(kills >= KILLS, `only ${kills} kills landed mid-run in ${runs} runs`);

    const final = await runChild(stateDir, undefined);
    assert.equal(final.code, 0, final.stderr);

    platform = await openBlueprint('dmd-pipeline', stateDir);
    const database = platform.project.databases.dmd!.name;
    const rows = await queryRows(platform, countsSql(database));
    const got: Record<string, Record<string, number>> = {};
    for (const [type, day, n] of rows) (got[String(type)] ??= {})[String(day)] = Number(n);
    for (const type of DMD_TYPES) assert.deepEqual(got[type] ?? {}, generated.expected.perTypeDay[type], `exactly-once counts of ${type}`);

    const dup = await queryRows(
      platform,
      DMD_TYPES.map((t) => `SELECT '${t}' AS t, id, _sequence_number, count(*) AS n FROM ${database}.${t} GROUP BY ALL HAVING count(*) > 1`).join(' UNION ALL '),
    );
    assert.deepEqual(dup, [], 'no change record landed twice');

    const { objects } = await platform.store.list('data-pipeline/dead-letter/delivery/');
    const letters = new Set<string>();
    for (const o of objects) {
      for (const line of (await platform.store.get(o.key)).toString('utf8').trim().split('\n')) {
        const l = JSON.parse(line) as { shardId: string; sequenceNumber: string };
        letters.add(`${l.shardId}/${l.sequenceNumber}`);
      }
    }
    assert.equal(letters.size, generated.expected.malformed, 'every malformed record dead-lettered');
  });
});

