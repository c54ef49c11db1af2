import type { FileHandle } from 'node:fs/promises';
import { readdir } from 'node:fs/promises';
import { decodeFrame } from './segment-frame.ts';
import type { FrameView } from './segment-frame.ts';

const SEGMENT_NAME = /^([0-9]{20})\.seg$/;
const READ_CHUNK_BYTES = 1024 * 1024;

/** `<firstSeq>.seg`, zero-padded to 20 digits so a directory listing sorts by sequence. */
export function segmentFileName(firstSequence: bigint): string {
  return `${firstSequence.toString().padStart(20, '0')}.seg`;
}

/** First sequence numbers of a shard's segments, ascending ([] when the folder is missing). */
export async function listSegments(shardDir: string): Promise<bigint[]> {
  let names: string[];
  try {
    names = await readdir(shardDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const firsts: bigint[] = [];
  for (const name of names) {
    const match = SEGMENT_NAME.exec(name);
    if (match) firsts.push(BigInt(match[1]!));
  }
  return firsts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Called per valid frame. `buf` is reused after the call returns: copy what you keep.
 * Return false to stop the scan before this frame (it is not counted as consumed).
 */
export type FrameVisitor = (frame: FrameView, buf: Buffer) => boolean;

export interface ScanResult {
  /** File offset just past the last frame consumed. */
  end: number;
  /** Why the scan stopped: reached `to`, the visitor said stop, a partial frame, a bad frame. */
  stop: 'end' | 'visitor' | 'incomplete' | 'corrupt';
  reason?: string;
}

/**
 * Visits the frames of a segment from byte `from` up to byte `to` (normally the file size),
 * reading in large chunks. Stops at the first frame that is incomplete or fails its checks; the
 * caller decides whether that is a torn tail (last segment) or corruption (a sealed one).
 */
export async function scanSegment(fh: FileHandle, from: number, to: number, visit: FrameVisitor): Promise<ScanResult> {
  let buf = Buffer.allocUnsafe(Math.min(READ_CHUNK_BYTES, Math.max(to - from, 1)));
  let bufStart = from;
  let bufLength = 0;
  let pos = from;
  while (pos < to) {
    const rel = pos - bufStart;
    const decoded = decodeFrame(buf, rel, bufLength);
    if (decoded.status === 'ok') {
      if (!visit(decoded.frame, buf)) return { end: pos, stop: 'visitor' };
      pos += decoded.frame.size;
      continue;
    }
    if (decoded.status === 'corrupt') return { end: pos, stop: 'corrupt', reason: decoded.reason };
    if (pos + decoded.needBytes > to) return { end: pos, stop: 'incomplete', reason: `frame needs ${decoded.needBytes} bytes, ${to - pos} remain` };
    // Refill: keep the partial frame at the front, read the rest behind it.
    const kept = bufLength - rel;
    const want = Math.min(Math.max(READ_CHUNK_BYTES, decoded.needBytes), to - pos);
    const next = want > buf.length ? Buffer.allocUnsafe(want) : buf;
    buf.copy(next, 0, rel, bufLength);
    buf = next;
    const { bytesRead } = await fh.read(buf, kept, want - kept, pos + kept);
    bufStart = pos;
    bufLength = kept + bytesRead;
    if (bytesRead === 0) return { end: pos, stop: 'incomplete', reason: 'file ended early' };
  }
  return { end: pos, stop: 'end' };
}
