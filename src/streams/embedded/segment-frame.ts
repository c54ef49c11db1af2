import { crc32 } from 'node:zlib';
import { MAX_PARTITION_KEY_LENGTH, MAX_RECORD_BYTES } from '../stream-validation.ts';

/**
 * One record in a segment file, little-endian:
 *
 * ```
 * u32 bodyLength | u32 crc32(bodyLength bytes ++ body) | body
 * body = u64 sequence | f64 arrival (epoch ms) | u16 keyLength | key (UTF-8) | data
 * ```
 *
 * The CRC covers the length too, so a run of zero bytes (a filesystem that extended the file but
 * lost the data in a crash) never parses as a frame.
 */
export const FRAME_HEADER_BYTES = 8;
const BODY_FIXED_BYTES = 18;
/** A length above this is garbage, never a frame: a key is at most 4 UTF-8 bytes a character. */
export const MAX_FRAME_BYTES = FRAME_HEADER_BYTES + BODY_FIXED_BYTES + 4 * MAX_PARTITION_KEY_LENGTH + MAX_RECORD_BYTES;

/** A record to encode, with the sequence number it is assigned. */
export interface FrameInput {
  sequence: bigint;
  arrivalMs: number;
  partitionKey: string;
  data: Uint8Array;
}

/** A decoded frame: offsets point into the buffer it was decoded from. */
export interface FrameView {
  /** Bytes the frame occupies, header included. */
  size: number;
  sequence: bigint;
  arrivalMs: number;
  keyStart: number;
  keyEnd: number;
  dataStart: number;
  dataEnd: number;
}

/** Outcome of decoding at one offset. */
export type FrameDecode =
  | { status: 'ok'; frame: FrameView }
  /** The buffer ends before the frame does: a write in progress, or a torn tail. */
  | { status: 'incomplete'; needBytes: number }
  /** Length or CRC are wrong: a torn tail, or corruption. */
  | { status: 'corrupt'; reason: string };

/** Encodes frames back to back into one buffer, so a batch is one write. */
export function encodeFrames(frames: readonly FrameInput[]): Buffer {
  const keys = frames.map((f) => Buffer.from(f.partitionKey, 'utf8'));
  let total = 0;
  frames.forEach((f, i) => {
    total += FRAME_HEADER_BYTES + BODY_FIXED_BYTES + keys[i]!.length + f.data.byteLength;
  });
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  frames.forEach((f, i) => {
    const key = keys[i]!;
    const bodyLength = BODY_FIXED_BYTES + key.length + f.data.byteLength;
    const body = at + FRAME_HEADER_BYTES;
    out.writeUInt32LE(bodyLength, at);
    out.writeBigUInt64LE(f.sequence, body);
    out.writeDoubleLE(f.arrivalMs, body + 8);
    out.writeUInt16LE(key.length, body + 16);
    key.copy(out, body + BODY_FIXED_BYTES);
    out.set(f.data, body + BODY_FIXED_BYTES + key.length);
    out.writeUInt32LE(frameCrc(out, at, bodyLength), at + 4);
    at = body + bodyLength;
  });
  return out;
}

/** Decodes the frame starting at `offset`; bytes at and after `end` are not looked at. */
export function decodeFrame(buf: Buffer, offset: number, end: number): FrameDecode {
  if (end - offset < FRAME_HEADER_BYTES) return { status: 'incomplete', needBytes: FRAME_HEADER_BYTES };
  const bodyLength = buf.readUInt32LE(offset);
  if (bodyLength < BODY_FIXED_BYTES) return { status: 'corrupt', reason: `body length ${bodyLength} is below the minimum ${BODY_FIXED_BYTES}` };
  const size = FRAME_HEADER_BYTES + bodyLength;
  if (size > MAX_FRAME_BYTES) return { status: 'corrupt', reason: `frame length ${size} exceeds the maximum ${MAX_FRAME_BYTES}` };
  if (end - offset < size) return { status: 'incomplete', needBytes: size };
  if (frameCrc(buf, offset, bodyLength) !== buf.readUInt32LE(offset + 4)) return { status: 'corrupt', reason: 'CRC mismatch' };
  const body = offset + FRAME_HEADER_BYTES;
  const keyLength = buf.readUInt16LE(body + 16);
  const keyStart = body + BODY_FIXED_BYTES;
  if (keyLength > bodyLength - BODY_FIXED_BYTES) return { status: 'corrupt', reason: `key length ${keyLength} exceeds the body` };
  return {
    status: 'ok',
    frame: {
      size,
      sequence: buf.readBigUInt64LE(body),
      arrivalMs: buf.readDoubleLE(body + 8),
      keyStart,
      keyEnd: keyStart + keyLength,
      dataStart: keyStart + keyLength,
      dataEnd: body + bodyLength,
    },
  };
}

function frameCrc(buf: Buffer, offset: number, bodyLength: number): number {
  const lengthCrc = crc32(buf.subarray(offset, offset + 4));
  return crc32(buf.subarray(offset + FRAME_HEADER_BYTES, offset + FRAME_HEADER_BYTES + bodyLength), lengthCrc);
}
