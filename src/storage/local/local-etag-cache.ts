import type { BigIntStats } from 'node:fs';

interface Entry {
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  etag: string;
}

/**
 * Remembers the MD5 ETag of files by path, valid while the file's inode, size and mtime are
 * unchanged. Puts never modify a file in place (they rename a new inode over it), so a hit is
 * the hash of the current content. Bounded: the oldest entries are dropped first.
 */
export class LocalEtagCache {
  private readonly entries = new Map<string, Entry>();

  /** @param maxEntries entries kept before the oldest are evicted; default 100,000. */
  constructor(private readonly maxEntries = 100_000) {}

  /** The cached ETag of `path`, if `stats` still describe the file it was computed for. */
  get(path: string, stats: BigIntStats): string | undefined {
    const entry = this.entries.get(path);
    if (!entry) return undefined;
    if (entry.ino === stats.ino && entry.size === stats.size && entry.mtimeNs === stats.mtimeNs) return entry.etag;
    this.entries.delete(path);
    return undefined;
  }

  set(path: string, stats: BigIntStats, etag: string): void {
    this.entries.delete(path);
    this.entries.set(path, { ino: stats.ino, size: stats.size, mtimeNs: stats.mtimeNs, etag });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  delete(path: string): void {
    this.entries.delete(path);
  }
}
