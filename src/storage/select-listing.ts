import { compareKeys } from './object-key.ts';
import type { ListOptions } from './object-store.ts';

/** Keys and common prefixes a list() call returns, before adapters attach object info. */
export interface Listing {
  keys: string[];
  prefixes: string[];
}

/**
 * Applies S3 ListObjectsV2 semantics to a set of keys: keep keys starting with `prefix` and
 * strictly after `startAfter`; with a delimiter, roll every key whose remainder (after the
 * prefix) contains it up into the common prefix ending at its first occurrence. Output is
 * sorted with `compareKeys` (UTF-8 byte order); input order does not matter.
 */
export function selectListing(keys: Iterable<string>, prefix: string, options: ListOptions = {}): Listing {
  const { startAfter } = options;
  const delimiter = options.delimiter === '' ? undefined : options.delimiter;
  const selected: string[] = [];
  const prefixes = new Set<string>();
  for (const key of keys) {
    if (!key.startsWith(prefix)) continue;
    if (startAfter !== undefined && compareKeys(key, startAfter) <= 0) continue;
    if (delimiter !== undefined) {
      const at = key.indexOf(delimiter, prefix.length);
      if (at !== -1) {
        prefixes.add(key.slice(0, at + delimiter.length));
        continue;
      }
    }
    selected.push(key);
  }
  return { keys: selected.sort(compareKeys), prefixes: [...prefixes].sort(compareKeys) };
}
