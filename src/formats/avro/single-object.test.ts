import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAvroSchema } from './avro-schema.ts';
import { everything, everythingRecord, toPlain } from './avro-test-records.ts';
import { decodeSingleObject, encodeSingleObject, readSingleObjectFingerprint } from './single-object.ts';

const v1 = parseAvroSchema({ type: 'record', name: 'Event', fields: [{ name: 'id', type: 'long' }] });
const v2 = parseAvroSchema({
  type: 'record',
  name: 'Event',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'source', type: 'string', default: 'unknown' },
  ],
});

describe('single-object encoding', () => {
  it('frames the datum with C3 01 and the little-endian fingerprint', () => {
    const message = encodeSingleObject(v1, { id: 2n ** 60n });
    assert.deepEqual(message.subarray(0, 2), Buffer.from([0xc3, 0x01]));
    assert.deepEqual(message.subarray(2, 10), v1.fingerprintBytes);
    assert.deepEqual(message.subarray(10), v1.type.toBuffer({ id: 2n ** 60n }));
    assert.equal(readSingleObjectFingerprint(message), v1.fingerprint);
    assert.deepEqual(toPlain(decodeSingleObject(message, v1)), { id: 2n ** 60n });
  });

  it('round-trips every type', () => {
    const record = everythingRecord(3);
    assert.deepEqual(toPlain(decodeSingleObject(encodeSingleObject(everything, record), everything)), record);
  });

  it('finds the writer schema by fingerprint and resolves into a reader schema', () => {
    const registry = new Map([v1, v2].map((s) => [s.fingerprint, s]));
    const message = encodeSingleObject(v1, { id: 7 });
    assert.deepEqual(toPlain(decodeSingleObject(message, (fp) => registry.get(fp), { readerSchema: v2 })), { id: 7, source: 'unknown' });
  });

  it('rejects messages it cannot trust', () => {
    const message = encodeSingleObject(v1, { id: 7 });
    const cases: [Buffer, Parameters<typeof decodeSingleObject>[1], RegExp][] = [
      [Buffer.from([0xc3, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0]), v1, /does not start with the single-object marker/],
      [message.subarray(0, 6), v1, /does not start with the single-object marker/],
      [message, v2, new RegExp(`written with schema fingerprint ${v1.fingerprint}, not ${v2.fingerprint}`)],
      [message, () => undefined, new RegExp(`no schema is registered for fingerprint ${v1.fingerprint}`)],
      [message.subarray(0, 10), v1, /its datum cannot be decoded \(truncated buffer\)/],
      [Buffer.concat([message, Buffer.from([0])]), v1, /its datum cannot be decoded \(trailing data\)/],
    ];
    for (const [bytes, writer, reason] of cases) {
      assert.throws(() => decodeSingleObject(bytes, writer), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'AVRO_INVALID_MESSAGE');
        assert.match(err.message, reason);
        return true;
      });
    }
    assert.equal(readSingleObjectFingerprint(Buffer.from('{"id":7}')), null);
    assert.throws(() => encodeSingleObject(v1, { id: 'seven' }), { code: 'AVRO_INVALID_RECORD' });
  });
});
