import { EmbeddedStreamTransport } from './embedded/embedded-stream-transport.ts';
import { NatsStreamTransport } from './nats/nats-stream-transport.ts';
import type { StreamTransport } from './stream-transport.ts';

export type {
  PutRecord,
  PutResult,
  ReadFrom,
  ReadResult,
  StreamDescription,
  StreamRecord,
  StreamTransport,
} from './stream-transport.ts';
export { shardIdOf, shardIndexFor } from './shard-hash.ts';
export { laneFor } from './lane.ts';
export { ShardProgress, laneCheckpointKey } from './shard-progress.ts';
export { ShardConsumer, StreamConsumer } from './consumer.ts';
export type {
  ConsumerBatch,
  ConsumerCheckpoints,
  ConsumerHandler,
  ConsumerRunStats,
  ShardLag,
  StartingPosition,
  StreamConsumerOptions,
  WindowOutcome,
} from './consumer.ts';
export { EmbeddedStreamTransport } from './embedded/embedded-stream-transport.ts';
export type { EmbeddedStreamTransportOptions } from './embedded/embedded-stream-transport.ts';
export { NatsStreamTransport } from './nats/nats-stream-transport.ts';
export type { NatsStreamTransportOptions } from './nats/nats-stream-transport.ts';
export type { StreamErrorCode } from './stream-errors.ts';
export { MAX_PARTITION_KEY_LENGTH, MAX_READ_LIMIT, MAX_RECORD_BYTES, MAX_SHARD_COUNT } from './stream-validation.ts';

/** Which stream transport to build: the embedded log under `root`, or NATS JetStream. */
export type StreamTransportConfig =
  | { kind: 'embedded'; root: string }
  | { kind: 'nats'; servers: string | string[]; streamPrefix?: string };

/**
 * Builds the stream transport a project's configuration names. Nothing is opened yet: the
 * embedded log touches disk on first use, NATS connects on first use.
 */
export function createStreamTransport(config: StreamTransportConfig): StreamTransport {
  switch (config.kind) {
    case 'embedded':
      return new EmbeddedStreamTransport({ root: config.root });
    case 'nats':
      return new NatsStreamTransport({ servers: config.servers, ...(config.streamPrefix === undefined ? {} : { streamPrefix: config.streamPrefix }) });
  }
}
