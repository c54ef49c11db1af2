import { join } from 'node:path';
import { loadProject, resolveProject } from '../../src/config/index.ts';
import type { ResolvedProject } from '../../src/config/index.ts';
import { silentLogger } from '../../src/observability/index.ts';
import type { JsonValue } from '../../src/query/query-engine.ts';
import { createLakestack } from '../../src/runtime/create-lakestack.ts';
import type { Lakestack } from '../../src/runtime/create-lakestack.ts';
import { repoRoot } from './paths.ts';

/** The project file of a blueprint in examples/. */
export function blueprintFile(name: string): string {
  return join(repoRoot, 'examples', name, 'lakestack.config.ts');
}

/**
 * Loads a blueprint with its state in `stateDir`, optionally patching the raw project first
 * (e.g. a smaller batch size), and builds the platform with a silent logger.
 */
export async function openBlueprint(
  name: string,
  stateDir: string,
  patch?: (raw: Record<string, unknown>) => void,
  environment?: string,
): Promise<Lakestack> {
  let project: ResolvedProject;
  if (patch) {
    const file = blueprintFile(name);
    const mod = (await import(file)) as { default: Record<string, unknown> };
    const raw = structuredClone(mod.default);
    patch(raw);
    project = resolveProject(raw, { rootDir: join(file, '..'), file, stateDir, ...(environment ? { environment } : {}) });
  } else {
    project = await loadProject(blueprintFile(name), { stateDir, ...(environment ? { environment } : {}) });
  }
  return createLakestack(project, { logger: silentLogger() });
}

/** Runs SQL through the platform's query layer and returns every row. */
export async function queryRows(platform: Lakestack, sql: string): Promise<JsonValue[][]> {
  const execution = await platform.query.execute(sql, { workgroup: platform.workgroup() });
  const rows: JsonValue[][] = [];
  for await (const batch of execution.batches()) rows.push(...batch);
  await execution.record;
  return rows;
}
