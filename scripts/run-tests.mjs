#!/usr/bin/env node
// Finds the test files of one suite and runs them with node's test runner through tsx.
//   unit:        src/**/*.test.ts and test/**/*.test.ts (embedded engines, s3rver on loopback)
//   integration: test/**/*.integration.ts (needs this machine's services: NATS, PostgreSQL)
// Extra arguments filter files by substring: `npm run test:unit -- avro`.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const [suite = 'unit', ...filters] = process.argv.slice(2);
const suffix = suite === 'integration' ? '.integration.ts' : '.test.ts';
const roots = ['src', 'test', 'examples'];

function walk(dir, out) {
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith(suffix)) out.push(relative(process.cwd(), path));
  }
  return out;
}

const files = roots.flatMap((r) => walk(r, [])).filter((f) => filters.every((x) => f.includes(x))).sort();
if (files.length === 0) {
  console.error(`no ${suite} test files found${filters.length ? ` matching ${filters.join(' ')}` : ''}`);
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
