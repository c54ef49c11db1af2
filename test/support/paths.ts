import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (the folder holding package.json). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * A folder of the shared conformance vectors (`../shared/conformance/<sub>` beside the clone,
 * or `$LAKESTACK_CONFORMANCE/<sub>`). Throws when absent: a suite never silently skips.
 */
export function conformanceDir(sub: string): string {
  const base = process.env.LAKESTACK_CONFORMANCE ?? resolve(repoRoot, '../shared/conformance');
  const dir = join(base, sub);
  if (!existsSync(dir)) {
    throw new Error(`conformance vectors not found at ${dir}; clone shared/ beside the repository or set LAKESTACK_CONFORMANCE`);
  }
  return dir;
}

/** A fresh temporary directory, removed by the returned cleanup. */
export async function tempDir(prefix = 'lakestack-test-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
