import type { Command } from 'commander';
import type { RunRecord } from '../../catalog/metadata-store.ts';
import { ShardProgress } from '../../streams/index.ts';
import { withPlatform } from '../context.ts';
import type { GlobalOptions } from '../context.ts';
import { formatTable } from '../output.ts';

/** Pages of 1,000 records read per shard to count exact lag; beyond that lag is a lower bound. */
const LAG_READS = 100;

/** `lakestack status`: per pipeline, the last run's counters, lag per shard and the last error. */
export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('per-pipeline counters, lag behind each stream shard, last error')
    .action(async (_o, cmd: Command) => {
      const options = cmd.optsWithGlobals<GlobalOptions>();
      await withPlatform(options, async (platform, out) => {
        const result: {
          pipeline: string;
          stream: string;
          lastRun: RunRecord | null;
          lag: { shard: string; position: string; latest: string; recordsBehind: number }[];
          lastError: string | null;
        }[] = [];
        for (const [id, def] of Object.entries(platform.project.pipelines)) {
          const [run] = await platform.catalog.listRuns({ pipeline: id, limit: 1 });
          const stream = def.source.stream;
          const checkpoints = await platform.catalog.getCheckpoints(id, stream);
          const shards = await platform.streams.describeStream(stream).then((d) => d.shards, () => [] as string[]);
          const lag = [];
          const stored = Object.fromEntries(checkpoints.map((c) => [c.shard, c.position]));
          for (const shard of shards) {
            const latest = await platform.streams.latestSequenceNumber(stream, shard);
            const progress = ShardProgress.fromCheckpoints(shard, stored) ?? ShardProgress.at(shard, '');
            // lanes may have committed records past the shard position: count what is really left
            let behind = 0;
            let from = progress.position;
            for (let reads = 0; latest !== '' && reads < LAG_READS; reads++) {
              const page = await platform.streams.readShard(stream, shard, from === '' ? { type: 'TRIM_HORIZON' } : { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: from }, 1000);
              behind += page.records.filter((r) => !progress.isCommitted(r)).length;
              const last = page.records.at(-1);
              if (!last || page.records.length < 1000) break;
              from = last.sequenceNumber;
            }
            lag.push({ shard, position: progress.position, latest, recordsBehind: behind });
          }
          result.push({ pipeline: id, stream, lastRun: run ?? null, lag, lastError: run?.error ?? null });
        }
        out.result(result, () => {
          if (result.length === 0) return out.line('the project declares no pipelines');
          out.line(
            formatTable(
              ['pipeline', 'last run', 'status', 'in', 'written', 'filtered', 'dead-lettered', 'lag', 'last error'],
              result.map((r) => [
                r.pipeline,
                r.lastRun ? r.lastRun.startedAt.toISOString() : 'never',
                r.lastRun?.status ?? '',
                r.lastRun?.counts.in ?? 0,
                r.lastRun?.counts.written ?? 0,
                r.lastRun?.counts.filtered ?? 0,
                r.lastRun?.counts.deadLettered ?? 0,
                r.lag.reduce((s, l) => s + l.recordsBehind, 0),
                r.lastError ?? '',
              ]),
            ),
          );
          for (const r of result) for (const l of r.lag) out.line(`  ${r.pipeline} ${l.shard}: at ${l.position || '(start)'} of ${l.latest || '(empty)'}, ${l.recordsBehind} behind`);
        });
      });
    });
}
