import type { Command } from 'commander';
import { provision } from '../../runtime/provision.ts';
import type { ProvisionReport } from '../../runtime/provision.ts';
import { PipelineRunner } from '../../runtime/pipeline-runner.ts';
import { withPlatform } from '../context.ts';
import type { GlobalOptions } from '../context.ts';
import type { Output } from '../output.ts';

/** Prints what provisioning changed: created tables, schema evolutions and recreations, with reasons. */
export function printProvisionReport(report: ProvisionReport, out: Output): void {
  for (const db of report.databases) if (db.created) out.note(`created database ${db.name}`);
  for (const t of report.tables) {
    if (t.action === 'created') out.note(`created table ${t.table}`);
    if (t.action === 'evolved') out.note(`evolved table ${t.table} to schema version ${t.schemaVersion} (compatible change): ${t.changes.join('; ')}`);
    if (t.action === 'recreated') {
      out.note(
        `recreated table ${t.table} as table version ${t.tableVersion} (incompatible change): ${t.changes.join('; ')}. ` +
          'The previous version\'s files stay readable with AT (VERSION => n) until vacuum removes them after the grace period.',
      );
    }
  }
  for (const p of report.initialPositions) out.note(`pipeline ${p.pipeline} starts at LATEST on ${p.shard} (after sequence ${p.position || 'none'})`);
}

/** `lakestack dev`: runs every source and pipeline of the project with live counters. */
export function registerDev(program: Command): void {
  program
    .command('dev')
    .description('run the project locally: provision streams and tables, then consume and deliver continuously (Ctrl-C stops)')
    .option('--until-idle', 'process what is pending, print a summary and exit')
    .option('--poll-ms <ms>', 'pause between polls of a caught-up stream', '500')
    .action(async (_o, cmd: Command) => {
      const options = cmd.optsWithGlobals<GlobalOptions & { untilIdle?: boolean; pollMs: string }>();
      await withPlatform(options, async (platform, out) => {
        const { report, pipelines } = await provision(platform);
        printProvisionReport(report, out);
        const runners = pipelines.map((p) => new PipelineRunner(platform, p, options.untilIdle ? 'dev --until-idle' : 'dev', { pollIntervalMs: Number(options.pollMs) || 500 }));
        if (runners.length === 0) out.note('the project declares no pipelines; nothing to run');

        const line = async () => {
          const parts = [];
          for (const r of runners) {
            const s = await r.status();
            const behind = s.lag.reduce((sum, l) => sum + l.recordsBehind, 0);
            parts.push(`${s.pipeline}: in ${s.counts.in} · written ${s.counts.written} · filtered ${s.counts.filtered} · dead-lettered ${s.counts.deadLettered} · ${s.counts.batches} batches · lag ${behind}${s.lastError ? ` · last error: ${s.lastError}` : ''}`);
          }
          return parts.join('\n');
        };

        if (options.untilIdle) {
          const ticker = process.stderr.isTTY ? setInterval(() => void line().then((l) => process.stderr.write(`\r${l}`)), 500) : undefined;
          try {
            await Promise.all(runners.map((r) => r.runUntilIdle()));
          } finally {
            if (ticker) clearInterval(ticker);
          }
          const statuses = await Promise.all(runners.map((r) => r.status()));
          out.result(statuses, () => {
            if (process.stderr.isTTY) process.stderr.write('\n');
            for (const s of statuses) {
              out.line(`${s.pipeline}: in ${s.counts.in} = written ${s.counts.written} + filtered ${s.counts.filtered} + dead-lettered ${s.counts.deadLettered} (${s.counts.files} files, ${s.counts.batches} batches)`);
            }
          });
          return;
        }

        for (const r of runners) await r.start();
        out.note(`running ${runners.map((r) => r.id).join(', ') || 'nothing'}; Ctrl-C stops`);
        await new Promise<void>((resolve) => {
          const timer = setInterval(() => void line().then((l) => (process.stderr.isTTY ? process.stderr.write(`\r${l}`) : out.note(l))), process.stderr.isTTY ? 1000 : 10000);
          const stop = () => {
            clearInterval(timer);
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            resolve();
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
        out.note('\nstopping: batches in flight finish and commit');
        await Promise.all(runners.map((r) => r.stop()));
      });
    });
}
