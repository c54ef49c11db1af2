import { findProjectFile, loadProject } from '../config/index.ts';
import type { ResolvedProject } from '../config/index.ts';
import { createLogger } from '../observability/index.ts';
import { createLakestack } from '../runtime/create-lakestack.ts';
import type { Lakestack } from '../runtime/create-lakestack.ts';
import { createOutput } from './output.ts';
import type { Output } from './output.ts';

/** Options every command accepts. */
export interface GlobalOptions {
  project?: string;
  env?: string;
  stateDir?: string;
  json?: boolean;
  verbose?: boolean;
}

/** Loads the project the options point at (or the nearest one) for the chosen environment. */
export async function resolveProjectFromOptions(options: GlobalOptions): Promise<ResolvedProject> {
  const file = options.project ?? findProjectFile(process.cwd());
  return loadProject(file, { ...(options.env ? { environment: options.env } : {}), ...(options.stateDir ? { stateDir: options.stateDir } : {}) });
}

/**
 * Runs `fn` with the platform built for the project; closes it afterwards. Logs are readable
 * lines on a terminal and JSON otherwise; warnings only unless `--verbose`.
 */
export async function withPlatform<T>(options: GlobalOptions, fn: (platform: Lakestack, out: Output) => Promise<T>): Promise<T> {
  const project = await resolveProjectFromOptions(options);
  const logger = createLogger({ pretty: process.stderr.isTTY === true, level: options.verbose ? 'debug' : process.env.LAKESTACK_LOG_LEVEL ?? 'warn' });
  const platform = await createLakestack(project, { logger });
  try {
    return await fn(platform, createOutput(options.json ?? false));
  } finally {
    await platform.close();
  }
}
