import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidTargetInputError } from './event-bus-errors.ts';
import { compileInputPath, compileInputTransformer } from './event-bus-input.ts';

// the EC2 example event of the EventBridge input transformation guide
const event = {
  version: '0',
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '123456789012',
  time: '2015-11-11T21:29:54Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
  detail: { instance: 'i-0123456789', state: 'RUNNING', tags: [{ k: 'a' }, { k: 'b' }], count: 3 },
};
const context = { ruleName: 'example', ruleArn: 'arn:aws:events:us-east-2:123456789012:rule/example', ingestionTime: '2015-11-11T21:29:55Z' };
const pathsMap = { instance: '$.detail.instance', state: '$.detail.state' };

function transform(inputTemplate: string, inputPathsMap: Record<string, string> = pathsMap): unknown {
  return compileInputTransformer({ inputPathsMap, inputTemplate })(event, context);
}

describe('compileInputPath', () => {
  it('selects the whole event, nested keys and array indices', () => {
    assert.deepEqual(compileInputPath('$').select(event), event);
    assert.equal(compileInputPath('$.detail.state').select(event), 'RUNNING');
    assert.equal(compileInputPath('$.detail-type').select(event), 'EC2 Instance State-change Notification');
    assert.equal(compileInputPath('$.resources[0]').select(event), event.resources[0]);
    assert.deepEqual(compileInputPath('$.detail.tags[1]').select(event), { k: 'b' });
  });

  it('returns undefined when a definite path does not resolve', () => {
    assert.equal(compileInputPath('$.detail.missing').select(event), undefined);
    assert.equal(compileInputPath('$.resources[5]').select(event), undefined);
    assert.equal(compileInputPath('$.detail.state.deeper').select(event), undefined);
  });

  it('collects every match of a wildcard path into an array', () => {
    assert.deepEqual(compileInputPath('$.detail.tags[*].k').select(event), ['a', 'b']);
    assert.deepEqual(compileInputPath('$.detail.tags.*.k').select(event), ['a', 'b']);
    assert.deepEqual(compileInputPath('$.detail.missing[*]').select(event), []);
  });

  it('refuses paths outside the subset', () => {
    for (const path of ['detail.x', '$..x', "$['detail']", '$.detail[', '$.detail[-1]', '$.a b', 'x'.repeat(300)]) {
      assert.throws(() => compileInputPath(path), InvalidTargetInputError, path);
    }
  });
});

describe('compileInputTransformer: the documented examples', () => {
  it('a simple string template delivers a string', () => {
    assert.equal(transform('"instance <instance> is in <state>"'), 'instance i-0123456789 is in RUNNING');
  });

  it('a string with escaped quotes keeps them', () => {
    assert.equal(transform('"instance \\"<instance>\\" is in <state>"'), 'instance "i-0123456789" is in RUNNING');
  });

  it('unquoted string variables in JSON gain quotes', () => {
    assert.deepEqual(transform('{"instance" : <instance>, "state": <state>}'), { instance: 'i-0123456789', state: 'RUNNING' });
  });

  it('mixes variables and static values', () => {
    assert.deepEqual(transform('{"instance" : <instance>, "state": [ 9, <state>, true ], "Transformed" : "Yes"}'), {
      instance: 'i-0123456789',
      state: [9, 'RUNNING', true],
      Transformed: 'Yes',
    });
  });

  it('fills the predefined variables', () => {
    const out = transform('{"ruleArn": <aws.events.rule-arn>, "ruleName": <aws.events.rule-name>, "at": <aws.events.event.ingestion-time>, "e": <aws.events.event>, "full": <aws.events.event.json>}') as Record<string, unknown>;
    assert.equal(out.ruleArn, context.ruleArn);
    assert.equal(out.ruleName, 'example');
    assert.equal(out.at, context.ingestionTime);
    const { detail: _d, ...withoutDetail } = event;
    assert.deepEqual(out.e, withoutDetail);
    assert.deepEqual(out.full, event);
    assert.equal(transform('"<aws.events.rule-name> triggered"'), 'example triggered');
  });

  it('nests objects and arrays in value positions and strips their quotes inside strings', () => {
    const map = { d: '$.detail.tags', n: '$.detail.count' };
    assert.deepEqual(transform('{"tags": <d>, "n": <n>}', map), { tags: [{ k: 'a' }, { k: 'b' }], n: 3 });
    assert.equal(transform('"tags <d>, count <n>"', map), 'tags [{k:a},{k:b}], count 3');
  });

  it('escapes text inserted into a string so the output stays valid JSON', () => {
    const e = { detail: { msg: 'say "hi"\n' } };
    const out = compileInputTransformer({ inputPathsMap: { m: '$.detail.msg' }, inputTemplate: '{"text": "got <m>"}' })(e, context);
    assert.deepEqual(out, { text: 'got say "hi"\n' });
  });

  it('renders an unresolved variable as null (or nothing inside a string) and leaves unknown names literal', () => {
    assert.deepEqual(transform('{"x": <gone>, "s": "a<gone>b"}', { gone: '$.detail.nope' }), { x: null, s: 'ab' });
    assert.equal(transform('"<b>bold</b> <state>"'), '<b>bold</b> RUNNING');
  });

  it('delivers text that is not JSON as it is', () => {
    assert.equal(transform('instance <instance>'), 'instance "i-0123456789"');
  });

  it('refuses bad names, reserved prefixes, bad paths and template limits', () => {
    const bad: Parameters<typeof compileInputTransformer>[0][] = [
      { inputTemplate: '' },
      { inputTemplate: 'x'.repeat(8193) },
      { inputPathsMap: { 'a.b': '$.x' }, inputTemplate: '<a.b>' },
      { inputPathsMap: { ['k'.repeat(257)]: '$.x' }, inputTemplate: '<k>' },
      { inputPathsMap: { 'aws.events.rule-name': '$.x' }, inputTemplate: '<k>' },
      { inputPathsMap: { x: 'detail' }, inputTemplate: '<x>' },
      { inputPathsMap: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`v${i}`, '$'])), inputTemplate: '<v1>' },
    ];
    for (const t of bad) assert.throws(() => compileInputTransformer(t), InvalidTargetInputError, JSON.stringify(t).slice(0, 80));
  });
});
