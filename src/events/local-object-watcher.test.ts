import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, open, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { tempDir } from '../../test/support/paths.ts';
import { isLandingTempName, watchLandingDirectory } from './local-object-watcher.ts';
import type { LandingObject, LandingWatcher, WatchLandingDirectoryOptions } from './local-object-watcher.ts';

const STABLE_MS = 150;

interface Seen extends LandingObject {
  at: number;
}

async function withWatcher(
  options: Partial<WatchLandingDirectoryOptions> & { before?: (dir: string) => Promise<void> },
  body: (dir: string, seen: Seen[], watcher: LandingWatcher, errors: unknown[]) => Promise<void>,
): Promise<void> {
  const { dir, cleanup } = await tempDir('lakestack-landing-');
  const seen: Seen[] = [];
  const errors: unknown[] = [];
  await options.before?.(dir);
  const watcher = watchLandingDirectory({
    pollIntervalMs: 20,
    stableMs: STABLE_MS,
    onError: (err) => errors.push(err),
    ...options,
    dir,
    onObject: async (object) => {
      seen.push({ ...object, at: Date.now() });
      await options.onObject?.(object);
    },
  });
  try {
    await watcher.ready;
    await body(dir, seen, watcher, errors);
  } finally {
    await watcher.close();
    await cleanup();
  }
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

const md5 = (content: Buffer | string) => createHash('md5').update(content).digest('hex');

/** Copies `content` into `path` in chunks, pausing between them (shorter than the stable window). */
async function slowCopy(path: string, content: Buffer, chunks: number, pauseMs: number): Promise<number> {
  const handle = await open(path, 'w');
  try {
    const size = Math.ceil(content.length / chunks);
    for (let offset = 0; offset < content.length; offset += size) {
      await handle.write(content.subarray(offset, offset + size));
      await handle.sync();
      if (offset + size < content.length) await sleep(pauseMs);
    }
  } finally {
    await handle.close();
  }
  return Date.now();
}

describe('watchLandingDirectory', () => {
  for (const useFsWatch of [true, false]) {
    it(`reports a slowly copied file once, after it is complete (${useFsWatch ? 'fs.watch + polling' : 'polling only'})`, async () => {
      // pauses far shorter than the stable window, so a busy machine does not make a pause look like the end
      const stableMs = 300;
      await withWatcher({ useFsWatch, stableMs }, async (dir, seen, _watcher, errors) => {
        const content = Buffer.from(Array.from({ length: 6 * 50_000 }, (_, i) => i % 251));
        const finished = await slowCopy(join(dir, 'sales.csv'), content, 6, 40);
        await waitFor(() => seen.length > 0, 'the copied file');
        await sleep(stableMs + 100);
        assert.equal(seen.length, 1, `reported ${seen.length} times`);
        const [object] = seen;
        assert.ok(object);
        assert.equal(object.key, 'sales.csv');
        assert.equal(object.size, content.length);
        assert.equal(object.etag, md5(content));
        assert.equal(object.path, join(dir, 'sales.csv'));
        assert.ok(object.at >= finished, 'not reported before the copy finished');
        assert.deepEqual(errors, []);
      });
    });
  }

  it('ignores hidden and in-progress files, reports them once renamed into place, with nested keys', async () => {
    await withWatcher({}, async (dir, seen) => {
      await mkdir(join(dir, '.staging'), { recursive: true });
      await mkdir(join(dir, '2026/11/23'), { recursive: true });
      await writeFile(join(dir, '.hidden.csv'), 'x');
      await writeFile(join(dir, 'upload.tmp'), 'x');
      await writeFile(join(dir, '.staging/inside.csv'), 'x');
      await writeFile(join(dir, '2026/11/23/orders.csv.part'), 'id\n1\n');
      await sleep(STABLE_MS + 80);
      assert.equal(seen.length, 0, `unexpected: ${seen.map((o) => o.key).join(', ')}`);

      await rename(join(dir, '2026/11/23/orders.csv.part'), join(dir, '2026/11/23/orders.csv'));
      await waitFor(() => seen.length > 0, 'the renamed file');
      await sleep(STABLE_MS + 50);
      assert.deepEqual(
        seen.map((o) => [o.key, o.size, o.etag]),
        [['2026/11/23/orders.csv', 5, md5('id\n1\n')]],
      );
    });
    assert.equal(isLandingTempName('a.part'), true);
    assert.equal(isLandingTempName('.a'), true);
    assert.equal(isLandingTempName('a.csv'), false);
  });

  it('reports a replaced file again, an untouched one never again, a deleted and re-created one again', async () => {
    await withWatcher({}, async (dir, seen) => {
      await writeFile(join(dir, 'a.json'), '{"v":1}');
      await writeFile(join(dir, 'b.json'), '{"b":1}');
      await waitFor(() => seen.length === 2, 'both files');

      await writeFile(join(dir, 'a.json'), '{"v":22}');
      await waitFor(() => seen.length === 3, 'the replaced file');
      assert.deepEqual(seen[2] && [seen[2].key, seen[2].etag], ['a.json', md5('{"v":22}')]);

      await rm(join(dir, 'b.json'));
      await sleep(60);
      await writeFile(join(dir, 'b.json'), '{"b":1}');
      await waitFor(() => seen.length === 4, 'the re-created file');
      await sleep(STABLE_MS + 50);
      assert.deepEqual(
        seen.map((o) => o.key),
        ['a.json', 'b.json', 'a.json', 'b.json'],
      );
    });
  });

  it('reports files present at start by default, or skips them until they change', async () => {
    const before = async (dir: string) => {
      await writeFile(join(dir, 'old.csv'), 'old');
      const past = new Date(Date.now() - 60_000);
      await utimes(join(dir, 'old.csv'), past, past);
    };
    await withWatcher({ before }, async (_dir, seen) => {
      await waitFor(() => seen.length === 1, 'the existing file');
      assert.equal(seen[0]?.key, 'old.csv');
    });
    await withWatcher({ before, existing: 'skip' }, async (dir, seen) => {
      await sleep(STABLE_MS + 80);
      assert.equal(seen.length, 0, `unexpected: ${seen.map((o) => o.key).join(', ')}`);
      await writeFile(join(dir, 'old.csv'), 'new content');
      await waitFor(() => seen.length === 1, 'the changed file');
      assert.equal(seen[0]?.etag, md5('new content'));
    });
  });

  it('passes onObject failures to onError and keeps watching; close() stops reporting', async () => {
    let fail = true;
    await withWatcher(
      {
        onObject: () => {
          if (fail) {
            fail = false;
            throw new Error('consumer down');
          }
        },
      },
      async (dir, seen, watcher, errors) => {
        await writeFile(join(dir, 'first.csv'), '1');
        await waitFor(() => errors.length === 1, 'the consumer error');
        assert.match(String(errors[0]), /consumer down/);
        await writeFile(join(dir, 'second.csv'), '2');
        await waitFor(() => seen.length === 2, 'the second file');
        assert.deepEqual(
          seen.map((o) => o.key),
          ['first.csv', 'second.csv'],
        );

        await watcher.close();
        await writeFile(join(dir, 'third.csv'), '3');
        await sleep(STABLE_MS + 80);
        assert.equal(seen.length, 2);
      },
    );
  });
});
