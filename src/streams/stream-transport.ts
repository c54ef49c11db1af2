/**
 * The stream transport port: named streams split into shards, each shard an ordered log of
 * records with increasing sequence numbers, like Kinesis. Records with the same partition key
 * always land in the same shard (MD5 of the key over the shard hash ranges, as Kinesis does).
 *
 * Adapters: `embedded/` (default: durable segments on local disk) and `nats/` (JetStream).
 * All pass `test/contracts/stream-transport.contract.ts`.
 */
export interface StreamDescription {
  name: string;
  /** Shard ids in order, e.g. `shardId-000000000000`. */
  shards: string[];
}

export interface PutRecord {
  partitionKey: string;
  data: Uint8Array;
}

export interface PutResult {
  shardId: string;
  /** Decimal string; compare as BigInt, never as text. */
  sequenceNumber: string;
}

export interface StreamRecord {
  shardId: string;
  sequenceNumber: string;
  partitionKey: string;
  data: Uint8Array;
  approximateArrivalTimestamp: Date;
}

/** Where a read starts: the oldest record, or strictly after a sequence number. */
export type ReadFrom = { type: 'TRIM_HORIZON' } | { type: 'AFTER_SEQUENCE_NUMBER'; sequenceNumber: string };

export interface ReadResult {
  records: StreamRecord[];
  /** Sequence number of the newest record in the shard when read ('' when empty). */
  latestSequenceNumber: string;
}

export interface StreamTransport {
  readonly kind: string;

  /** Creates the stream if absent; an existing stream keeps its shards. */
  ensureStream(name: string, options: { shardCount: number }): Promise<StreamDescription>;
  /** Errors: `NotFoundError`. */
  describeStream(name: string): Promise<StreamDescription>;
  /** Appends durably (acknowledged records survive a crash); order kept per partition key. */
  putRecords(stream: string, records: PutRecord[]): Promise<PutResult[]>;
  /** Up to `limit` records of one shard in sequence order, starting at `from`. */
  readShard(stream: string, shardId: string, from: ReadFrom, limit: number): Promise<ReadResult>;
  /** Newest sequence number of a shard ('' when the shard is empty): the LATEST position. */
  latestSequenceNumber(stream: string, shardId: string): Promise<string>;
  close(): Promise<void>;
}
