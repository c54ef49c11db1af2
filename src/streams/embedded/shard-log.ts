import { constants } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { TerminalError } from '../../errors.ts';
import type { PutRecord, StreamRecord } from '../stream-transport.ts';
import { isLockHeld } from './file-lock.ts';
import { Mutex } from './mutex.ts';
import { listSegments, scanSegment, segmentFileName } from './segment-file.ts';
import { encodeFrames } from './segment-frame.ts';
import type { FrameView } from './segment-frame.ts';
import { fsyncDir } from './stream-manifest.ts';

/** Sequence numbers of a shard start here and grow by one per record. */
export const FIRST_SEQUENCE = 1n;
const POSITION_CACHE_SIZE = 64;
const WATERMARK_FILE = 'watermark';
const WATERMARK_BYTES = 20;

/** Where a shard's files are and how large a segment may grow. */
export interface ShardLogOptions {
  stream: string;
  shardId: string;
  /** `<root>/<stream>/<shardId>`. */
  dir: string;
  /** The stream's append lock file; while a live writer holds it, readers do not advance. */
  lockPath: string;
  segmentBytes: number;
}

/** The scanned state of the last segment: everything before `validEnd` is whole frames. */
interface Tail {
  segment: bigint | undefined;
  validEnd: number;
  nextSequence: bigint;
}

interface Position {
  segment: bigint;
  offset: number;
}

/**
 * One shard's log: segment files `<firstSeq>.seg` of CRC-checked frames, numbered contiguously.
 * The last segment's tail is scanned incrementally (only bytes not seen before), and a small
 * cache maps "next sequence to read" to a byte offset, so sequential readers never rescan.
 */
export class ShardLog {
  private readonly mutex = new Mutex();
  private segments: bigint[] = [];
  private tail: Tail = { segment: undefined, validEnd: 0, nextSequence: FIRST_SEQUENCE };
  private readonly positions = new Map<bigint, Position>();

  constructor(private readonly options: ShardLogOptions) {}

  /** Newest sequence number ('' when the shard is empty), after looking for new frames. */
  async latestSequenceNumber(): Promise<string> {
    await this.mutex.run(() => this.refresh('reader'));
    return this.latest();
  }

  /** Up to `limit` records with sequence >= `start`, and the newest sequence number then. */
  async read(start: bigint, limit: number): Promise<{ records: StreamRecord[]; latest: string }> {
    const { segments, tail } = await this.mutex.run(async () => {
      await this.refresh('reader');
      return { segments: this.segments, tail: { ...this.tail } };
    });
    const latest = this.latest(tail);
    const first = segments[0];
    if (first === undefined || start >= tail.nextSequence) return { records: [], latest };
    const from = start < first ? first : start;
    let index = segments.findLastIndex((s) => s <= from);
    const cached = this.positions.get(from);
    let offset = cached && cached.segment === segments[index] ? cached.offset : 0;
    const records: StreamRecord[] = [];
    let position: Position | undefined;
    for (; index < segments.length && records.length < limit; index++, offset = 0) {
      const segment = segments[index]!;
      const sealed = index < segments.length - 1;
      const end = await this.withSegment(segment, 'r', async (fh) => {
        const to = sealed ? (await fh.stat()).size : tail.validEnd;
        const scan = await scanSegment(fh, offset, to, (frame, buf) => {
          if (frame.sequence < from) return true;
          if (records.length >= limit) return false;
          records.push(this.toRecord(frame, buf));
          return true;
        });
        if (sealed && (scan.stop === 'corrupt' || scan.stop === 'incomplete')) throw this.corrupt(segment, scan.end, scan.reason);
        return scan.end;
      });
      position = { segment, offset: end };
    }
    const last = records[records.length - 1];
    if (last && position) this.remember(BigInt(last.sequenceNumber) + 1n, position);
    return { records, latest };
  }

  /**
   * Appends `records` as one write and fsyncs it. The caller holds the stream's append lock, so
   * bytes past the last whole frame are a torn tail of a crashed writer: truncated first.
   */
  async append(records: readonly PutRecord[], arrivalMs: number): Promise<string[]> {
    return this.mutex.run(async () => {
      const torn = await this.refresh('writer');
      const tail = this.tail;
      if (torn && tail.segment !== undefined) {
        await this.withSegment(tail.segment, 'r+', async (fh) => {
          await fh.truncate(tail.validEnd);
          await fh.datasync();
        });
      }
      const frames = records.map((r, i) => ({ sequence: tail.nextSequence + BigInt(i), arrivalMs, partitionKey: r.partitionKey, data: r.data }));
      const bytes = encodeFrames(frames);
      const roll = tail.segment === undefined || (tail.validEnd > 0 && tail.validEnd + bytes.length > this.options.segmentBytes);
      const segment = roll ? tail.nextSequence : tail.segment!;
      const offset = roll ? 0 : tail.validEnd;
      await this.withSegment(segment, roll ? 'wx' : 'r+', async (fh) => {
        for (let written = 0; written < bytes.length; ) {
          written += (await fh.write(bytes, written, bytes.length - written, offset + written)).bytesWritten;
        }
        await fh.datasync();
      });
      if (roll) {
        await fsyncDir(this.options.dir);
        this.segments = [...this.segments, segment];
      }
      this.tail = { segment, validEnd: offset + bytes.length, nextSequence: tail.nextSequence + BigInt(frames.length) };
      await this.writeWatermark(segment, this.tail.validEnd);
      return frames.map((f) => f.sequence.toString());
    });
  }

  /**
   * Picks up segments and frames written since the last call. Returns true when the last
   * segment ends in bytes that are not a whole valid frame (a torn tail, or a write underway).
   *
   * A consumer must never act on a record that a power loss could take back (its sequence
   * number would be reused). So while a live writer holds the lock, a reader trusts the last
   * segment only up to the watermark that writer's predecessors left after their fsync; when
   * no one holds it, every whole frame present was fsynced by a writer that has finished (the
   * size is read before the lock is checked, so a writer arriving in between does not count).
   */
  private async refresh(mode: 'reader' | 'writer'): Promise<boolean> {
    this.segments = await listSegments(this.options.dir);
    const last = this.segments[this.segments.length - 1];
    if (last === undefined) {
      this.tail = { segment: undefined, validEnd: 0, nextSequence: FIRST_SEQUENCE };
      return false;
    }
    if (this.tail.segment !== last) this.tail = { segment: last, validEnd: 0, nextSequence: last };
    return this.withSegment(last, 'r', async (fh) => {
      const size = (await fh.stat()).size;
      if (size < this.tail.validEnd) this.tail = { segment: last, validEnd: 0, nextSequence: last };
      if (size === this.tail.validEnd) return false;
      let limit = size;
      if (mode === 'reader' && (await isLockHeld(this.options.lockPath))) {
        const watermark = await this.readWatermark();
        limit = watermark?.segment === last ? Math.min(size, watermark.end) : this.tail.validEnd;
        if (limit <= this.tail.validEnd) return false;
      }
      let next = this.tail.nextSequence;
      const scan = await scanSegment(fh, this.tail.validEnd, limit, (frame) => {
        if (frame.sequence !== next) throw this.corrupt(last, this.tail.validEnd, `frame has sequence ${frame.sequence}, expected ${next}`);
        next += 1n;
        return true;
      });
      this.tail = { segment: last, validEnd: scan.end, nextSequence: next };
      return scan.stop !== 'end';
    });
  }

  /**
   * Records how far the last segment is fsynced: `<shardDir>/watermark`, u64 first sequence of the
   * segment, u64 byte offset, u32 CRC of both. Not fsynced itself: it only ever understates what
   * is durable.
   */
  private async writeWatermark(segment: bigint, end: number): Promise<void> {
    const bytes = Buffer.alloc(WATERMARK_BYTES);
    bytes.writeBigUInt64LE(segment, 0);
    bytes.writeBigUInt64LE(BigInt(end), 8);
    bytes.writeUInt32LE(crc32(bytes.subarray(0, 16)), 16);
    // Overwrite in place (no O_TRUNC), so a reader never finds the file empty.
    const fh = await open(join(this.options.dir, WATERMARK_FILE), constants.O_WRONLY | constants.O_CREAT);
    try {
      await fh.write(bytes, 0, WATERMARK_BYTES, 0);
    } finally {
      await fh.close();
    }
  }

  private async readWatermark(): Promise<{ segment: bigint; end: number } | undefined> {
    let bytes: Buffer;
    try {
      bytes = await readFile(join(this.options.dir, WATERMARK_FILE));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    // A read that raced a rewrite fails the CRC and counts as no watermark.
    if (bytes.length !== WATERMARK_BYTES || crc32(bytes.subarray(0, 16)) !== bytes.readUInt32LE(16)) return undefined;
    return { segment: bytes.readBigUInt64LE(0), end: Number(bytes.readBigUInt64LE(8)) };
  }

  private latest(tail: Tail = this.tail): string {
    return tail.nextSequence > FIRST_SEQUENCE ? (tail.nextSequence - 1n).toString() : '';
  }

  private toRecord(frame: FrameView, buf: Buffer): StreamRecord {
    return {
      shardId: this.options.shardId,
      sequenceNumber: frame.sequence.toString(),
      partitionKey: buf.toString('utf8', frame.keyStart, frame.keyEnd),
      // Copy: `buf` is reused by the scanner.
      data: new Uint8Array(buf.subarray(frame.dataStart, frame.dataEnd)),
      approximateArrivalTimestamp: new Date(frame.arrivalMs),
    };
  }

  private remember(next: bigint, position: Position): void {
    this.positions.delete(next);
    this.positions.set(next, position);
    if (this.positions.size > POSITION_CACHE_SIZE) this.positions.delete(this.positions.keys().next().value!);
  }

  private async withSegment<T>(segment: bigint, flags: 'r' | 'r+' | 'wx', fn: (fh: FileHandle) => Promise<T>): Promise<T> {
    const fh = await open(join(this.options.dir, segmentFileName(segment)), flags);
    try {
      return await fn(fh);
    } finally {
      await fh.close();
    }
  }

  private corrupt(segment: bigint, offset: number, reason: string | undefined): TerminalError {
    const path = join(this.options.dir, segmentFileName(segment));
    return new TerminalError(
      'STREAM_SEGMENT_CORRUPT',
      `stream "${this.options.stream}" shard ${this.options.shardId}: segment ${path} is corrupt at byte ${offset} (${reason ?? 'unknown'}); restore the file from a backup, or truncate it at that byte to drop the records after it`,
      { fields: { stream: this.options.stream, shardId: this.options.shardId, path, offset } },
    );
  }
}
