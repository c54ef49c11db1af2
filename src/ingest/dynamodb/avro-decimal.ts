/**
 * Avro `decimal` bytes: the unscaled integer as big-endian two's complement, in the fewest bytes
 * (`bytes` decimals) or sign-extended to `size` bytes (`fixed` decimals). Returns undefined when
 * the value does not fit `size`.
 */
export function encodeAvroDecimal(unscaled: bigint, size?: number): Buffer | undefined {
  let length = 1;
  while (unscaled < -(1n << BigInt(8 * length - 1)) || unscaled >= 1n << BigInt(8 * length - 1)) length++;
  if (size !== undefined) {
    if (length > size) return undefined;
    length = size;
  }
  let rest = BigInt.asUintN(8 * length, unscaled);
  const bytes = Buffer.alloc(length);
  for (let i = length - 1; i >= 0; i--) {
    bytes[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return bytes;
}

/** The unscaled integer of Avro `decimal` bytes (big-endian two's complement). */
export function decodeAvroDecimal(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return BigInt.asIntN(8 * bytes.length, value);
}
