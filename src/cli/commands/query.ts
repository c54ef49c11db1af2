import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { JsonValue } from '../../query/query-engine.ts';
import { withPlatform } from '../context.ts';
import type { GlobalOptions } from '../context.ts';
import { csvLine } from '../../query/csv-writer.ts';
import { formatBytes, formatTable } from '../output.ts';
import { usageError } from '../usage-error.ts';

const FORMATS = ['table', 'csv', 'jsonl', 'parquet'] as const;
type Format = (typeof FORMATS)[number];

interface QueryOptions extends GlobalOptions {
  format: string;
  output?: string;
  workgroup?: string;
  file?: string;
  maxRows: string;
}

/** `lakestack query "SQL"`: runs SQL over the lakehouse's current (or AT) snapshot. */
export function registerQuery(program: Command): void {
  program
    .command('query [sql]')
    .description('run SQL over catalog tables (database.table; AT (VERSION => n) for time travel); rows stream to stdout')
    .option('-f, --format <format>', `output format: ${FORMATS.join('|')}`, 'table')
    .option('-o, --output <file>', 'write the result to a file (required for parquet)')
    .option('--file <sqlfile>', 'read the SQL from a file')
    .option('-w, --workgroup <name>', 'workgroup whose result location keeps the result')
    .option('--max-rows <n>', 'rows shown by the table format', '1000')
    .addHelpText('after', '\nExample:\n  lakestack query "select type, partition_date, count(*) from prd3292_dev1_dmnd_pipeline.sale group by all"')
    .action(async (sqlArg: string | undefined, _o, cmd: Command) => {
      const options = cmd.optsWithGlobals<QueryOptions>();
      const format = options.format as Format;
      if (!FORMATS.includes(format)) throw usageError(`--format must be one of ${FORMATS.join(', ')}, got "${options.format}"`);
      if (format === 'parquet' && !options.output) throw usageError('--format parquet needs --output FILE');
      const sql = options.file ? await readFile(options.file, 'utf8') : sqlArg;
      if (!sql || !sql.trim()) throw usageError('give the SQL as an argument or with --file');
      const maxRows = Number(options.maxRows);

      await withPlatform(options, async (platform, out) => {
        const workgroup = platform.workgroup(options.workgroup);
        const firstDb = Object.values(platform.project.databases)[0]?.name;
        const queryOptions = { workgroup, ...(firstDb ? { defaultDatabase: firstDb } : {}) };
        if (format === 'parquet') {
          const record = await platform.query.exportParquet(sql, queryOptions, resolve(options.output!), platform.cacheDir);
          out.result(record, () => out.note(`wrote ${record.rows} row(s) to ${options.output} (query ${record.queryId})`));
          return;
        }
        const execution = await platform.query.execute(sql, queryOptions);
        const names = execution.columns.map((c) => c.name);
        const write = options.output ? await openFileWriter(resolve(options.output)) : (s: string) => void process.stdout.write(s);
        const shown: JsonValue[][] = [];
        let rows = 0;
        if (format === 'csv') write(csvLine(names));
        for await (const batch of execution.batches()) {
          for (const row of batch) {
            rows++;
            if (format === 'csv') write(csvLine(row));
            else if (format === 'jsonl' || options.json) write(`${JSON.stringify(Object.fromEntries(names.map((n, i) => [n, row[i] ?? null])))}\n`);
            else if (shown.length < maxRows) shown.push(row);
          }
        }
        const record = await execution.record;
        if (format === 'table' && !options.json) {
          write(`${formatTable(names, shown)}\n`);
          if (rows > shown.length) write(`… ${rows - shown.length} more row(s); use --format csv or jsonl for all\n`);
        }
        if (options.output && 'close' in write) await (write as FileWriter).close();
        const s = execution.stats;
        out.note(
          `${rows} row(s) in ${Math.round(record.durationMs)} ms · scanned ${formatBytes(s.bytesScanned)} in ${s.filesScanned} file(s), ${s.filesPruned} pruned · snapshot ${s.snapshotId} · query ${record.queryId}`,
        );
      });
    });
}

type FileWriter = ((s: string) => void) & { close(): Promise<void> };

async function openFileWriter(path: string): Promise<FileWriter> {
  const { createWriteStream } = await import('node:fs');
  const stream = createWriteStream(path);
  const write = ((s: string) => void stream.write(s)) as FileWriter;
  write.close = () => new Promise<void>((res, rej) => stream.end((err?: Error | null) => (err ? rej(err) : res())));
  return write;
}
