import type { Command } from 'commander';
import { vacuum } from '../../tables/index.ts';
import { withPlatform } from '../context.ts';
import type { GlobalOptions } from '../context.ts';
import { formatBytes } from '../output.ts';
import { usageError } from '../usage-error.ts';

/** `lakestack vacuum`: deletes data files no snapshot references, past a grace period. */
export function registerVacuum(program: Command): void {
  program
    .command('vacuum')
    .description('delete data files no snapshot references (retired by later commits, or orphaned by crashed writers) once older than the grace period')
    .option('--grace-hours <hours>', 'only files older than this (default: the project\'s vacuumGraceHours)')
    .option('--dry-run', 'list what would be deleted')
    .action(async (_o, cmd: Command) => {
      const options = cmd.optsWithGlobals<GlobalOptions & { graceHours?: string; dryRun?: boolean }>();
      const hours = options.graceHours === undefined ? undefined : Number(options.graceHours);
      if (hours !== undefined && !(hours >= 0)) throw usageError(`--grace-hours must be a number >= 0, got "${options.graceHours}"`);
      await withPlatform(options, async (platform, out) => {
        const graceMs = (hours ?? platform.project.vacuumGraceHours) * 3600_000;
        const report = await vacuum(platform.catalog, platform.store, { graceMs, dryRun: options.dryRun ?? false });
        if (!report.dryRun) await platform.binder.forget(report.retired);
        out.result(report, () => {
          const verb = report.dryRun ? 'would delete' : 'deleted';
          for (const f of report.retired) out.line(`${verb} retired ${f.path}`);
          for (const f of report.orphans) out.line(`${verb} orphan  ${f.path}`);
          out.line(`${verb} ${report.retired.length} retired and ${report.orphans.length} orphaned file(s), ${formatBytes(report.bytes)}`);
        });
      });
    });
}
