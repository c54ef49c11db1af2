import type { Command } from 'commander';
import { formatColumnType } from '../../catalog/column-types.ts';
import { withPlatform } from '../context.ts';
import type { GlobalOptions } from '../context.ts';
import { formatBytes, formatTable } from '../output.ts';

/** `lakestack tables [DATABASE]`: tables with format, versions, files, rows and columns. */
export function registerTables(program: Command): void {
  program
    .command('tables [database]')
    .description('list catalog tables (with --columns: their columns)')
    .option('--columns', 'show each table\'s columns')
    .action(async (database: string | undefined, _o, cmd: Command) => {
      const options = cmd.optsWithGlobals<GlobalOptions & { columns?: boolean }>();
      await withPlatform(options, async (platform, out) => {
        const tables = await platform.catalog.listTables(database);
        const rows: { table: string; format: string; tableVersion: number; schemaVersion: number; files: number; rows: number; bytes: number; partitionedBy: string[]; path: string; columns: { name: string; type: string; nullable: boolean }[] }[] = [];
        for (const t of tables) {
          const files = await platform.catalog.listDataFiles(t.tableId);
          rows.push({
            table: `${t.database}.${t.name}`,
            format: t.format,
            tableVersion: t.tableVersion,
            schemaVersion: t.schemaVersion,
            files: files.length,
            rows: files.reduce((s, f) => s + f.recordCount, 0),
            bytes: files.reduce((s, f) => s + f.sizeBytes, 0),
            partitionedBy: t.partitionColumns,
            path: t.path,
            columns: t.columns.map((c) => ({ name: c.name, type: formatColumnType(c.type), nullable: c.nullable })),
          });
        }
        out.result(rows, () => {
          if (rows.length === 0) return out.line(database ? `no tables in ${database}` : 'no tables yet; run "lakestack dev" to create them');
          out.line(
            formatTable(
              ['table', 'format', 'version', 'schema', 'files', 'rows', 'size', 'partitioned by'],
              rows.map((r) => [r.table, r.format, r.tableVersion, r.schemaVersion, r.files, r.rows, formatBytes(r.bytes), r.partitionedBy.join(', ')]),
            ),
          );
          if (options.columns) {
            for (const r of rows) {
              out.line(`\n${r.table}`);
              for (const c of r.columns) out.line(`  ${c.name.padEnd(28)} ${c.type}${c.nullable ? '' : ' not null'}`);
            }
          }
        });
      });
    });
}
