import type { Command } from 'commander';
import { withPlatform } from '../context.ts';
import type { GlobalOptions } from '../context.ts';
import { formatBytes, formatTable } from '../output.ts';

/** `lakestack queries`: query history (newest first). */
export function registerQueries(program: Command): void {
  program
    .command('queries')
    .description('list query history: id, status, rows, bytes scanned, duration')
    .option('-w, --workgroup <name>', 'only this workgroup')
    .option('-n, --limit <n>', 'how many', '20')
    .action(async (_o, cmd: Command) => {
      const options = cmd.optsWithGlobals<GlobalOptions & { workgroup?: string; limit: string }>();
      await withPlatform(options, async (platform, out) => {
        const list = await platform.catalog.listQueries({ limit: Number(options.limit) || 20, ...(options.workgroup ? { workgroup: options.workgroup } : {}) });
        out.result(list, () => {
          out.line(
            formatTable(
              ['query id', 'started', 'status', 'rows', 'scanned', 'ms', 'sql'],
              list.map((q) => [
                q.queryId,
                q.startedAt.toISOString(),
                q.status,
                q.rows,
                formatBytes(q.bytesScanned),
                Math.round(q.durationMs),
                q.sql.replace(/\s+/g, ' ').slice(0, 60),
              ]),
            ),
          );
        });
      });
    });
}
