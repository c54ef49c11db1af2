/**
 * The 64-bit Rabin fingerprint the Avro specification calls CRC-64-AVRO
 * ("Schema Fingerprints"), used for schema ids and single-object encoding.
 */
const EMPTY = 0xc15d213aa4d7a795n;
const MASK_64 = 0xffffffffffffffffn;

const TABLE: readonly bigint[] = Array.from({ length: 256 }, (_, i) => {
  let fp = BigInt(i);
  for (let j = 0; j < 8; j++) fp = (fp >> 1n) ^ (EMPTY & -(fp & 1n) & MASK_64);
  return fp;
});

/** CRC-64-AVRO of `data` (UTF-8 when a string) as an unsigned 64-bit bigint. */
export function rabinFingerprint64(data: string | Uint8Array): bigint {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let fp = EMPTY;
  for (const byte of bytes) {
    fp = (fp >> 8n) ^ (TABLE[Number((fp ^ BigInt(byte)) & 0xffn)] as bigint);
  }
  return fp;
}

/** The fingerprint as Java prints it (a signed 64-bit decimal), e.g. `-8142146995180207161`. */
export function fingerprintToDecimal(fp: bigint): string {
  return BigInt.asIntN(64, fp).toString();
}

/** The fingerprint as the 8 little-endian bytes single-object encoding carries. */
export function fingerprintToBytes(fp: bigint): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE(BigInt.asUintN(64, fp));
  return out;
}
