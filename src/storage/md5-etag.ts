import { createHash } from 'node:crypto';

/** S3's ETag for a single-part object: the MD5 of the content, hex, in double quotes. */
export function md5Etag(content: Uint8Array): string {
  return `"${createHash('md5').update(content).digest('hex')}"`;
}

/** The body of a put() as bytes (strings are UTF-8). */
export function toBytes(body: Uint8Array | string): Buffer {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}
