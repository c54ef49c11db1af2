import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { assertValidKey } from '../../storage/index.ts';
import { withPlatform } from '../context.ts';
import type { GlobalOptions } from '../context.ts';
import { usageError } from '../usage-error.ts';

/** `lakestack put FILE KEY`: copies a local file into the project's object store. */
export function registerPut(program: Command): void {
  program
    .command('put <file> <key>')
    .description('copy a local file into the object store at KEY (a key ending in "/" keeps the file name)')
    .action(async (file: string, keyArg: string, _o, cmd: Command) => {
      const options = cmd.optsWithGlobals<GlobalOptions>();
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) throw usageError(`${file} is not a readable file`);
      const key = keyArg.endsWith('/') ? `${keyArg}${basename(file)}` : keyArg;
      assertValidKey(key);
      await withPlatform(options, async (platform, out) => {
        const stored = await platform.store.put(key, await readFile(file));
        out.result(stored, () => out.line(`put ${file} -> ${platform.store.location}/${stored.key} (${stored.size} bytes, etag ${stored.etag})`));
      });
    });
}
