import { DiscardPolicy, RetentionPolicy, StorageType, connect } from 'nats';
import type { JetStreamClient, JetStreamManager, NatsConnection, StreamInfo } from 'nats';
import { TerminalError } from '../../errors.ts';
import { shardIdOf, shardIndexFor } from '../shard-hash.ts';
import { shardNotFound, streamNotFound, transportClosed } from '../stream-errors.ts';
import type { PutRecord, PutResult, ReadFrom, ReadResult, StreamDescription, StreamTransport } from '../stream-transport.ts';
import { assertPutRecords, assertReadLimit, assertShardCount, assertStreamName, readStart } from '../stream-validation.ts';
import { JS_STREAM_NAME_IN_USE, JS_STREAM_NOT_FOUND, jetStreamErrorCode, translateNatsError } from './nats-errors.ts';
import { DEFAULT_STREAM_PREFIX, assertStreamPrefix, decodeMarker, encodeMarker, natsStreamNames } from './nats-naming.ts';
import type { NatsStreamMarker, NatsStreamNames } from './nats-naming.ts';
import { publishBatch } from './nats-batch-publisher.ts';
import { encodeRecordHeaders } from './nats-record-headers.ts';
import { NatsShardReader } from './nats-shard-reader.ts';

export interface NatsStreamTransportOptions {
  /** NATS server URL(s), e.g. `nats://127.0.0.1:4222`; JetStream must be enabled. */
  servers: string | string[];
  /** Prefix of the JetStream stream names. Default `LAKESTACK_`. */
  streamPrefix?: string;
  /** Give up connecting after this long. Default 5 s. */
  connectTimeoutMs?: number;
  /** Give up on one request (publish ack, API call) after this long. Default 10 s. */
  requestTimeoutMs?: number;
}

/** Publishes in flight at once (bounds memory; the server keeps their order). */
const PUBLISH_WINDOW = 2000;
const EXPECTED_STREAM_HEADER = 'Nats-Expected-Stream';

interface Connected {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  reader: NatsShardReader;
}

/**
 * Streams over NATS JetStream: one JetStream stream per lakestack stream (`LAKESTACK_<name>`),
 * one subject per shard (`lakestack.<name>.<shardId>`), the shard count in the stream's
 * description. Sequence numbers are JetStream stream sequences: unique and increasing in the
 * stream, hence in each shard, but not contiguous within a shard. Partition key and arrival
 * time travel in headers. The connection opens on first use.
 *
 * Durability is the server's: a single nats-server acknowledges after writing to its file
 * store and fsyncs on its `sync_interval` (2 min by default); set `sync_interval: always`, or
 * run a replicated cluster, to survive power loss.
 */
export class NatsStreamTransport implements StreamTransport {
  readonly kind = 'nats';
  private readonly servers: string[];
  private readonly prefix: string;
  private readonly connectTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private connection: Promise<Connected> | undefined;
  private readonly markers = new Map<string, NatsStreamMarker>();
  private closed = false;

  constructor(options: NatsStreamTransportOptions) {
    this.servers = Array.isArray(options.servers) ? [...options.servers] : [options.servers];
    this.prefix = options.streamPrefix ?? DEFAULT_STREAM_PREFIX;
    assertStreamPrefix(this.prefix);
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  }

  async ensureStream(name: string, options: { shardCount: number }): Promise<StreamDescription> {
    return this.call('ensureStream', name, async ({ jsm }) => {
      assertShardCount(name, options.shardCount);
      const names = this.names(name);
      const existing = await this.info(jsm, names);
      if (existing) return this.describeInfo(name, names, existing);
      const marker: NatsStreamMarker = { formatVersion: 1, name, shardCount: options.shardCount };
      try {
        const created = await jsm.streams.add({
          name: names.jetStream,
          subjects: [`${names.subjectRoot}.*`],
          description: encodeMarker(marker),
          storage: StorageType.File,
          retention: RetentionPolicy.Limits,
          discard: DiscardPolicy.Old,
          num_replicas: 1,
          allow_direct: true,
        });
        return this.describeInfo(name, names, created);
      } catch (err) {
        // Another process created it between our look and our add: use theirs.
        if (jetStreamErrorCode(err) !== JS_STREAM_NAME_IN_USE) throw err;
        const raced = await this.info(jsm, names);
        if (!raced) throw err;
        return this.describeInfo(name, names, raced);
      }
    });
  }

  async describeStream(name: string): Promise<StreamDescription> {
    return this.call('describeStream', name, async ({ jsm }) => {
      const names = this.names(name);
      const info = await this.info(jsm, names);
      if (!info) throw this.notFound(name, names);
      return this.describeInfo(name, names, info);
    });
  }

  async putRecords(stream: string, records: PutRecord[]): Promise<PutResult[]> {
    return this.call('putRecords', stream, async (c) => {
      const names = this.names(stream);
      const marker = await this.marker(c.jsm, stream, names);
      assertPutRecords(stream, records);
      const arrivalMs = Date.now();
      const results: PutResult[] = [];
      for (let at = 0; at < records.length; at += PUBLISH_WINDOW) {
        const window = records.slice(at, at + PUBLISH_WINDOW).map((record) => {
          const shardId = shardIdOf(shardIndexFor(record.partitionKey, marker.shardCount));
          const headers = encodeRecordHeaders(record.partitionKey, arrivalMs);
          headers.set(EXPECTED_STREAM_HEADER, names.jetStream); // never land in another stream
          return { shardId, message: { subject: `${names.subjectRoot}.${shardId}`, data: record.data, headers } };
        });
        let sequences: number[];
        try {
          sequences = await publishBatch(c.nc, window.map((w) => w.message), this.requestTimeoutMs);
        } catch (err) {
          // No responders: nothing captures the subjects any more, so the stream is gone.
          if ((err as { code?: string }).code === '503' && !(await this.info(c.jsm, names))) {
            this.markers.delete(stream);
            throw this.notFound(stream, names);
          }
          throw err;
        }
        window.forEach((w, i) => results.push({ shardId: w.shardId, sequenceNumber: String(sequences[i]) }));
      }
      return results;
    });
  }

  async readShard(stream: string, shardId: string, from: ReadFrom, limit: number): Promise<ReadResult> {
    return this.call('readShard', stream, async (c) => {
      const names = this.names(stream);
      await this.shard(c.jsm, stream, names, shardId);
      assertReadLimit(stream, limit);
      return c.reader.read(names.jetStream, `${names.subjectRoot}.${shardId}`, shardId, readStart(from), limit);
    });
  }

  async latestSequenceNumber(stream: string, shardId: string): Promise<string> {
    return this.call('latestSequenceNumber', stream, async (c) => {
      const names = this.names(stream);
      await this.shard(c.jsm, stream, names, shardId);
      return c.reader.latest(names.jetStream, `${names.subjectRoot}.${shardId}`);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const connection = this.connection;
    this.connection = undefined;
    if (!connection) return;
    try {
      const c = await connection;
      await c.reader.close();
      await c.nc.close();
    } catch {
      // never connected: nothing to close
    }
  }

  /** Deletes the JetStream stream behind `name` (tests and `lakestack stream delete`). */
  async deleteStream(name: string): Promise<void> {
    await this.call('deleteStream', name, async ({ jsm }) => {
      this.markers.delete(name);
      try {
        await jsm.streams.delete(this.names(name).jetStream);
      } catch (err) {
        if (jetStreamErrorCode(err) !== JS_STREAM_NOT_FOUND) throw err;
      }
    });
  }

  private names(stream: string): NatsStreamNames {
    assertStreamName(stream);
    return natsStreamNames(stream, this.prefix);
  }

  private async info(jsm: JetStreamManager, names: NatsStreamNames): Promise<StreamInfo | undefined> {
    try {
      return await jsm.streams.info(names.jetStream);
    } catch (err) {
      if (jetStreamErrorCode(err) === JS_STREAM_NOT_FOUND) return undefined;
      throw err;
    }
  }

  /** The stream's marker, cached: a stream's shard count never changes. */
  private async marker(jsm: JetStreamManager, stream: string, names: NatsStreamNames): Promise<NatsStreamMarker> {
    const cached = this.markers.get(stream);
    if (cached) return cached;
    const info = await this.info(jsm, names);
    if (!info) throw this.notFound(stream, names);
    this.describeInfo(stream, names, info);
    return this.markers.get(stream)!;
  }

  private async shard(jsm: JetStreamManager, stream: string, names: NatsStreamNames, shardId: string): Promise<void> {
    const marker = await this.marker(jsm, stream, names);
    const shards = shardIds(marker.shardCount);
    if (!shards.includes(shardId)) throw shardNotFound(stream, shardId, shards);
  }

  private describeInfo(stream: string, names: NatsStreamNames, info: StreamInfo): StreamDescription {
    const marker = decodeMarker(info.config.description);
    if (!marker || marker.name !== stream) {
      throw new TerminalError(
        'STREAM_NAME_CONFLICT',
        `JetStream stream "${names.jetStream}" on ${this.servers.join(', ')} exists but is not lakestack stream "${stream}" (no matching marker in its description); delete or rename it, or set streamTransport.streamPrefix`,
        { fields: { stream, jetStream: names.jetStream } },
      );
    }
    this.markers.set(stream, marker);
    return { name: stream, shards: shardIds(marker.shardCount) };
  }

  private notFound(stream: string, names: NatsStreamNames): Error {
    return streamNotFound(stream, `NATS JetStream at ${this.servers.join(', ')} (stream ${names.jetStream})`);
  }

  private connect(): Promise<Connected> {
    if (this.connection) return this.connection;
    const connection = (async () => {
      const nc = await connect({ servers: this.servers, timeout: this.connectTimeoutMs, name: 'lakestack' });
      try {
        const jsm = await nc.jetstreamManager({ timeout: this.requestTimeoutMs });
        const js = nc.jetstream({ timeout: this.requestTimeoutMs });
        return { nc, js, jsm, reader: new NatsShardReader(jsm, js) };
      } catch (err) {
        await nc.close();
        throw err;
      }
    })();
    // A failed connect is not cached: the next call tries again.
    connection.catch(() => {
      if (this.connection === connection) this.connection = undefined;
    });
    this.connection = connection;
    return connection;
  }

  /** Runs `fn` connected, refusing calls after close() and translating NATS errors. */
  private async call<T>(operation: string, stream: string, fn: (c: Connected) => Promise<T>): Promise<T> {
    if (this.closed) throw transportClosed(this.kind, operation);
    try {
      assertStreamName(stream);
      return await fn(await this.connect());
    } catch (err) {
      if (jetStreamErrorCode(err) === JS_STREAM_NOT_FOUND) {
        // Deleted behind our back (our marker cache still knew it).
        this.markers.delete(stream);
        throw this.notFound(stream, this.names(stream));
      }
      throw translateNatsError(err, `${operation} on stream "${stream}"`, this.servers);
    }
  }
}

function shardIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => shardIdOf(i));
}
