#!/usr/bin/env -S node --max-semi-space-size=64
// A larger young generation: decoding change records allocates many short-lived objects, and
// fewer scavenges make the delivery path ~25% faster (bench:cdc runs with the same flag).
// The CLI runs the TypeScript sources through tsx, so project files (lakestack.config.ts) and
// the platform share one loader and no build step stands between an edit and a run.
import { register } from 'tsx/esm/api';

register();
// `lakestack query … | head` closes stdout early: that is the reader's choice, not an error
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
