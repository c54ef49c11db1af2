import { randomUUID } from 'node:crypto';
import { link, mkdir, open, readFile, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { TerminalError } from '../../errors.ts';

/** `<root>/<stream>/stream.json`: written once when the stream is created, never changed. */
export interface StreamManifest {
  formatVersion: 1;
  name: string;
  shardCount: number;
  createdAt: string;
}

/** File name of the manifest inside the stream's folder. */
export const MANIFEST_FILE = 'stream.json';

/** The manifest of the stream in `streamDir`, or undefined when the stream does not exist. */
export async function readManifest(streamDir: string): Promise<StreamManifest | undefined> {
  const path = join(streamDir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let parsed: Partial<StreamManifest> = {};
  try {
    parsed = JSON.parse(text) as Partial<StreamManifest>;
  } catch {
    // reported below as not a manifest
  }
  if (parsed.formatVersion !== 1 || typeof parsed.shardCount !== 'number' || typeof parsed.name !== 'string') {
    throw new TerminalError(
      'STREAM_SEGMENT_CORRUPT',
      `${path} is not a lakestack stream manifest of format version 1; restore it from a backup or remove the stream folder`,
      { fields: { path } },
    );
  }
  return parsed as StreamManifest;
}

/**
 * Publishes the manifest unless one exists, and returns whichever is in place. The file is
 * written and fsynced under a temporary name, then hard-linked into place: link() fails if the
 * name exists, so two processes creating the same stream agree on one manifest.
 */
export async function createManifest(streamDir: string, manifest: StreamManifest): Promise<StreamManifest> {
  await mkdir(streamDir, { recursive: true });
  const path = join(streamDir, MANIFEST_FILE);
  const temp = join(streamDir, `.${MANIFEST_FILE}.${randomUUID()}.tmp`);
  const fh = await open(temp, 'wx');
  try {
    await fh.writeFile(`${JSON.stringify(manifest, null, 2)}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await link(temp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await unlink(temp);
  }
  await fsyncDir(streamDir);
  await fsyncDir(dirname(streamDir));
  const existing = await readManifest(streamDir);
  if (!existing) throw new Error(`manifest ${path} vanished right after it was created`);
  return existing;
}

/** Makes a directory's entries (new files, renames) survive a crash. */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
