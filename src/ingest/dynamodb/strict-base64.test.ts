import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeStrictBase64 } from './strict-base64.ts';

describe('decodeStrictBase64', () => {
  it('decodes padded base64, including empty input', () => {
    assert.deepEqual(decodeStrictBase64('AAEqQQ=='), Buffer.from([0, 1, 42, 65]));
    assert.deepEqual(decodeStrictBase64('QSoB'), Buffer.from([65, 42, 1]));
    assert.deepEqual(decodeStrictBase64(''), Buffer.alloc(0));
  });

  it('names the offending character', () => {
    assert.equal(decodeStrictBase64('AA-qQQ=='), 'invalid base64 character "-" at offset 2');
    assert.equal(decodeStrictBase64('AAEq QQ=='), 'invalid base64 character " " at offset 4');
  });

  it('rejects missing padding and misplaced padding', () => {
    assert.match(String(decodeStrictBase64('AAEqQQ')), /length 6 is not a multiple of 4/);
    assert.equal(decodeStrictBase64('AA==AAAA'), 'misplaced "=" padding in base64');
  });
});
