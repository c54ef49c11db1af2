import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { LakestackError, TerminalError, TransientError } from '../../errors.ts';
import { shardIdOf, shardIndexFor } from '../shard-hash.ts';
import { invalidArgument, shardNotFound, streamNotFound, transportClosed } from '../stream-errors.ts';
import type { PutRecord, PutResult, ReadFrom, ReadResult, StreamDescription, StreamTransport } from '../stream-transport.ts';
import { assertPutRecords, assertReadLimit, assertShardCount, assertStreamName, readStart } from '../stream-validation.ts';
import { acquireFileLock } from './file-lock.ts';
import { Mutex } from './mutex.ts';
import { ShardLog } from './shard-log.ts';
import { createManifest, fsyncDir, readManifest } from './stream-manifest.ts';
import type { StreamManifest } from './stream-manifest.ts';

export interface EmbeddedStreamTransportOptions {
  /** Folder holding one sub-folder per stream. */
  root: string;
  /** A shard rolls to a new segment file when the next batch would grow it past this. Default 64 MiB. */
  segmentBytes?: number;
  /** How long putRecords waits for another writer's append lock. Default 10 s. */
  lockTimeoutMs?: number;
}

const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
const DEFAULT_LOCK_TIMEOUT_MS = 10_000;
const LOCK_FILE = 'append.lock';

/**
 * The default stream transport: a durable log on local disk.
 *
 * ```
 * <root>/<stream>/stream.json                 shard count, written once
 * <root>/<stream>/append.lock                 held by one writer process at a time
 * <root>/<stream>/<shardId>/<firstSeq>.seg    CRC-checked frames, sequence numbers 1, 2, 3, ...
 * <root>/<stream>/<shardId>/watermark         how far the last segment is fsynced
 * ```
 *
 * Several processes may read and append at once: appends take the stream's lock file (a dead
 * holder's lock is broken), so sequence numbers are unique and batches never interleave, and
 * putRecords resolves only after its frames are fsynced.
 */
export class EmbeddedStreamTransport implements StreamTransport {
  readonly kind = 'embedded';
  private readonly root: string;
  private readonly segmentBytes: number;
  private readonly lockTimeoutMs: number;
  private readonly manifests = new Map<string, StreamManifest>();
  private readonly logs = new Map<string, ShardLog>();
  private readonly appendMutexes = new Map<string, Mutex>();
  private closed = false;

  constructor(options: EmbeddedStreamTransportOptions) {
    this.root = resolve(options.root);
    this.segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    this.lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
    if (!Number.isInteger(this.segmentBytes) || this.segmentBytes < 1) {
      throw invalidArgument('streamTransport.segmentBytes', `needs a whole number of bytes above 0, got ${this.segmentBytes}`);
    }
    if (!Number.isFinite(this.lockTimeoutMs) || this.lockTimeoutMs < 0) {
      throw invalidArgument('streamTransport.lockTimeoutMs', `needs milliseconds of at least 0, got ${this.lockTimeoutMs}`);
    }
  }

  async ensureStream(name: string, options: { shardCount: number }): Promise<StreamDescription> {
    return this.guard('ensureStream', name, async () => {
      assertStreamName(name);
      assertShardCount(name, options.shardCount);
      const existing = await this.manifest(name, false);
      if (existing) return describe(existing);
      const dir = this.streamDir(name);
      // Shard folders first, manifest last: a stream is visible only once it is complete.
      for (let i = 0; i < options.shardCount; i++) await mkdir(join(dir, shardIdOf(i)), { recursive: true });
      await fsyncDir(dir);
      const manifest = await createManifest(dir, { formatVersion: 1, name, shardCount: options.shardCount, createdAt: new Date().toISOString() });
      this.manifests.set(name, manifest);
      return describe(manifest);
    });
  }

  async describeStream(name: string): Promise<StreamDescription> {
    return this.guard('describeStream', name, async () => describe((await this.manifest(name, true))!));
  }

  async putRecords(stream: string, records: PutRecord[]): Promise<PutResult[]> {
    return this.guard('putRecords', stream, async () => {
      const manifest = (await this.manifest(stream, true))!;
      assertPutRecords(stream, records);
      if (records.length === 0) return [];
      const byShard = new Map<number, number[]>();
      records.forEach((record, i) => {
        const shard = shardIndexFor(record.partitionKey, manifest.shardCount);
        const list = byShard.get(shard);
        if (list) list.push(i);
        else byShard.set(shard, [i]);
      });
      const results: PutResult[] = new Array(records.length);
      const mutex = this.appendMutexes.get(stream) ?? new Mutex();
      this.appendMutexes.set(stream, mutex);
      await mutex.run(async () => {
        const lock = await acquireFileLock(join(this.streamDir(stream), LOCK_FILE), { timeoutMs: this.lockTimeoutMs, what: `stream "${stream}"` });
        try {
          const arrivalMs = Date.now();
          await Promise.all(
            [...byShard].map(async ([shard, indexes]) => {
              const shardId = shardIdOf(shard);
              const sequences = await this.log(stream, shardId).append(indexes.map((i) => records[i]!), arrivalMs);
              indexes.forEach((recordIndex, j) => {
                results[recordIndex] = { shardId, sequenceNumber: sequences[j]! };
              });
            }),
          );
        } finally {
          await lock.release();
        }
      });
      return results;
    });
  }

  async readShard(stream: string, shardId: string, from: ReadFrom, limit: number): Promise<ReadResult> {
    return this.guard('readShard', stream, async () => {
      await this.shard(stream, shardId);
      assertReadLimit(stream, limit);
      const { records, latest } = await this.log(stream, shardId).read(readStart(from), limit);
      return { records, latestSequenceNumber: latest };
    });
  }

  async latestSequenceNumber(stream: string, shardId: string): Promise<string> {
    return this.guard('latestSequenceNumber', stream, async () => {
      await this.shard(stream, shardId);
      return this.log(stream, shardId).latestSequenceNumber();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private streamDir(stream: string): string {
    return join(this.root, stream);
  }

  private async manifest(stream: string, required: boolean): Promise<StreamManifest | undefined> {
    assertStreamName(stream);
    const cached = this.manifests.get(stream);
    if (cached) return cached;
    const manifest = await readManifest(this.streamDir(stream));
    if (manifest) this.manifests.set(stream, manifest);
    else if (required) throw streamNotFound(stream, this.root);
    return manifest;
  }

  private async shard(stream: string, shardId: string): Promise<void> {
    const manifest = (await this.manifest(stream, true))!;
    const shards = describe(manifest).shards;
    if (!shards.includes(shardId)) throw shardNotFound(stream, shardId, shards);
  }

  private log(stream: string, shardId: string): ShardLog {
    const key = `${stream}/${shardId}`;
    let log = this.logs.get(key);
    if (!log) {
      log = new ShardLog({
        stream,
        shardId,
        dir: join(this.streamDir(stream), shardId),
        lockPath: join(this.streamDir(stream), LOCK_FILE),
        segmentBytes: this.segmentBytes,
      });
      this.logs.set(key, log);
    }
    return log;
  }

  /** Refuses calls after close() and translates filesystem errors, naming the stream. */
  private async guard<T>(operation: string, stream: string, fn: () => Promise<T>): Promise<T> {
    if (this.closed) throw transportClosed(this.kind, operation);
    try {
      return await fn();
    } catch (err) {
      throw translateFsError(err, operation, stream, this.root);
    }
  }
}

function describe(manifest: StreamManifest): StreamDescription {
  return { name: manifest.name, shards: Array.from({ length: manifest.shardCount }, (_, i) => shardIdOf(i)) };
}

const RETRYABLE_ERRNO = new Set(['EAGAIN', 'EBUSY', 'EMFILE', 'ENFILE', 'EINTR', 'EIO']);

function translateFsError(err: unknown, operation: string, stream: string, root: string): unknown {
  if (err instanceof LakestackError) return err;
  const errno = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof errno !== 'string') return err;
  const path = (err as NodeJS.ErrnoException).path ?? root;
  const message = `${operation} on stream "${stream}" failed: ${errno} at ${path}`;
  const fields = { stream, operation, errno, path };
  return RETRYABLE_ERRNO.has(errno)
    ? new TransientError('STREAM_IO_ERROR', `${message}; retry shortly`, { cause: err, fields })
    : new TerminalError('STREAM_IO_ERROR', `${message}; check that ${root} exists, is writable and has free space`, { cause: err, fields });
}
