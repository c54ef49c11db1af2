import { existsSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { loadProject } from '../../config/index.ts';
import { createLogger } from '../../observability/index.ts';
import { createLakestack } from '../../runtime/create-lakestack.ts';
import type { Lakestack } from '../../runtime/create-lakestack.ts';
import type { GlobalOptions } from '../context.ts';
import { createOutput } from '../output.ts';
import type { Output } from '../output.ts';
import { usageError } from '../usage-error.ts';

/** What a blueprint's `demo.ts` exports. */
export interface DemoModule {
  runDemo(platform: Lakestack, out: Output, options: DemoOptions): Promise<{ ok: boolean }>;
}

export interface DemoOptions {
  records: number;
  days: number;
  seed: number;
  /** How to point later commands at this demo's state, e.g. `--project … --state-dir …`. */
  cliArgs: string;
}

const examplesDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../examples');

function demoNames(): string[] {
  return readdirSync(examplesDir).filter((d) => existsSync(join(examplesDir, d, 'demo.ts'))).sort();
}

/** `lakestack demo NAME`: runs a blueprint end to end on embedded defaults in a fresh state folder. */
export function registerDemo(program: Command): void {
  program
    .command('demo <blueprint>')
    .description('run a blueprint from examples/ end to end on embedded engines, in a fresh state folder')
    .option('--records <n>', 'change records to generate', '5000')
    .option('--days <n>', 'days the generated stream spans', '4')
    .option('--seed <n>', 'generator seed', '42')
    .option('--keep', 'keep the state folder of an earlier run instead of starting fresh')
    .action(async (name: string, _o, cmd: Command) => {
      const options = cmd.optsWithGlobals<GlobalOptions & { records: string; days: string; seed: string; keep?: boolean }>();
      const names = demoNames();
      if (!names.includes(name)) throw usageError(`no blueprint "${name}"; available: ${names.join(', ')}`);
      const [records, days, seed] = [Number(options.records), Number(options.days), Number(options.seed)];
      if (!(Number.isInteger(records) && records > 0)) throw usageError(`--records must be a positive integer, got "${options.records}"`);
      if (!(Number.isInteger(days) && days > 0)) throw usageError(`--days must be a positive integer, got "${options.days}"`);

      const projectFile = join(examplesDir, name, 'lakestack.config.ts');
      const stateDir = resolve(options.stateDir ?? join('.lakestack', 'demo', name));
      if (!options.keep) await rm(stateDir, { recursive: true, force: true });
      const project = await loadProject(projectFile, { stateDir, ...(options.env ? { environment: options.env } : {}) });
      const out = createOutput(options.json ?? false);
      const logger = createLogger({ pretty: process.stderr.isTTY === true, level: options.verbose ? 'debug' : 'error' });
      const platform = await createLakestack(project, { logger });
      try {
        const mod = (await import(pathToFileURL(join(examplesDir, name, 'demo.ts')).href)) as DemoModule;
        const cliArgs = `--project ${relative(process.cwd(), projectFile)} --state-dir ${relative(process.cwd(), stateDir)}`;
        const { ok } = await mod.runDemo(platform, out, { records, days, seed: Number.isFinite(seed) ? seed : 42, cliArgs });
        if (!ok) process.exitCode = 1;
      } finally {
        await platform.close();
      }
    });
}
