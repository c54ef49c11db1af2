import { Command, CommanderError } from 'commander';
import { LakestackError, ValidationError } from '../errors.ts';
import { registerCompact } from './commands/compact.ts';
import { registerCrawl } from './commands/crawl.ts';
import { registerDemo } from './commands/demo.ts';
import { registerDescribe } from './commands/describe.ts';
import { registerDev } from './commands/dev.ts';
import { registerEvents } from './commands/events.ts';
import { registerInit } from './commands/init.ts';
import { registerPut } from './commands/put.ts';
import { registerQueries } from './commands/queries.ts';
import { registerQuery } from './commands/query.ts';
import { registerSnapshots } from './commands/snapshots.ts';
import { registerStatus } from './commands/status.ts';
import { registerStream } from './commands/stream.ts';
import { registerTables } from './commands/tables.ts';
import { registerVacuum } from './commands/vacuum.ts';

/** Exit codes: 0 ok, 1 the operation failed, 2 the command line was wrong. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Builds the `lakestack` command tree (exported for tests and help generation). */
export function buildProgram(): Command {
  const program = new Command('lakestack')
    .description('A data lakehouse on your machine: streams, tables and SQL from one project file.')
    .option('-p, --project <file>', 'project file (default: nearest lakestack.config.ts)')
    .option('-e, --env <name>', 'environment overlay to apply (default: the project\'s defaultEnvironment)')
    .option('--state-dir <dir>', 'local state folder (default: the project\'s stateDir, .lakestack/<env>)')
    .option('--json', 'machine-readable JSON output')
    .option('-v, --verbose', 'debug logs on stderr')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of [
    registerInit,
    registerDev,
    registerStream,
    registerPut,
    registerEvents,
    registerQuery,
    registerQueries,
    registerTables,
    registerDescribe,
    registerSnapshots,
    registerVacuum,
    registerCompact,
    registerCrawl,
    registerStatus,
    registerDemo,
  ]) {
    register(program);
  }
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/** Runs the CLI; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT_OK;
      return EXIT_USAGE;
    }
    const json = argv.includes('--json');
    if (err instanceof LakestackError) {
      if (json) process.stdout.write(`${JSON.stringify({ error: err.toJSON() }, null, 2)}\n`);
      else process.stderr.write(`error: ${err.message}\n`);
      return err instanceof ValidationError && err.code === 'CLI_USAGE' ? EXIT_USAGE : EXIT_FAILED;
    }
    process.stderr.write(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return EXIT_FAILED;
  }
}
