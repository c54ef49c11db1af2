#!/usr/bin/env node
// The npm registry this project installs from carries only the linux-x64 builds of native
// packages, so `npm install` leaves the other platforms' optional packages out of
// package-lock.json, and `npm ci` then refuses the lockfile as out of sync. This adds, for each
// such missing optional dependency, a lock entry with its os/cpu/libc and no tarball: npm ci
// accepts the lockfile and skips the entry on platforms it does not fit.
// Run after any `npm install` that rewrites the lockfile: `node scripts/lockfile-platform-stubs.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const PLATFORM = /-(darwin|linux|win32|freebsd|android)-(x64|arm64|arm|ia32)(?:-(musl|gnu|msvc))?$/;
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const packages = lock.packages;
let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (packages[key] || packages[`${path}/node_modules/${name}`]) continue;
    const m = PLATFORM.exec(name);
    if (!m) {
      console.error(`lockfile: optional ${name} of ${path || 'the project'} is missing and is not a platform build; install it or remove it`);
      process.exitCode = 1;
      continue;
    }
    const [, os, cpu, libc] = m;
    packages[key] = {
      version,
      cpu: [cpu],
      ...(os === 'linux' ? { libc: [libc === 'musl' ? 'musl' : 'glibc'] } : {}),
      license: entry.license ?? 'MIT',
      optional: true,
      os: [os],
    };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
writeFileSync('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lockfile: ${added} platform stub(s) added`);
