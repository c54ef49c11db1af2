import { join } from 'node:path';
import type { Command } from 'commander';
import { NotFoundError } from '../../errors.ts';
import { commitWithRetry, compactTable } from '../../tables/index.ts';
import type { CompactionPlan } from '../../tables/index.ts';
import { withPlatform } from '../context.ts';
import type { GlobalOptions } from '../context.ts';
import { usageError } from '../usage-error.ts';

/** `lakestack compact [DATABASE.TABLE]`: rewrites small Parquet files per partition into one. */
export function registerCompact(program: Command): void {
  program
    .command('compact [table]')
    .description('rewrite each partition\'s small Parquet files into one file (every Parquet table, or one); Avro tables are left as landed')
    .option('--small-mb <mb>', 'files below this size are compacted', '32')
    .option('--min-files <n>', 'compact a partition only with at least this many small files', '4')
    .action(async (name: string | undefined, _o, cmd: Command) => {
      const options = cmd.optsWithGlobals<GlobalOptions & { smallMb: string; minFiles: string }>();
      const smallMb = Number(options.smallMb);
      const minFiles = Number(options.minFiles);
      if (!(smallMb > 0)) throw usageError(`--small-mb must be a positive number, got "${options.smallMb}"`);
      if (!(Number.isInteger(minFiles) && minFiles >= 2)) throw usageError(`--min-files must be an integer >= 2, got "${options.minFiles}"`);
      await withPlatform(options, async (platform, out) => {
        let tables = await platform.catalog.listTables();
        if (name) {
          tables = tables.filter((t) => `${t.database}.${t.name}` === name);
          if (tables.length === 0) throw new NotFoundError('TABLE_NOT_FOUND', `table ${name} does not exist; "lakestack tables" lists the tables`);
        }
        const deps = { engine: platform.engine, store: platform.store, catalog: platform.catalog, binder: platform.binder, scratchDir: join(platform.cacheDir, 'scratch') };
        const results: { table: string; format: string; partitions: CompactionPlan['partitions'] }[] = [];
        for (const table of tables) {
          const plan = await compactTable(deps, table, { smallFileBytes: smallMb * 1024 * 1024, minFiles, namePrefix: 'compacted' });
          if (plan.remove.length > 0) {
            await commitWithRetry(platform.catalog, {
              author: 'lakestack compact',
              message: `compacted ${plan.remove.length} files of ${table.database}.${table.name} into ${plan.add.length}`,
              tables: [{ tableId: table.tableId, add: plan.add, remove: plan.remove }],
            });
          }
          results.push({ table: `${table.database}.${table.name}`, format: table.format, partitions: plan.partitions });
        }
        out.result(results, () => {
          for (const r of results) {
            if (r.format !== 'parquet') out.line(`${r.table}: ${r.format} table, left as landed`);
            else if (r.partitions.length === 0) out.line(`${r.table}: nothing to compact`);
            else for (const p of r.partitions) out.line(`${r.table} ${JSON.stringify(p.values)}: ${p.filesBefore} files -> ${p.filesAfter} (${p.rows} rows)`);
          }
        });
      });
    });
}
