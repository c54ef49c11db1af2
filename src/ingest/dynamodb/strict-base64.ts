const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const BASE64_CHAR = /[A-Za-z0-9+/=]/;

/**
 * Decodes padded standard base64 (RFC 4648 §4), as DynamoDB and Kinesis write it. Returns the bytes,
 * or the reason the text is not base64: unlike `Buffer.from(text, 'base64')`, which skips bad
 * characters, corrupt input is reported instead of silently shortened.
 */
export function decodeStrictBase64(text: string): Buffer | string {
  if (BASE64.test(text)) return Buffer.from(text, 'base64');
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (!BASE64_CHAR.test(ch)) return `invalid base64 character ${JSON.stringify(ch)} at offset ${i}`;
  }
  if (text.length % 4 !== 0) return `base64 length ${text.length} is not a multiple of 4 (missing "=" padding?)`;
  return 'misplaced "=" padding in base64';
}
