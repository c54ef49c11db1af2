import { createHash, randomUUID } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import { link, lstat, mkdir, open, readFile, rename, rmdir, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { ValidationError } from '../../errors.ts';
import { md5Etag, toBytes } from '../md5-etag.ts';
import { assertValidKey, assertValidPrefix, compareKeys } from '../object-key.ts';
import type { ListOptions, ListResult, LocalFileAccess, ObjectInfo, ObjectStore, ObjectStoreCapabilities, PutOptions } from '../object-store.ts';
import { selectListing } from '../select-listing.ts';
import { objectAlreadyExists, objectNotFound } from '../storage-errors.ts';
import { LocalEtagCache } from './local-etag-cache.ts';
import { fsErrorCode, keyCollision, translateFsError } from './local-fs-errors.ts';
import { walkKeys } from './local-key-walk.ts';

/** Folder under the root where puts stage their bytes; never listed, keys may not use it. */
export const LOCAL_TEMP_DIR = '.tmp';

const SKIP_TOP = new Set([LOCAL_TEMP_DIR]);
const PLACE_ATTEMPTS = 10;
const INFO_CONCURRENCY = 16;

export interface LocalObjectStoreOptions {
  /** Directory holding the objects (created on first put); key `a/b` is the file `<root>/a/b`. */
  root: string;
}

function infoFrom(key: string, stats: BigIntStats, etag: string): ObjectInfo {
  return { key, size: Number(stats.size), etag, lastModified: new Date(Number(stats.mtimeMs)) };
}

/** Streams the open file through MD5. */
async function hashHandle(handle: FileHandle): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of handle.createReadStream({ autoClose: false, start: 0 })) hash.update(chunk as Buffer);
  return `"${hash.digest('hex')}"`;
}

/** fsync a directory so a rename or link inside it survives a power loss (no-op where unsupported). */
async function syncDir(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (err) {
    // ENOENT: a concurrent delete already pruned the folder, so there is nothing left to persist
    if (!['ENOENT', 'EINVAL', 'EPERM', 'EISDIR', 'ENOTSUP'].includes(fsErrorCode(err) ?? '')) throw err;
  } finally {
    await handle?.close();
  }
}

/**
 * Objects as plain files under a root directory: the embedded default, and a path DuckDB can
 * read directly (`localPath`). Puts are atomic (temp file in `<root>/.tmp`, fsync, rename,
 * fsync the folder) and `ifNoneMatch: '*'` is exact (link() fails when the key exists).
 * ETags are the MD5 of the content; files written by other processes are hashed on first
 * head()/list() and cached while unchanged.
 *
 * A filesystem cannot hold both `a` and `a/b`: such a put fails with `STORAGE_KEY_COLLISION`.
 */
export class LocalObjectStore implements ObjectStore, LocalFileAccess {
  readonly kind = 'local';
  readonly location: string;
  readonly capabilities: ObjectStoreCapabilities = Object.freeze({ atomicPut: true, conditionalPut: true });

  private readonly root: string;
  private readonly tempDir: string;
  private readonly etags = new LocalEtagCache();

  constructor(options: LocalObjectStoreOptions) {
    this.root = resolve(options.root);
    this.location = this.root;
    this.tempDir = join(this.root, LOCAL_TEMP_DIR);
  }

  localPath(key: string): string {
    this.assertKey(key);
    return join(this.root, key);
  }

  async put(key: string, body: Uint8Array | string, options: PutOptions = {}): Promise<ObjectInfo> {
    const target = this.localPath(key);
    const bytes = toBytes(body);
    const etag = md5Etag(bytes);
    const temp = join(this.tempDir, `${randomUUID()}.part`);
    try {
      await mkdir(this.tempDir, { recursive: true });
      const stats = await this.writeDurably(temp, bytes);
      await this.place(temp, target, key, options.ifNoneMatch === '*');
      // stats are the temp file's: the same inode now sits at `target`, even if a later put replaced it since
      this.etags.set(target, stats, etag);
      return infoFrom(key, stats, etag);
    } catch (err) {
      await unlink(temp).catch(() => undefined);
      throw translateFsError(err, 'put', key, this.location);
    }
  }

  async get(key: string): Promise<Buffer> {
    const path = this.localPath(key);
    try {
      return await readFile(path);
    } catch (err) {
      if (['ENOENT', 'ENOTDIR', 'EISDIR'].includes(fsErrorCode(err) ?? '')) throw objectNotFound(key, this.location, err);
      throw translateFsError(err, 'get', key, this.location);
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const path = this.localPath(key);
    try {
      return await this.infoOf(key, path);
    } catch (err) {
      throw translateFsError(err, 'head', key, this.location);
    }
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    assertValidPrefix(prefix);
    try {
      const walk = await walkKeys(this.root, prefix, options, SKIP_TOP);
      const listing = selectListing(walk.keys, prefix, options);
      const infos: (ObjectInfo | undefined)[] = new Array(listing.keys.length);
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < listing.keys.length) {
          const i = next++;
          const key = listing.keys[i]!;
          infos[i] = await this.infoOf(key, join(this.root, key));
        }
      };
      await Promise.all(Array.from({ length: Math.min(INFO_CONCURRENCY, listing.keys.length) }, worker));
      const prefixes = walk.prefixes.length === 0 ? listing.prefixes : [...new Set([...listing.prefixes, ...walk.prefixes])].sort(compareKeys);
      // a file deleted between the walk and its stat is simply gone
      return { objects: infos.filter((info): info is ObjectInfo => info !== undefined), prefixes };
    } catch (err) {
      throw translateFsError(err, 'list', prefix, this.location);
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.localPath(key);
    try {
      await unlink(path);
    } catch (err) {
      // absent, or a folder of other keys: either way there is no object to remove
      if (['ENOENT', 'ENOTDIR', 'EISDIR', 'EPERM'].includes(fsErrorCode(err) ?? '')) return;
      throw translateFsError(err, 'delete', key, this.location);
    } finally {
      this.etags.delete(path);
    }
    await this.pruneEmptyFolders(dirname(path));
  }

  async close(): Promise<void> {}

  private assertKey(key: string): void {
    assertValidKey(key);
    if (key === LOCAL_TEMP_DIR || key.startsWith(`${LOCAL_TEMP_DIR}/`)) {
      throw new ValidationError(
        'STORAGE_INVALID_KEY',
        `object key "${key}" is invalid: the local store reserves "${LOCAL_TEMP_DIR}/" for in-flight writes; choose another top-level folder`,
        { fields: { key, rule: 'reserved' } },
      );
    }
  }

  /** Writes `bytes` to a new file and fsyncs it; returns the file's stats. */
  private async writeDurably(path: string, bytes: Buffer): Promise<BigIntStats> {
    const handle = await open(path, 'wx', 0o644);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
      return await handle.stat({ bigint: true });
    } finally {
      await handle.close();
    }
  }

  /** Moves the synced temp file to `target` (exclusively when asked), then fsyncs the folders it touched. */
  private async place(temp: string, target: string, key: string, exclusive: boolean): Promise<void> {
    const folder = dirname(target);
    for (let attempt = 1; ; attempt++) {
      let created: string | undefined;
      try {
        created = await mkdir(folder, { recursive: true });
      } catch (err) {
        const code = fsErrorCode(err);
        // a concurrent delete() pruned a folder mkdir had just made: make it again
        if (code === 'ENOENT' && attempt < PLACE_ATTEMPTS) continue;
        if (code === 'EEXIST' || code === 'ENOTDIR') throw keyCollision(key, this.location, 'a folder on its path is an object', err);
        throw err;
      }
      try {
        if (exclusive) {
          await link(temp, target); // fails with EEXIST when the key exists: exactly one concurrent put wins
          await unlink(temp);
        } else {
          await rename(temp, target);
        }
      } catch (err) {
        const code = fsErrorCode(err);
        // a concurrent delete() pruned the now-empty folder between mkdir and rename: make it again
        if (code === 'ENOENT' && attempt < PLACE_ATTEMPTS) continue;
        if (code === 'EEXIST' && exclusive) {
          const existing = await lstat(target).catch(() => undefined);
          if (existing?.isDirectory()) throw keyCollision(key, this.location, 'it is a folder of other objects', err);
          throw objectAlreadyExists(key, this.location, err);
        }
        if (code === 'EISDIR' || code === 'ENOTEMPTY' || code === 'EEXIST') throw keyCollision(key, this.location, 'it is a folder of other objects', err);
        throw err;
      }
      await this.syncFolders(folder, created);
      return;
    }
  }

  /** fsync `folder`, and when mkdir created folders, each of their parents too. */
  private async syncFolders(folder: string, firstCreated: string | undefined): Promise<void> {
    const dirs = [folder];
    if (firstCreated !== undefined) {
      const top = dirname(firstCreated);
      for (let dir = folder; dir !== top && dir !== this.root && dirname(dir) !== dir; ) {
        dir = dirname(dir);
        dirs.push(dir);
      }
    }
    for (const dir of dirs) await syncDir(dir);
  }

  /** Info of the regular file behind `key`, or undefined when there is none. */
  private async infoOf(key: string, path: string): Promise<ObjectInfo | undefined> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (err) {
      if (['ENOENT', 'ENOTDIR', 'EISDIR'].includes(fsErrorCode(err) ?? '')) return undefined;
      throw err;
    }
    try {
      // stats and hash come from one open handle, so they describe the same file even if a put replaces it meanwhile
      const stats = await handle.stat({ bigint: true });
      if (!stats.isFile()) return undefined;
      let etag = this.etags.get(path, stats);
      if (etag === undefined) {
        etag = await hashHandle(handle);
        this.etags.set(path, stats, etag);
      }
      return infoFrom(key, stats, etag);
    } finally {
      await handle.close();
    }
  }

  /** Removes folders left empty by a delete, up to (not including) the root; best-effort. */
  private async pruneEmptyFolders(start: string): Promise<void> {
    for (let dir = start; dir !== this.root && dir.startsWith(`${this.root}${sep}`); dir = dirname(dir)) {
      try {
        await rmdir(dir);
      } catch {
        return; // not empty (or already gone, or refused): stop here
      }
    }
  }
}
