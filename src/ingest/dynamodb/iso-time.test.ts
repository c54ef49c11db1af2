import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { civilFromDays, daysFromCivil, parseIsoDateDays, parseIsoTimestampMicros, utcDateOfMicros } from './iso-time.ts';

describe('iso-time', () => {
  it('converts calendar dates to day numbers and back, matching Date.UTC', () => {
    for (const [y, m, d] of [[1970, 1, 1], [2000, 2, 29], [2024, 5, 1], [1969, 12, 31], [1900, 3, 1], [2100, 12, 31]] as const) {
      const days = daysFromCivil(y, m, d);
      assert.equal(days, Date.UTC(y, m - 1, d) / 86_400_000);
      assert.equal(civilFromDays(days), `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
    }
  });

  it('parses ISO-8601 timestamps to epoch microseconds, offsets applied', () => {
    assert.equal(parseIsoTimestampMicros('2024-05-01T00:00:00Z'), 1714521600000000n);
    assert.equal(parseIsoTimestampMicros('2024-05-01T02:00:00+02:00'), 1714521600000000n);
    assert.equal(parseIsoTimestampMicros('2024-04-30T19:00:00-0500'), 1714521600000000n);
    assert.equal(parseIsoTimestampMicros('2024-05-01 00:00:00.5z'), 1714521600500000n);
    assert.equal(parseIsoTimestampMicros('2024-05-01T00:00Z'), 1714521600000000n);
    assert.equal(parseIsoTimestampMicros('2024-05-01'), 1714521600000000n);
    assert.equal(parseIsoTimestampMicros('1969-12-31T23:59:59.999999Z'), -1n);
    assert.equal(parseIsoTimestampMicros('0099-01-01T00:00:00Z'), BigInt(Date.parse('0099-01-01T00:00:00Z')) * 1000n);
  });

  it('explains why a timestamp does not parse', () => {
    assert.match(String(parseIsoTimestampMicros('2024-05-01T00:00:00')), /no UTC offset/);
    assert.match(String(parseIsoTimestampMicros('2023-02-29T00:00:00Z')), /day 29 does not exist in 2023-02/);
    assert.match(String(parseIsoTimestampMicros('2024-05-01T24:00:00Z')), /out of range/);
    assert.match(String(parseIsoTimestampMicros('2024-05-01T00:00:00+25:00')), /UTC offset \+25:00 is out of range/);
    assert.match(String(parseIsoTimestampMicros('May 1, 2024')), /not an ISO-8601 timestamp/);
  });

  it('parses dates and gives the UTC date of a time', () => {
    assert.equal(parseIsoDateDays('2024-05-01'), 19844);
    assert.match(String(parseIsoDateDays('2024-5-1')), /not a YYYY-MM-DD date/);
    assert.equal(utcDateOfMicros(1714521599999999n), '2024-04-30');
    assert.equal(utcDateOfMicros(1714521600000000n), '2024-05-01');
    assert.equal(utcDateOfMicros(-1n), '1969-12-31');
  });
});
