import { createHash } from 'node:crypto';

/** Kinesis shard ids: `shardId-` followed by 12 digits. */
export function shardIdOf(index: number): string {
  return `shardId-${String(index).padStart(12, '0')}`;
}

const HASH_SPACE = 1n << 128n;

/**
 * Shard index of a partition key the way Kinesis assigns it: the MD5 of the key as a 128-bit
 * integer, placed in one of `shardCount` equal hash-key ranges.
 */
export function shardIndexFor(partitionKey: string, shardCount: number): number {
  const hash = BigInt(`0x${createHash('md5').update(partitionKey, 'utf8').digest('hex')}`);
  const index = Number((hash * BigInt(shardCount)) / HASH_SPACE);
  return Math.min(index, shardCount - 1);
}
