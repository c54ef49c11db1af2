import { crc32 } from 'node:zlib';

/**
 * The lane (0..lanes-1) of a partition key within a shard when a consumer runs with a
 * parallelization factor: CRC-32 of the UTF-8 key, modulo the lane count. Not MD5 like shard
 * assignment: the keys of one shard share a slice of the MD5 range, so MD5 would put them all
 * in one lane. Stored lane checkpoints depend on this function: never change it.
 */
export function laneFor(partitionKey: string, lanes: number): number {
  return lanes <= 1 ? 0 : crc32(partitionKey) % lanes;
}
