import type { Command } from 'commander';
import { crawlPrefix, formatCrawlReport, SCHEMA_CONTRACTS } from '../../catalog/index.ts';
import type { SchemaContract } from '../../catalog/index.ts';
import { withPlatform } from '../context.ts';
import type { GlobalOptions } from '../context.ts';
import { usageError } from '../usage-error.ts';

/** `lakestack crawl PREFIX DATABASE.TABLE`: infer a table's schema from the files under a prefix. */
export function registerCrawl(program: Command): void {
  program
    .command('crawl <prefix> <table>')
    .description('infer the schema of the CSV, JSON-lines or Parquet files under a prefix (types, nullability, Hive partitions) and create or update the catalog table')
    .option('--contract <contract>', `schema contract: ${SCHEMA_CONTRACTS.join('|')}`, 'evolve')
    .option('--dry-run', 'show the diff it would apply and change nothing')
    .action(async (prefix: string, name: string, _o, cmd: Command) => {
      const options = cmd.optsWithGlobals<GlobalOptions & { contract: string; dryRun?: boolean }>();
      if (!(SCHEMA_CONTRACTS as readonly string[]).includes(options.contract)) {
        throw usageError(`--contract must be one of ${SCHEMA_CONTRACTS.join(', ')}, got "${options.contract}"`);
      }
      const dot = name.indexOf('.');
      if (dot <= 0 || dot === name.length - 1) throw usageError(`name the table as DATABASE.TABLE, got "${name}"`);
      await withPlatform(options, async (platform, out) => {
        const result = await crawlPrefix({
          store: platform.store,
          engine: platform.engine,
          catalog: platform.catalog,
          prefix,
          database: name.slice(0, dot),
          table: name.slice(dot + 1),
          contract: options.contract as SchemaContract,
          dryRun: options.dryRun ?? false,
        });
        const { tableInfo: _table, ...report } = result;
        out.result(report, () => {
          for (const line of formatCrawlReport(name, result, options.dryRun ?? false)) out.line(line);
        });
        if (result.action === 'blocked') process.exitCode = 1;
      });
    });
}
