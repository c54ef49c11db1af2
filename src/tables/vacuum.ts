import type { MetadataStore } from '../catalog/metadata-store.ts';
import type { ObjectStore } from '../storage/object-store.ts';

export interface VacuumOptions {
  /** Only files older than this many milliseconds are touched (default 24 h). */
  graceMs: number;
  /** Report what would be deleted without deleting. */
  dryRun?: boolean;
  now?: Date;
  /** Extra prefixes to scan for orphans besides the live tables' paths. */
  extraPrefixes?: string[];
}

export interface VacuumReport {
  /** Files a snapshot removed (overwrite, compaction, dropped table) more than the grace period ago. */
  retired: { path: string; sizeBytes: number; tableId: number; dataFileId: number }[];
  /** Files under table paths that no snapshot ever referenced (crashed writers), past the grace period. */
  orphans: { path: string; sizeBytes: number }[];
  bytes: number;
  dryRun: boolean;
}

/**
 * Deletes data files no snapshot references any more, once older than the grace period. The
 * grace period protects writers that have written files but not yet committed them, and
 * readers still using an older snapshot.
 */
export async function vacuum(catalog: MetadataStore, store: ObjectStore, options: VacuumOptions): Promise<VacuumReport> {
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - options.graceMs);
  const dryRun = options.dryRun ?? false;

  const retiredFiles = await catalog.listRetiredFiles(cutoff);
  const retired = retiredFiles.map((f) => ({ path: f.path, sizeBytes: f.sizeBytes, tableId: f.tableId, dataFileId: f.dataFileId }));

  const known = await catalog.listKnownFilePaths();
  const prefixes = new Set<string>(options.extraPrefixes ?? []);
  for (const table of await catalog.listTables()) prefixes.add(table.path);
  const orphans: { path: string; sizeBytes: number }[] = [];
  for (const prefix of [...prefixes].sort()) {
    // a prefix nested in another one is covered by the outer listing
    if ([...prefixes].some((p) => p !== prefix && prefix.startsWith(p))) continue;
    const { objects } = await store.list(prefix);
    for (const obj of objects) {
      if (!known.has(obj.key) && obj.lastModified < cutoff) orphans.push({ path: obj.key, sizeBytes: obj.size });
    }
  }

  if (!dryRun) {
    for (const f of [...retired, ...orphans]) await store.delete(f.path);
    if (retiredFiles.length > 0) await catalog.forgetFiles(retiredFiles.map((f) => f.dataFileId));
  }
  const bytes = [...retired, ...orphans].reduce((sum, f) => sum + f.sizeBytes, 0);
  return { retired, orphans, bytes, dryRun };
}
