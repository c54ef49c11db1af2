#!/usr/bin/env node
// The CLI runs the TypeScript sources through tsx, so project files (lakestack.config.ts) and
// the platform share one loader and no build step stands between an edit and a run.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
