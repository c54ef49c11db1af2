import { laneFor } from './lane.ts';
import type { StreamRecord } from './stream-transport.ts';

/**
 * Checkpoint key of one lane of a shard: `<shardId>/lane-<lane>-of-<lanes>`. Its value says:
 * every record of this shard with sequence <= value whose key maps to this lane is committed.
 */
export function laneCheckpointKey(shardId: string, lane: number, lanes: number): string {
  return `${shardId}/lane-${lane}-of-${lanes}`;
}

const LANE_KEY = /^(.+)\/lane-(\d+)-of-(\d+)$/;

interface LaneClaim {
  lane: number;
  lanes: number;
  upTo: bigint;
}

/** '' (before the first record) sorts below every sequence number. */
function seq(value: string): bigint {
  return value === '' ? -1n : BigInt(value);
}

/**
 * What a consumer knows is committed for one shard, in the shape the caller stores it:
 * - `<shardId>` -> position: every record with sequence <= position is committed ('' = none);
 * - `<shardId>/lane-L-of-N` -> every record after the position, up to the value, whose key maps
 *   to lane L of N, is committed too.
 * A resumed consumer reads from the position and skips records a lane entry covers, so records
 * committed by lanes that finished before a crash are not delivered again.
 */
export class ShardProgress {
  private readonly claims = new Map<string, LaneClaim>();

  private constructor(
    readonly shardId: string,
    private current: string,
  ) {}

  /** Progress starting at `position` with nothing else committed. */
  static at(shardId: string, position: string): ShardProgress {
    return new ShardProgress(shardId, position);
  }

  /**
   * Progress from stored checkpoints, or undefined when none concern `shardId`. Lane entries
   * without a shard entry resume from the trim horizon (skipping what the lanes cover).
   */
  static fromCheckpoints(shardId: string, stored: Readonly<Record<string, string>>): ShardProgress | undefined {
    const entries = Object.entries(stored).filter(([key]) => key === shardId || LANE_KEY.exec(key)?.[1] === shardId);
    if (entries.length === 0) return undefined;
    const progress = new ShardProgress(shardId, '');
    progress.commit(Object.fromEntries(entries));
    return progress;
  }

  /** Every record with sequence <= this is committed ('' = none). */
  get position(): string {
    return this.current;
  }

  /** True when a committed lane entry already covers `record`. */
  isCommitted(record: StreamRecord): boolean {
    const s = BigInt(record.sequenceNumber);
    if (s <= seq(this.current)) return true;
    for (const claim of this.claims.values()) {
      if (s <= claim.upTo && laneFor(record.partitionKey, claim.lanes) === claim.lane) return true;
    }
    return false;
  }

  /** Applies checkpoint entries the caller just committed (ignores other shards' entries). */
  commit(entries: Readonly<Record<string, string>>): void {
    for (const [key, value] of Object.entries(entries)) {
      if (key === this.shardId) {
        if (seq(value) > seq(this.current)) this.current = value;
        continue;
      }
      const match = LANE_KEY.exec(key);
      if (!match || match[1] !== this.shardId) continue;
      const upTo = seq(value);
      const before = this.claims.get(key);
      if (!before || upTo > before.upTo) this.claims.set(key, { lane: Number(match[2]), lanes: Number(match[3]), upTo });
    }
    this.prune();
  }

  /** Every record up to `end` is committed: the window ending there finished in every lane. */
  advanceTo(end: string): void {
    if (seq(end) > seq(this.current)) this.current = end;
    this.prune();
  }

  private prune(): void {
    const position = seq(this.current);
    for (const [key, claim] of this.claims) if (claim.upTo <= position) this.claims.delete(key);
  }
}
