import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../errors.ts';
import { compileFilterPolicy } from './filter-policy.ts';
import type { FilterPolicyScope, MessageAttributeValue } from './filter-policy.ts';
import { InvalidFilterPolicyError } from './notify-errors.ts';

function attrs(policy: unknown, attributes: Record<string, MessageAttributeValue>): boolean {
  return compileFilterPolicy(policy).matches({ attributes, body: undefined });
}

function body(policy: unknown, message: unknown): boolean {
  return compileFilterPolicy(policy, 'MessageBody').matches({ attributes: {}, body: message });
}

function rejects(policy: unknown, reason: RegExp, scope?: FilterPolicyScope): void {
  assert.throws(
    () => compileFilterPolicy(policy, scope),
    (err: unknown) => {
      assert.ok(err instanceof InvalidFilterPolicyError);
      assert.ok(err instanceof ValidationError);
      assert.equal(err.code, 'FILTER_POLICY_INVALID');
      assert.match(err.message, reason);
      return true;
    },
  );
}

describe('filter policy: MessageAttributes scope', () => {
  it('matches exact strings, case-sensitively, and any entry of a value array (OR)', () => {
    const p = { store: ['example_corp', 'other'] };
    assert.equal(attrs(p, { store: 'example_corp' }), true);
    assert.equal(attrs(p, { store: 'other' }), true);
    assert.equal(attrs(p, { store: 'Example_Corp' }), false);
    assert.equal(attrs(p, {}), false);
  });

  it('requires every key to match (AND) and ignores attributes the policy does not name', () => {
    const p = { store: ['a'], event: ['order_placed'] };
    assert.equal(attrs(p, { store: 'a', event: 'order_placed', extra: 'x' }), true);
    assert.equal(attrs(p, { store: 'a', event: 'order_cancelled' }), false);
    assert.equal(attrs(p, { store: 'a' }), false);
  });

  it('matches exact numbers against Number attributes only', () => {
    assert.equal(attrs({ price: [100] }, { price: 100 }), true);
    assert.equal(attrs({ price: [100] }, { price: 100.0 }), true);
    assert.equal(attrs({ price: [100] }, { price: '100' }), false);
    assert.equal(attrs({ price: ['100'] }, { price: 100 }), false);
  });

  it('matches a String.Array attribute when any element matches', () => {
    assert.equal(attrs({ tags: ['red'] }, { tags: ['blue', 'red'] }), true);
    assert.equal(attrs({ tags: ['red'] }, { tags: ['blue'] }), false);
  });

  it('prefix and suffix', () => {
    assert.equal(attrs({ color: [{ prefix: 'bl' }] }, { color: 'blue' }), true);
    assert.equal(attrs({ color: [{ prefix: 'bl' }] }, { color: 'red' }), false);
    assert.equal(attrs({ file: [{ suffix: '.png' }] }, { file: 'a.png' }), true);
    assert.equal(attrs({ file: [{ suffix: '.png' }] }, { file: 'a.jpg' }), false);
    assert.equal(attrs({ n: [{ prefix: '1' }] }, { n: 12 }), false);
  });

  it('anything-but with a value, a list, numbers, a prefix and a suffix; absent keys do not match', () => {
    assert.equal(attrs({ s: [{ 'anything-but': 'x' }] }, { s: 'y' }), true);
    assert.equal(attrs({ s: [{ 'anything-but': 'x' }] }, { s: 'x' }), false);
    assert.equal(attrs({ s: [{ 'anything-but': ['x', 'y'] }] }, { s: 'y' }), false);
    assert.equal(attrs({ s: [{ 'anything-but': ['x', 'y'] }] }, { s: 'z' }), true);
    assert.equal(attrs({ n: [{ 'anything-but': [100, 200] }] }, { n: 100 }), false);
    assert.equal(attrs({ n: [{ 'anything-but': [100, 200] }] }, { n: 150 }), true);
    assert.equal(attrs({ s: [{ 'anything-but': { prefix: 'order-' } }] }, { s: 'order-1' }), false);
    assert.equal(attrs({ s: [{ 'anything-but': { prefix: 'order-' } }] }, { s: 'refund-1' }), true);
    assert.equal(attrs({ s: [{ 'anything-but': { suffix: '.tmp' } }] }, { s: 'a.tmp' }), false);
    assert.equal(attrs({ s: [{ 'anything-but': { suffix: '.tmp' } }] }, { s: 'a.csv' }), true);
    assert.equal(attrs({ s: [{ 'anything-but': 'x' }] }, {}), false);
  });

  it('numeric comparisons and ranges', () => {
    const num = (cond: unknown[], n: number): boolean => attrs({ n: [{ numeric: cond }] }, { n });
    assert.equal(num(['=', 5], 5), true);
    assert.equal(num(['=', 5], 5.5), false);
    assert.equal(num(['<', 5], 4), true);
    assert.equal(num(['<', 5], 5), false);
    assert.equal(num(['<=', 5], 5), true);
    assert.equal(num(['>', 5], 5), false);
    assert.equal(num(['>', 5], 6), true);
    assert.equal(num(['>=', 5], 5), true);
    assert.equal(num(['>', 0, '<=', 150], 150), true);
    assert.equal(num(['>', 0, '<=', 150], 0), false);
    assert.equal(num(['>=', 0, '<', 150], 150), false);
    assert.equal(attrs({ n: [{ numeric: ['>', 0] }] }, { n: '5' }), false);
  });

  it('exists true and false', () => {
    assert.equal(attrs({ k: [{ exists: true }] }, { k: 'v' }), true);
    assert.equal(attrs({ k: [{ exists: true }] }, {}), false);
    assert.equal(attrs({ k: [{ exists: false }] }, {}), true);
    assert.equal(attrs({ k: [{ exists: false }] }, { k: 'v' }), false);
  });

  it('equals-ignore-case', () => {
    assert.equal(attrs({ s: [{ 'equals-ignore-case': 'ReD' }] }, { s: 'red' }), true);
    assert.equal(attrs({ s: [{ 'equals-ignore-case': 'ReD' }] }, { s: 'reddish' }), false);
  });

  it('cidr for IPv4 and IPv6', () => {
    assert.equal(attrs({ ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '10.0.0.255' }), true);
    assert.equal(attrs({ ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '10.0.1.0' }), false);
    assert.equal(attrs({ ip: [{ cidr: '10.0.0.0/24' }] }, { ip: 'not-an-ip' }), false);
    assert.equal(attrs({ ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db8:1::1' }), true);
    assert.equal(attrs({ ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db9::1' }), false);
  });

  it('$or accepts the message when one branch matches', () => {
    const p = { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }] };
    assert.equal(attrs(p, { source: 'aws.cloudwatch', metricName: 'CPUUtilization' }), true);
    assert.equal(attrs(p, { source: 'aws.cloudwatch', namespace: 'AWS/EC2' }), true);
    assert.equal(attrs(p, { source: 'aws.cloudwatch', namespace: 'AWS/S3' }), false);
    assert.equal(attrs(p, { source: 'other', namespace: 'AWS/EC2' }), false);
  });

  it('accepts the policy as JSON text', () => {
    assert.equal(attrs('{"store":["a"]}', { store: 'a' }), true);
  });
});

describe('filter policy: MessageBody scope', () => {
  const message = {
    patient: { name: 'Ana', age: 42, address: { city: 'Lisbon', ip: '192.168.1.7' } },
    tags: ['urgent', 'lab'],
    status: 'FAILED',
    retry: null,
    items: [{ sku: 'a-1' }, { sku: 'b-2' }],
  };

  it('matches nested keys with every operator', () => {
    assert.equal(body({ patient: { address: { city: ['Lisbon'] } } }, message), true);
    assert.equal(body({ patient: { address: { city: ['Porto'] } } }, message), false);
    assert.equal(body({ patient: { age: [{ numeric: ['>=', 18, '<', 65] }] } }, message), true);
    assert.equal(body({ patient: { name: [{ prefix: 'A' }] } }, message), true);
    assert.equal(body({ status: [{ 'equals-ignore-case': 'failed' }] }, message), true);
    assert.equal(body({ status: [{ 'anything-but': ['FAILED'] }] }, message), false);
    assert.equal(body({ patient: { address: { ip: [{ cidr: '192.168.0.0/16' }] } } }, message), true);
    assert.equal(body({ patient: { email: [{ exists: false }] } }, message), true);
    assert.equal(body({ patient: { name: [{ exists: true }] } }, message), true);
    assert.equal(body({ retry: [null] }, message), true);
  });

  it('matches arrays in the body when any element matches, also through arrays of objects', () => {
    assert.equal(body({ tags: ['lab'] }, message), true);
    assert.equal(body({ tags: ['billing'] }, message), false);
    assert.equal(body({ items: { sku: [{ suffix: '-2' }] } }, message), true);
  });

  it('applies $or to nested keys', () => {
    const p = { patient: { $or: [{ age: [{ numeric: ['<', 18] }] }, { address: { city: ['Lisbon'] } }] } };
    assert.equal(body(p, message), true);
    assert.equal(body(p, { patient: { age: 30, address: { city: 'Porto' } } }), false);
  });

  it('never matches a body that is not a JSON object', () => {
    assert.equal(body({ status: [{ exists: false }] }, undefined), false);
    assert.equal(body({ status: ['x'] }, 'plain text'), false);
  });
});

describe('filter policy: invalid policies', () => {
  it('rejects policies that are not objects or are empty', () => {
    rejects(null, /expected a JSON object/);
    rejects([], /expected a JSON object/);
    rejects({}, /at least one key/);
    rejects('{not json', /not JSON/);
  });

  it('rejects bad value arrays and unknown operators', () => {
    rejects({ a: 'x' }, /needs an array of values/);
    rejects({ a: [] }, /empty value array/);
    rejects({ a: [{ wildcard: '*' }] }, /unknown operator "wildcard"/);
    rejects({ a: [{ prefix: 'x', suffix: 'y' }] }, /exactly one operator/);
    rejects({ a: [[1]] }, /expected a string, number/);
  });

  it('rejects bad operator arguments', () => {
    rejects({ a: [{ prefix: '' }] }, /"prefix" needs a non-empty string/);
    rejects({ a: [{ suffix: 3 }] }, /"suffix" needs a non-empty string/);
    rejects({ a: [{ 'equals-ignore-case': ['x'] }] }, /"equals-ignore-case" needs a non-empty string/);
    rejects({ a: [{ exists: 'yes' }] }, /"exists" needs true or false/);
    rejects({ a: [{ 'anything-but': [] }] }, /at least one value/);
    rejects({ a: [{ 'anything-but': { wildcard: 'x' } }] }, /"anything-but" accepts/);
    rejects({ a: [{ 'anything-but': [true] }] }, /strings or numbers/);
    rejects({ a: [{ cidr: '10.0.0.0' }] }, /"cidr" needs an IPv4 or IPv6 block/);
    rejects({ a: [{ cidr: '10.0.0.0/33' }] }, /"cidr" needs/);
    rejects({ a: [{ cidr: '300.0.0.0/8' }] }, /"cidr" needs/);
  });

  it('rejects malformed numeric conditions', () => {
    rejects({ a: [{ numeric: ['>'] }] }, /"numeric" needs/);
    rejects({ a: [{ numeric: ['!=', 1] }] }, /unknown numeric operator/);
    rejects({ a: [{ numeric: ['>', '1'] }] }, /needs a number/);
    rejects({ a: [{ numeric: ['<', 1, '>', 0] }] }, /a numeric range is/);
    rejects({ a: [{ numeric: ['>', 10, '<', 5] }] }, /range is empty/);
    rejects({ a: [{ numeric: ['>', 2e9] }] }, /outside -1e9\.\.1e9/);
  });

  it('rejects nested keys in the MessageAttributes scope but accepts them for MessageBody', () => {
    rejects({ a: { b: ['x'] } }, /only the MessageBody scope accepts/);
    assert.doesNotThrow(() => compileFilterPolicy({ a: { b: ['x'] } }, 'MessageBody'));
  });

  it('rejects a bad $or and an unknown scope', () => {
    rejects({ $or: [{ a: ['x'] }] }, /"\$or" needs an array of at least two/);
    rejects({ $or: [{ a: ['x'] }, 'b'] }, /expected a JSON object/);
    rejects({ a: ['x'] }, /scope "Everything" is unknown/, 'Everything' as FilterPolicyScope);
  });

  it('enforces the SNS limits of 150 combinations and 5 keys', () => {
    const many = (n: number): string[] => Array.from({ length: n }, (_, i) => `v${i}`);
    rejects({ a: many(13), b: many(12) }, /156 value combinations, more than 150/);
    assert.doesNotThrow(() => compileFilterPolicy({ a: many(15), b: many(10) }));
    rejects({ a: ['1'], b: ['1'], c: ['1'], d: ['1'], e: ['1'], f: ['1'] }, /6 keys, more than 5/);
  });

  it('names the path of the bad part', () => {
    assert.throws(
      () => compileFilterPolicy({ outer: { inner: [{ numeric: ['>', 'x'] }] } }, 'MessageBody'),
      (err: unknown) => err instanceof InvalidFilterPolicyError && err.fields.path === '$.outer.inner[0].numeric[1]',
    );
  });
});
