import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { matchesEventPattern } from '../../events/index.ts';
import type { GlobalOptions } from '../context.ts';
import { createOutput } from '../output.ts';
import { usageError } from '../usage-error.ts';

async function readJsonFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw usageError(`cannot read the ${what} file ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
}

/** `lakestack events …`: EventBridge-compatible event tools. */
export function registerEvents(program: Command): void {
  const events = program.command('events').description('EventBridge-compatible events: patterns');
  events
    .command('test-pattern')
    .description('print true or false: whether the event matches the EventBridge event pattern (like AWS TestEventPattern)')
    .requiredOption('--pattern <file>', 'event pattern JSON file')
    .requiredOption('--event <file>', 'event JSON file')
    .action(async (_o, cmd: Command) => {
      const options = cmd.optsWithGlobals<GlobalOptions & { pattern: string; event: string }>();
      const pattern = await readJsonFile(options.pattern, 'pattern');
      const event = await readJsonFile(options.event, 'event');
      const result = matchesEventPattern(pattern, event);
      const out = createOutput(options.json ?? false);
      out.result({ result }, () => out.line(String(result)));
    });
}
