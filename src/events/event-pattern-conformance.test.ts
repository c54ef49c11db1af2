import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { conformanceDir } from '../../test/support/paths.ts';
import { matchesEventPattern } from './event-pattern.ts';

interface PatternCase {
  id: string;
  pattern?: unknown;
  pattern_text?: string;
  event?: unknown;
  event_text?: string;
  matches: boolean;
}

const cases = JSON.parse(readFileSync(join(conformanceDir('eventbridge-patterns'), 'cases.json'), 'utf8')) as PatternCase[];

describe('EventBridge pattern conformance (event-ruler vectors)', () => {
  let run = 0;
  for (const c of cases) {
    it(`${c.id}: ${c.matches ? 'matches' : 'does not match'}`, () => {
      run++;
      // the exact strings the source test passed, when recorded
      const pattern = c.pattern_text ?? c.pattern;
      const event = c.event_text ?? c.event;
      assert.equal(matchesEventPattern(pattern, event), c.matches);
      if (c.pattern !== undefined && c.event !== undefined) assert.equal(matchesEventPattern(c.pattern, c.event), c.matches);
    });
  }

  it('ran every case in cases.json', () => {
    assert.ok(cases.length > 0);
    assert.equal(run, cases.length);
  });
});
