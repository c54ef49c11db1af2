import type { Command } from 'commander';
import { NotFoundError } from '../../errors.ts';
import { withPlatform } from '../context.ts';
import type { GlobalOptions } from '../context.ts';
import { formatTable } from '../output.ts';
import { usageError } from '../usage-error.ts';

/** `lakestack snapshots [DATABASE.TABLE]`: the commits that changed a table (or the catalog). */
export function registerSnapshots(program: Command): void {
  program
    .command('snapshots [table]')
    .description('list snapshots (commits) of a table, newest first; query one with AT (VERSION => n)')
    .option('-n, --limit <n>', 'how many', '20')
    .action(async (name: string | undefined, _o, cmd: Command) => {
      const options = cmd.optsWithGlobals<GlobalOptions & { limit: string }>();
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1) throw usageError(`--limit must be a positive integer, got "${options.limit}"`);
      await withPlatform(options, async (platform, out) => {
        let tableId: number | undefined;
        if (name) {
          const [database, table] = name.includes('.') ? [name.slice(0, name.indexOf('.')), name.slice(name.indexOf('.') + 1)] : [undefined, name];
          if (!database || !table) throw usageError(`name the table as DATABASE.TABLE, got "${name}"`);
          const info = await platform.catalog.getTable(database, table);
          if (!info) throw new NotFoundError('TABLE_NOT_FOUND', `table ${name} does not exist; "lakestack tables" lists the tables`);
          tableId = info.tableId;
        }
        const snapshots = await platform.catalog.listSnapshots({ limit, ...(tableId !== undefined ? { tableId } : {}) });
        out.result(snapshots, () => {
          out.line(
            formatTable(
              ['snapshot', 'time', 'changes', 'message'],
              snapshots.map((s) => [s.snapshotId, s.time.toISOString(), s.changes, s.message ?? '']),
            ),
          );
        });
      });
    });
}
