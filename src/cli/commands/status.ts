import type { Command } from 'commander';
import type { RunRecord } from '../../catalog/metadata-store.ts';
import { withPlatform } from '../context.ts';
import type { GlobalOptions } from '../context.ts';
import { formatTable } from '../output.ts';

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
          for (const shard of shards) {
            const latest = await platform.streams.latestSequenceNumber(stream, shard);
            const position = checkpoints.find((c) => c.shard === shard)?.position ?? '';
            const behind = latest === '' ? 0n : BigInt(latest) - (position === '' ? 0n : BigInt(position));
            lag.push({ shard, position, latest, recordsBehind: Number(behind < 0n ? 0n : behind) });
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
