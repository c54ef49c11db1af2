import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (the folder holding package.json). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Where the shared conformance vectors may be, in order of preference. */
function conformanceBases(): string[] {
  const bases = [process.env.LAKESTACK_CONFORMANCE, resolve(repoRoot, '../shared/conformance')];
  // a scratch clone of a local checkout (e.g. a fresh-clone check): shared/ sits beside its origin
  try {
    const origin = execFileSync('git', ['-C', repoRoot, 'remote', 'get-url', 'origin'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (isAbsolute(origin)) bases.push(resolve(origin, '../shared/conformance'));
  } catch {
    // not a git clone, or no origin: only the folders above count
  }
  return bases.filter((b): b is string => b !== undefined);
}

/**
 * A folder of the shared conformance vectors: `$LAKESTACK_CONFORMANCE/<sub>`, else
 * `../shared/conformance/<sub>` beside the clone (or beside the clone's local origin).
 * Throws when absent: a suite never silently skips.
 */
export function conformanceDir(sub: string): string {
  const bases = conformanceBases();
  const found = bases.map((b) => join(b, sub)).find((d) => existsSync(d));
  if (!found) {
    throw new Error(`conformance vectors "${sub}" not found in ${bases.join(', ')}; clone shared/ beside the repository or set LAKESTACK_CONFORMANCE`);
  }
  return found;
}

/** A fresh temporary directory, removed by the returned cleanup. */
export async function tempDir(prefix = 'lakestack-test-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
