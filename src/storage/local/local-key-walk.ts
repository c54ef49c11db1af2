import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { assertValidKey, compareKeys } from '../object-key.ts';
import type { ListOptions } from '../object-store.ts';
import { fsErrorCode } from './local-fs-errors.ts';

/** Keys found under a prefix, plus common prefixes whose folders were not descended into. */
export interface KeyWalk {
  keys: string[];
  prefixes: string[];
}

/** Entries of a directory; an absent directory (or a file in its place) is empty. */
async function entriesOf(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (err) {
    const code = fsErrorCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw err;
  }
}

/** Whether `name` can be a key segment: files the port cannot address are not objects. */
function isAddressable(key: string): boolean {
  try {
    assertValidKey(key);
    return true;
  } catch {
    return false;
  }
}

/** True when the folder holds at least one regular file, at any depth. */
async function holdsAnyFile(dir: string): Promise<boolean> {
  for (const entry of await entriesOf(dir)) {
    if (entry.isFile()) return true;
    if (entry.isDirectory() && (await holdsAnyFile(join(dir, entry.name)))) return true;
  }
  return false;
}

/**
 * Walks the files under `root` whose keys start with `prefix`, starting at the deepest folder
 * the prefix names. `skipTop` names top-level entries that are not objects (the temp area).
 *
 * With a delimiter, a folder whose path past the prefix already contains the delimiter is not
 * walked: every key inside rolls up into the same common prefix, which is reported when the
 * folder holds a file and some key inside can sort after `startAfter`.
 */
export async function walkKeys(root: string, prefix: string, options: ListOptions, skipTop: ReadonlySet<string>): Promise<KeyWalk> {
  const { startAfter } = options;
  const delimiter = options.delimiter === '' ? undefined : options.delimiter;
  const keys: string[] = [];
  const prefixes: string[] = [];

  const visit = async (dirKey: string): Promise<void> => {
    for (const entry of await entriesOf(join(root, dirKey))) {
      if (dirKey === '' && skipTop.has(entry.name)) continue;
      const key = dirKey + entry.name;
      if (entry.isFile()) {
        if (key.startsWith(prefix) && isAddressable(key)) keys.push(key);
        continue;
      }
      if (!entry.isDirectory() || !isAddressable(key)) continue;
      const folder = `${key}/`;
      if (!folder.startsWith(prefix)) {
        if (prefix.startsWith(folder)) await visit(folder);
        continue;
      }
      const at = delimiter === undefined ? -1 : folder.indexOf(delimiter, prefix.length);
      if (at === -1 || delimiter === undefined) {
        await visit(folder);
      } else if (startAfter === undefined || compareKeys(startAfter, folder) < 0) {
        // every key inside sorts after `folder`, hence after `startAfter`
        if (await holdsAnyFile(join(root, folder))) prefixes.push(folder.slice(0, at + delimiter.length));
      } else if (startAfter.startsWith(folder)) {
        await visit(folder); // some keys inside may sort after startAfter: let selectListing decide
      }
      // else every key inside sorts before startAfter
    }
  };

  const start = prefix.slice(0, prefix.lastIndexOf('/') + 1);
  if (start !== '' && skipTop.has(start.slice(0, start.indexOf('/')))) return { keys, prefixes };
  await visit(start);
  return { keys, prefixes };
}
