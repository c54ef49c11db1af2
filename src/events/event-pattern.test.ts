import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { conformanceDir } from '../../test/support/paths.ts';
import { ValidationError } from '../errors.ts';
import { EVENT_PATTERN_MAX_DEPTH } from './event-pattern-compile.ts';
import { InvalidEventError, InvalidEventPatternError } from './event-pattern-errors.ts';
import { compileEventPattern, matchesEventPattern, validateEventPattern } from './event-pattern.ts';

/** Asserts which of `values` (each put at `field` of an event) the leaf `pattern` matches. */
function assertLeaf(pattern: unknown[], matching: unknown[], notMatching: unknown[]): void {
  const compiled = compileEventPattern({ field: pattern });
  for (const value of matching) assert.equal(compiled.matches({ field: value }), true, `${JSON.stringify(pattern)} should match ${JSON.stringify(value)}`);
  for (const value of notMatching) assert.equal(compiled.matches({ field: value }), false, `${JSON.stringify(pattern)} should not match ${JSON.stringify(value)}`);
}

function sampleEvent(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(conformanceDir('eventbridge-patterns'), 'events', name), 'utf8')) as Record<string, unknown>;
}

describe('matchesEventPattern: values', () => {
  it('matches exact strings, booleans and null, never across types', () => {
    assertLeaf(['a', 'b'], ['a', 'b'], ['A', 'ab', 1, true, null]);
    assertLeaf([true], [true], [false, 'true', 1]);
    assertLeaf([null], [null], ['', 'null', 0, false]);
  });

  it('keeps null, the empty string and an absent field apart', () => {
    const event = { detail: { eventVersion: '', responseElements: null } };
    assert.equal(matchesEventPattern({ detail: { eventVersion: [''] } }, event), true);
    assert.equal(matchesEventPattern({ detail: { responseElements: [null] } }, event), true);
    assert.equal(matchesEventPattern({ detail: { eventVersion: [null] } }, event), false);
    assert.equal(matchesEventPattern({ detail: { responseElements: [''] } }, event), false);
    assert.equal(matchesEventPattern({ detail: { missing: [null] } }, event), false);
    assert.equal(matchesEventPattern({ detail: { missing: [''] } }, event), false);
  });

  it('matches numbers by value to six decimal places, and large numbers exactly', () => {
    assertLeaf([300], [300, 3.0e2, 300.0000001], [301, '300', 300.000001]);
    assertLeaf([123456789012], [123456789012], [123456789013, '123456789012']);
    assert.equal(matchesEventPattern('{"x":[3.0e2]}', '{"x":300.0}'), true);
  });

  it('matches when any pattern value matches any element of an event array', () => {
    assertLeaf(['b', 'z'], [['a', 'b'], [['x', ['z']]]], [[], ['a'], [{ b: 'b' }]]);
  });
});

describe('matchesEventPattern: string operators', () => {
  it('prefix and suffix, plain and with equals-ignore-case, only on strings', () => {
    assertLeaf([{ prefix: 'us-' }], ['us-east-1', 'us-'], ['eu-west-1', 'US-east-1', 5]);
    assertLeaf([{ prefix: '' }], ['', 'anything'], [1, null]);
    assertLeaf([{ suffix: '.png' }], ['a.png'], ['a.PNG', 'a.png.gz']);
    assertLeaf([{ prefix: { 'equals-ignore-case': 'EventB' } }], ['eventbridge', 'EVENTBUS'], ['event', 'xeventb']);
    assertLeaf([{ suffix: { 'equals-ignore-case': 'TBridge' } }], ['EventBridge', 'TBRIDGE'], ['bridge', 'tbridges']);
  });

  it('equals-ignore-case', () => {
    assertLeaf([{ 'equals-ignore-case': 'alice' }], ['Alice', 'ALICE', 'alice'], ['alicia', 'Alice ', 1]);
  });

  it('wildcard with * runs and the \\* and \\\\ escapes', () => {
    assertLeaf([{ wildcard: 'dir/*.png' }], ['dir/a.png', 'dir/.png', 'dir/x/y.png'], ['dir/a.jpg', 'Dir/a.png', 7]);
    assertLeaf([{ wildcard: '*/lib/*' }], ['/usr/lib/x', 'a/lib/'], ['a/lib', 'lib/x']);
    assertLeaf([{ wildcard: 'a\\*b' }], ['a*b'], ['axb', 'a\\*b']);
    assertLeaf([{ wildcard: 'a\\\\*' }], ['a\\', 'a\\bc'], ['abc']);
    assertLeaf([{ wildcard: 'a.c+' }], ['a.c+'], ['abc+', 'a.cc']);
  });
});

describe('matchesEventPattern: anything-but', () => {
  it('excludes single strings and numbers, and matches values of other types', () => {
    assertLeaf([{ 'anything-but': 'initializing' }], ['running', '', 5, null, true, ['initializing', 'running']], ['initializing', ['initializing']]);
    assertLeaf([{ 'anything-but': 100 }], [101, '100', 100.000001], [100, 1e2, 100.0000001]);
  });

  it('excludes lists of strings or numbers', () => {
    assertLeaf([{ 'anything-but': ['stopped', 'overloaded'] }], ['running', 1], ['stopped', 'overloaded']);
    assertLeaf([{ 'anything-but': [100, 200] }], [300, '100'], [100, 200]);
  });

  it('never matches an absent field', () => {
    assert.equal(matchesEventPattern({ x: [{ 'anything-but': 'a' }] }, { y: 'b' }), false);
  });

  it('excludes by prefix, suffix, ignore-case and wildcard', () => {
    assertLeaf([{ 'anything-but': { prefix: 'us-' } }], ['eu-west-1', 'US-east-1', 3], ['us-east-1']);
    assertLeaf([{ 'anything-but': { suffix: '.png' } }], ['a.jpg', 1], ['a.png']);
    assertLeaf([{ 'anything-but': { 'equals-ignore-case': 'initializing' } }], ['running', 1], ['INITIALIZING', 'Initializing']);
    assertLeaf([{ 'anything-but': { 'equals-ignore-case': ['CamelCase', 'AbC'] } }], ['nomatch'], ['camelcase', 'abc']);
    assertLeaf([{ 'anything-but': { wildcard: '*/lib/*' } }], ['/usr/bin/x', 2], ['/usr/lib/x']);
    assertLeaf([{ 'anything-but': { wildcard: ['*.png', '*.jpg'] } }], ['a.gif'], ['a.png', 'b.jpg']);
  });
});

describe('matchesEventPattern: numeric', () => {
  it('compares with =, <, <=, >, >= and two-sided ranges', () => {
    assertLeaf([{ numeric: ['=', 301.8] }], [301.8, 3.018e2], [301.81, '301.8']);
    assertLeaf([{ numeric: ['<', 10] }], [9.999999, -5e9], [10, 11]);
    assertLeaf([{ numeric: ['<=', 10] }], [10], [10.000001]);
    assertLeaf([{ numeric: ['>', 0] }], [0.000001, 5e9], [0, 0.0000001, -1]);
    assertLeaf([{ numeric: ['>=', 0, '<', 1] }], [0, 0.5, 0.999999], [1, -0.000001]);
    assertLeaf([{ numeric: ['>', 0, '<=', 5] }], [5, 1], [0, 5.000001]);
  });

  it('matches only numbers within ±5.0e9', () => {
    assertLeaf([{ numeric: ['>', 0] }], [[-1, 2]], ['5', true, null, 5.000001e9, []]);
    assertLeaf([{ numeric: ['<', 0] }], [-5e9], [-5.000001e9]);
  });
});

describe('matchesEventPattern: IP addresses', () => {
  it('cidr for IPv4 and IPv6, only on IP strings of the same version', () => {
    assertLeaf([{ cidr: '10.0.0.0/24' }], ['10.0.0.0', '10.0.0.255'], ['10.0.1.0', '9.255.255.255', '10.0.0', '::a00:1', 167772161]);
    assertLeaf([{ cidr: '2001:db8::/32' }], ['2001:db8::1', '2001:DB8:ffff:0:0:0:0:1'], ['2001:db9::', '10.0.0.1', 'not an ip']);
    assertLeaf([{ cidr: '::ffff:10.0.0.0/120' }], ['::ffff:10.0.0.7'], ['::ffff:10.0.1.7']);
  });

  it('cidr ranges start at the address as written, as in event-ruler', () => {
    assertLeaf([{ cidr: '10.0.0.33/24' }], ['10.0.0.33', '10.0.0.255'], ['10.0.0.32', '10.0.0.0']);
  });

  it('an exact IP value matches other notations of the same address', () => {
    assertLeaf(['2001:db8::1'], ['2001:0db8:0:0:0:0:0:1', '2001:db8::1'], ['2001:db8::2', '1.2.3.4']);
    assertLeaf(['10.0.0.1'], ['10.0.0.1'], ['10.0.0.2']);
  });
});

describe('matchesEventPattern: exists', () => {
  it('exists true needs a leaf value (null counts), exists false its absence', () => {
    assertLeaf([{ exists: true }], ['', null, 0, false, [1]], [[], {}, { a: 1 }]);
    assertLeaf([{ exists: false }], [[], {}, { a: 1 }], ['', null, 0, [null]]);
    assert.equal(matchesEventPattern({ field: [{ exists: true }] }, {}), false);
    assert.equal(matchesEventPattern({ field: [{ exists: false }] }, {}), true);
  });

  it('exists false matches below a missing or non-object parent', () => {
    const pattern = { detail: { state: { code: [{ exists: false }] } } };
    for (const event of [{}, { detail: 'x' }, { detail: { state: null } }, { detail: { state: [] } }]) {
      assert.equal(matchesEventPattern(pattern, event), true, JSON.stringify(event));
    }
    assert.equal(matchesEventPattern(pattern, { detail: { state: { code: 3 } } }), false);
  });

  it('exists false inside an array of objects looks at one element at a time', () => {
    const pattern = { items: { name: ['b'], price: [{ exists: false }] } };
    assert.equal(matchesEventPattern(pattern, { items: [{ name: 'a' }, { name: 'b' }, { price: 1 }] }), true);
    assert.equal(matchesEventPattern(pattern, { items: [{ name: 'a' }, { name: 'b', price: 1 }] }), false);
  });
});

describe('matchesEventPattern: structure', () => {
  it('needs every field to match, at any depth', () => {
    const event = sampleEvent('powertools_eventbridge_base.json');
    assert.equal(matchesEventPattern({ source: ['aws.ec2'], detail: { state: ['terminated'] } }, event), true);
    assert.equal(matchesEventPattern({ source: ['aws.ec2'], detail: { state: ['running'] } }, event), false);
    assert.equal(matchesEventPattern({ 'replay-name': [{ prefix: 'replay' }], region: [{ wildcard: 'us-*-1' }] }, event), true);
    assert.equal(matchesEventPattern({ detail: ['terminated'] }, event), false);
  });

  it('matches the scheduled-event sample', () => {
    const event = sampleEvent('aws-lambda-java-libs_cloudwatch_event.json');
    assert.equal(matchesEventPattern({ source: ['aws.events'], 'detail-type': ['Scheduled Event'] }, event), true);
    assert.equal(matchesEventPattern({ detail: { anything: [{ exists: false }] } }, event), true);
    assert.equal(matchesEventPattern({ resources: [{ suffix: 'rule/demoschedule' }], account: [123456789012] }, event), false);
  });

  it('keeps fields under one event array consistent: one element must match them all', () => {
    const event = { metrics: [{ name: 'CPU', ns: 'AWS/EC2' }, [{ name: 'Reads', ns: 'AWS/ES' }]] };
    assert.equal(matchesEventPattern({ metrics: { name: ['CPU'], ns: ['AWS/EC2'] } }, event), true);
    assert.equal(matchesEventPattern({ metrics: { name: ['Reads'], ns: ['AWS/ES'] } }, event), true);
    assert.equal(matchesEventPattern({ metrics: { name: ['CPU'], ns: ['AWS/ES'] } }, event), false);
  });

  it('$or matches when any branch does, together with the other fields, at any level', () => {
    const pattern = {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
    };
    assert.equal(matchesEventPattern(pattern, { source: 'aws.cloudwatch', metricName: 'ReadLatency' }), true);
    assert.equal(matchesEventPattern(pattern, { source: 'aws.cloudwatch', namespace: 'AWS/ES' }), true);
    assert.equal(matchesEventPattern(pattern, { source: 'aws.cloudwatch', namespace: 'AWS/S3' }), false);
    assert.equal(matchesEventPattern(pattern, { source: 'aws.ec2', metricName: 'ReadLatency' }), false);
    const nested = { detail: { $or: [{ 'c-count': [{ numeric: ['>', 0, '<=', 5] }] }, { 'd-count': [{ numeric: ['<', 10] }] }] } };
    assert.equal(matchesEventPattern(nested, { detail: { 'c-count': 9, 'd-count': 3 } }), true);
    assert.equal(matchesEventPattern(nested, { detail: { 'c-count': 9, 'd-count': 30 } }), false);
    const inArray = { items: { $or: [{ a: ['1'] }, { b: ['2'] }], c: ['3'] } };
    assert.equal(matchesEventPattern(inArray, { items: [{ a: '1' }, { b: '2', c: '3' }] }), true);
    assert.equal(matchesEventPattern(inArray, { items: [{ a: '1' }, { c: '3' }] }), false);
  });

  it('compiles once and accepts pattern and event as JSON text', () => {
    const compiled = compileEventPattern('{ "detail": { "state": [ { "anything-but": "initializing" } ] } }');
    assert.equal(compiled.matches('{"detail":{"state":"running"}}'), true);
    assert.equal(compiled.matches({ detail: { state: 'initializing' } }), false);
    assert.equal(compiled.matches({ detail: { state: ['initializing', 'running'] } }), true);
  });

  it('rejects event text that is not a JSON object', () => {
    const compiled = compileEventPattern({ a: ['b'] });
    for (const event of ['{oops', '[1]', 'null', 42, null, ['a']]) {
      assert.throws(() => compiled.matches(event), (err: unknown) => {
        assert.ok(err instanceof InvalidEventError && err instanceof ValidationError);
        assert.equal(err.code, 'EVENT_INVALID');
        return true;
      }, JSON.stringify(event));
    }
  });
});

/** [pattern, expected `fields.path`, a fragment of the reason]. */
const invalidPatterns: [pattern: unknown, path: string, reason: string][] = [
  ['{"a": [', '$', 'not valid JSON'],
  [['a'], '$', 'Filter is not an object'],
  [null, '$', 'Filter is not an object'],
  [{}, '$', 'Empty objects are not allowed'],
  [{ detail: {} }, '$.detail', 'Empty objects are not allowed'],
  [{ source: 'aws.ec2' }, '$.source', '"source" must be an object or an array'],
  [{ 'detail-type': 5 }, '$["detail-type"]', 'must be an object or an array'],
  [{ source: [] }, '$.source', 'Empty arrays are not allowed'],
  [{ source: [['a']] }, '$.source[0]', 'Match value must be String, number, true, false, or null'],
  [{ source: [{}] }, '$.source[0]', 'Match expression name not found'],
  [{ source: [{ prefix: 'a', suffix: 'b' }] }, '$.source[0]', 'Only one key allowed in match expression'],
  [{ source: [{ contains: 'a' }] }, '$.source[0].contains', 'Unrecognized match type contains'],
  [{ source: [{ prefix: 5 }] }, '$.source[0].prefix', 'prefix match pattern must be a string'],
  [{ source: [{ suffix: { wildcard: 'a' } }] }, '$.source[0].suffix', 'suffix match pattern must be a string or an object with "equals-ignore-case"'],
  [{ source: [{ prefix: { 'equals-ignore-case': 1 } }] }, '$.source[0].prefix["equals-ignore-case"]', 'must be a string'],
  [{ source: [{ 'equals-ignore-case': ['a'] }] }, '$.source[0]["equals-ignore-case"]', 'equals-ignore-case match pattern must be a string'],
  [{ f: [{ wildcard: 'abc**def' }] }, '$.f[0].wildcard', 'Consecutive wildcard characters at pos 4'],
  [{ f: [{ wildcard: 'a*c\\def' }] }, '$.f[0].wildcard', 'Invalid escape character at pos 4'],
  [{ f: [{ wildcard: 'abc\\' }] }, '$.f[0].wildcard', 'Invalid escape character'],
  [{ f: [{ wildcard: 3 }] }, '$.f[0].wildcard', 'wildcard match pattern must be a string'],
  [{ f: [{ exists: 'true' }] }, '$.f[0].exists', 'exists match pattern must be either true or false'],
  [{ ip: [{ cidr: '10.0.0.0' }] }, '$.ip[0].cidr', "one '/' required"],
  [{ ip: [{ cidr: '10.0.0.0/x' }] }, '$.ip[0].cidr', 'mask bits must be a non-negative integer'],
  [{ ip: [{ cidr: '10.0.0.256/8' }] }, '$.ip[0].cidr', 'Invalid IP address'],
  [{ ip: [{ cidr: 'example.com/8' }] }, '$.ip[0].cidr', 'Invalid IP address'],
  [{ ip: [{ cidr: '10.0.0.0/32' }] }, '$.ip[0].cidr', 'IPv4 mask bits must be < 32'],
  [{ ip: [{ cidr: '::/128' }] }, '$.ip[0].cidr', 'IPv6 mask bits must be < 128'],
  [{ n: [{ numeric: 5 }] }, '$.n[0].numeric', 'Value of numeric must be an array'],
  [{ n: [{ numeric: [5] }] }, '$.n[0].numeric[0]', 'Invalid member in numeric match'],
  [{ n: [{ numeric: ['!=', 5] }] }, '$.n[0].numeric[0]', 'Unrecognized numeric range operator: !='],
  [{ n: [{ numeric: ['>', '5'] }] }, '$.n[0].numeric[1]', 'Value of > must be numeric'],
  [{ n: [{ numeric: ['=', 5, '<', 6] }] }, '$.n[0].numeric', 'Too many elements in numeric expression'],
  [{ n: [{ numeric: ['<', 5, '>', 1] }] }, '$.n[0].numeric', 'Too many elements in numeric expression'],
  [{ n: [{ numeric: ['>', 1, '>', 5] }] }, '$.n[0].numeric[2]', 'Bad numeric range operator'],
  [{ n: [{ numeric: ['>', 1, '<'] }] }, '$.n[0].numeric[3]', 'Value of < must be numeric'],
  [{ n: [{ numeric: ['>', 1, '<', 5, 6] }] }, '$.n[0].numeric', 'Too many elements'],
  [{ n: [{ numeric: ['>=', 5, '<=', 5] }] }, '$.n[0].numeric', 'Bottom must be less than top'],
  [{ n: [{ numeric: ['<', 5.000001e9] }] }, '$.n[0].numeric[1]', 'Value must be between -5000000000 and 5000000000, inclusive'],
  [{ n: [{ numeric: ['>', -6e9] }] }, '$.n[0].numeric[1]', 'Value must be between'],
  [{ s: [{ 'anything-but': true }] }, '$.s[0]["anything-but"]', 'must be an array or single string/number value'],
  [{ s: [{ 'anything-but': ['a', 1] }] }, '$.s[0]["anything-but"]', 'mixed type is not supported'],
  [{ s: [{ 'anything-but': [] }] }, '$.s[0]["anything-but"]', 'either all values are number or string'],
  [{ s: [{ 'anything-but': ['a', null] }] }, '$.s[0]["anything-but"][1]', 'start|null|boolean is not supported'],
  [{ s: [{ 'anything-but': [1, 6e9] }] }, '$.s[0]["anything-but"][1]', 'Value must be between'],
  [{ s: [{ 'anything-but': { prefix: '' } }] }, '$.s[0]["anything-but"].prefix', 'Null prefix/suffix not allowed'],
  [{ s: [{ 'anything-but': { suffix: 1 } }] }, '$.s[0]["anything-but"].suffix', 'prefix/suffix match pattern must be a string'],
  [{ s: [{ 'anything-but': { numeric: ['>', 1] } }] }, '$.s[0]["anything-but"].numeric', 'Unsupported anything-but pattern: numeric'],
  [{ s: [{ 'anything-but': { prefix: 'a', suffix: 'b' } }] }, '$.s[0]["anything-but"]', 'Only one key allowed'],
  [{ s: [{ 'anything-but': { 'equals-ignore-case': [1] } }] }, '$.s[0]["anything-but"]["equals-ignore-case"][0]', 'number|start|null|boolean is not supported'],
  [{ s: [{ 'anything-but': { wildcard: ['a**'] } }] }, '$.s[0]["anything-but"].wildcard[0]', 'Consecutive wildcard characters'],
  [{ $or: { a: ['1'] } }, '$.$or', 'It must be an Array followed with $or'],
  [{ $or: [{ a: ['1'] }] }, '$.$or', 'There must have at least 2 Objects in $or relationship'],
  [{ $or: [{ a: ['1'] }, 'b'] }, '$.$or[1]', 'Only JSON object is allowed in array of $or relationship'],
  [{ $or: [{ a: ['1'] }, {}] }, '$.$or[1]', 'Empty objects are not allowed'],
  [{ $or: [{ a: ['1'] }, { numeric: ['1'] }] }, '$.$or[1].numeric', 'numeric is Ruler reserved fieldName which cannot be used inside $or'],
];

describe('validateEventPattern', () => {
  for (const [pattern, path, reason] of invalidPatterns) {
    it(`rejects ${JSON.stringify(pattern)} at ${path}`, () => {
      assert.throws(() => validateEventPattern(pattern), (err: unknown) => {
        assert.ok(err instanceof InvalidEventPatternError && err instanceof ValidationError);
        assert.equal(err.code, 'EVENT_PATTERN_INVALID');
        assert.equal(err.fields.path, path);
        assert.ok(String(err.fields.reason).includes(reason), `reason "${String(err.fields.reason)}" lacks "${reason}"`);
        assert.ok(err.message.startsWith('Event pattern is not valid. Reason: '), err.message);
        assert.ok(err.message.includes(path));
        return true;
      });
      assert.throws(() => matchesEventPattern(pattern, {}), InvalidEventPatternError);
    });
  }

  it(`rejects objects nested deeper than ${EVENT_PATTERN_MAX_DEPTH} levels and accepts that depth`, () => {
    const nest = (depth: number): unknown => (depth === 1 ? { leaf: ['x'] } : { n: nest(depth - 1) });
    validateEventPattern(nest(EVENT_PATTERN_MAX_DEPTH));
    assert.throws(() => validateEventPattern(nest(EVENT_PATTERN_MAX_DEPTH + 1)), (err: unknown) => {
      assert.ok(err instanceof InvalidEventPatternError);
      assert.match(String(err.fields.reason), /nest deeper than 64 levels/);
      return true;
    });
  });

  it('accepts every documented operator form', () => {
    validateEventPattern({
      a: ['x', 1, -2.5, true, false, null, ''],
      b: [{ prefix: '' }, { prefix: { 'equals-ignore-case': 'X' } }, { suffix: 'y' }, { suffix: { 'equals-ignore-case': 'Y' } }],
      c: [{ 'equals-ignore-case': 'z' }, { wildcard: '*a\\*\\\\*' }, { exists: true }, { exists: false }],
      d: [{ cidr: '0.0.0.0/0' }, { cidr: '2001:db8::/127' }, { numeric: ['=', 5e9] }, { numeric: ['>=', -5e9, '<', 0] }],
      e: [{ 'anything-but': 'a' }, { 'anything-but': 1 }, { 'anything-but': ['a'] }, { 'anything-but': [1, 2] }],
      f: [{ 'anything-but': { prefix: 'p' } }, { 'anything-but': { suffix: 's' } }, { 'anything-but': { 'equals-ignore-case': 'E' } }],
      g: [{ 'anything-but': { 'equals-ignore-case': ['E', 'F'] } }, { 'anything-but': { wildcard: 'w*' } }, { 'anything-but': { wildcard: ['a*', 'b*'] } }],
      $or: [{ h: ['1'] }, { i: { $or: [{ j: ['2'] }, { k: ['3'] }] } }],
    });
  });
});
