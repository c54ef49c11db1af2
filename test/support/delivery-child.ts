/**
 * A delivery worker in its own process, for crash tests: opens the dmd-pipeline blueprint on
 * `stateDir`, provisions, prints "ready", runs the pipeline until idle, exits 0.
 * Usage: node --import tsx test/support/delivery-child.ts STATE_DIR BATCH_SIZE PARALLELIZATION
 */
import { PipelineRunner } from '../../src/runtime/pipeline-runner.ts';
import { provision } from '../../src/runtime/provision.ts';
import { openBlueprint } from './platform.ts';

const [stateDir, batchSize = '50', parallelization = '2'] = process.argv.slice(2);
if (!stateDir) throw new Error('usage: delivery-child.ts STATE_DIR [BATCH_SIZE] [PARALLELIZATION]');
const platform = await openBlueprint('dmd-pipeline', stateDir, (raw) => {
  const source = (raw.pipelines as { delivery: { source: Record<string, unknown> } }).delivery.source;
  source.batchSize = Number(batchSize);
  source.parallelizationFactor = Number(parallelization);
  source.startingPosition = 'TRIM_HORIZON';
});
const { pipelines } = await provision(platform);
process.stdout.write('ready\n');
await new PipelineRunner(platform, pipelines[0]!, 'crash-test').runUntilIdle();
await platform.close();
process.stdout.write('done\n');
