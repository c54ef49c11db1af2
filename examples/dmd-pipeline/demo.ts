/**
 * `lakestack demo dmd-pipeline`: generates a realistic DynamoDB change stream, puts it into the
 * embedded Kinesis-shaped stream, runs the delivery worker until idle, and queries per-type,
 * per-day counts with SQL, checking them against what the generator says must land.
 */
import type { DemoOptions } from '../../src/cli/commands/demo.ts';
import type { Output } from '../../src/cli/output.ts';
import { formatTable } from '../../src/cli/output.ts';
import { printProvisionReport } from '../../src/cli/commands/dev.ts';
import type { JsonValue } from '../../src/query/query-engine.ts';
import type { Lakestack } from '../../src/runtime/create-lakestack.ts';
import { PipelineRunner } from '../../src/runtime/pipeline-runner.ts';
import { provision } from '../../src/runtime/provision.ts';
import { putChangeInput } from '../../src/runtime/put-change-input.ts';
import { DMD_TYPES, generateChangeStream } from './generate.ts';

/** SQL giving, per type and partition date, the rows landed and how many are REMOVEs. */
export function countsSql(database: string): string {
  return DMD_TYPES.map(
    (type) => `SELECT '${type}' AS type, partition_date, count(*) AS records, count(*) FILTER (WHERE Op = 'D') AS removes FROM ${database}.${type} GROUP BY ALL`,
  )
    .join('\nUNION ALL\n')
    .concat('\nORDER BY type, partition_date');
}

export async function runDemo(platform: Lakestack, out: Output, options: DemoOptions): Promise<{ ok: boolean }> {
  const pipeline = platform.project.pipelines.delivery!;
  const stream = pipeline.source.stream;
  const database = platform.project.databases[pipeline.database]!.name;

  out.note(`dmd-pipeline demo — environment ${platform.project.environment}, state in ${platform.project.stateDir}`);
  const { report, pipelines } = await provision(platform);
  printProvisionReport(report, out);

  const generated = generateChangeStream({ seed: options.seed, records: options.records, days: options.days });
  const put = await putChangeInput(platform.streams, stream, generated.records.join('\n'));
  out.note(`generated ${generated.expected.total} change records over ${options.days} days and put ${put.put} into stream ${stream}`);

  const t0 = performance.now();
  const runner = new PipelineRunner(platform, pipelines[0]!, 'demo');
  await runner.runUntilIdle();
  const status = await runner.status();
  const seconds = (performance.now() - t0) / 1000;
  const c = status.counts;
  out.note(
    `delivered in ${seconds.toFixed(1)} s: in ${c.in} = written ${c.written} + filtered ${c.filtered} + dead-lettered ${c.deadLettered} (${c.files} Avro files, ${c.batches} batches)`,
  );

  const sql = countsSql(database);
  const execution = await platform.query.execute(sql, { workgroup: platform.workgroup() });
  const rows: JsonValue[][] = [];
  for await (const batch of execution.batches()) rows.push(...batch);
  const record = await execution.record;

  const mismatches: string[] = [];
  for (const type of DMD_TYPES) {
    for (const [day, n] of Object.entries(generated.expected.perTypeDay[type])) {
      const got = rows.find((r) => r[0] === type && r[1] === day)?.[2] ?? 0;
      if (got !== n) mismatches.push(`${type} ${day}: expected ${n}, got ${String(got)}`);
    }
  }
  const landed = rows.reduce((s, r) => s + Number(r[2]), 0);
  if (landed !== generated.expected.landed) mismatches.push(`total rows: expected ${generated.expected.landed}, got ${landed}`);
  if (c.deadLettered !== generated.expected.malformed) mismatches.push(`dead-lettered: expected ${generated.expected.malformed}, got ${c.deadLettered}`);
  if (c.filtered !== generated.expected.filtered) mismatches.push(`filtered: expected ${generated.expected.filtered}, got ${c.filtered}`);
  const ok = mismatches.length === 0;

  out.result({ counts: rows, pipeline: c, queryId: record.queryId, matchesGenerator: ok, mismatches }, () => {
    out.line(`\n${sql}\n`);
    out.line(formatTable(execution.columns.map((col) => col.name), rows));
    out.line(
      `\n${rows.length} type/day partitions, ${landed} rows, in ${Math.round(record.durationMs)} ms (query ${record.queryId}, scanned ${execution.stats.filesScanned} files)`,
    );
    out.line(ok ? 'counts match what the generator says must land ✔' : `MISMATCH with the generator:\n  ${mismatches.join('\n  ')}`);
    out.line(`dead letters: ${c.deadLettered} record(s) with reasons under ${pipeline.deadLetterPrefix}/delivery/`);
    out.line('\nexplore:');
    out.line(`  npx lakestack ${options.cliArgs} tables`);
    out.line(`  npx lakestack ${options.cliArgs} query "select status, count(*) from ${database}.sale group by all"`);
    out.line(`  npx lakestack ${options.cliArgs} snapshots ${database}.sale`);
    out.line(`  npx lakestack ${options.cliArgs} status`);
  });
  return { ok };
}
