// Test support shared by the Avro unit tests: a schema using every type and matching records.
import { parseAvroSchema } from './avro-schema.ts';

/** A record schema with every Avro type, ambiguous and nullable unions, and logical types. */
export const everything = parseAvroSchema({
  type: 'record',
  name: 'Everything',
  namespace: 'lakestack.test',
  fields: [
    { name: 'n', type: 'null' },
    { name: 'b', type: 'boolean' },
    { name: 'i', type: 'int' },
    { name: 'l', type: 'long' },
    { name: 'f', type: 'float' },
    { name: 'd', type: 'double' },
    { name: 'by', type: 'bytes' },
    { name: 's', type: 'string' },
    { name: 'e', type: { type: 'enum', name: 'Color', symbols: ['RED', 'GREEN', 'BLUE'] } },
    { name: 'fx', type: { type: 'fixed', name: 'Hash', size: 4 } },
    { name: 'a', type: { type: 'array', items: 'long' } },
    { name: 'm', type: { type: 'map', values: ['null', 'double'] } },
    { name: 'r', type: { type: 'record', name: 'Inner', fields: [{ name: 'x', type: 'int' }] } },
    { name: 'u', type: ['null', 'string', 'Inner'] },
    { name: 'amb', type: ['int', 'long', 'string'] },
    { name: 'ts', type: { type: 'long', logicalType: 'timestamp-micros' } },
    { name: 'dec', type: { type: 'bytes', logicalType: 'decimal', precision: 9, scale: 2 } },
  ],
});

/** A record exercising every type; `i` varies the values, including longs beyond 2^53. */
export function everythingRecord(i: number): Record<string, unknown> {
  return {
    n: null,
    b: i % 2 === 0,
    i: i - 1000,
    l: i % 3 === 0 ? 2n ** 62n + BigInt(i) : -i * 1_000_003,
    f: Math.fround(i * 0.5),
    d: i / 7,
    by: Buffer.from([i & 0xff, (i >> 8) & 0xff]),
    s: `row ${i} ✓`,
    e: ['RED', 'GREEN', 'BLUE'][i % 3],
    fx: Buffer.from([1, 2, 3, i & 0xff]),
    a: i % 5 === 0 ? [] : [i, -(2n ** 60n)],
    m: { x: i * 1.5, y: null },
    r: { x: i },
    u: i % 3 === 0 ? null : i % 3 === 1 ? `u${i}` : { x: -i },
    amb: i % 3 === 0 ? { int: i } : i % 3 === 1 ? { long: 2n ** 55n } : { string: 's' },
    ts: 1714521600000000 + i,
    dec: Buffer.from([0x01, i & 0xff]),
  };
}

/** Deep copy into plain objects so records compare by value, not by avsc's record classes. */
export function toPlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toPlain);
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v)]));
}
