import { compileEventPatternTree } from './event-pattern-compile.ts';
import { InvalidEventError } from './event-pattern-errors.ts';
import { matchesNodeAt } from './event-pattern-match.ts';

/** An event pattern validated and compiled once, to match many events. */
export interface CompiledEventPattern {
  /**
   * True when the event (a parsed JSON object, or its JSON text) matches the pattern.
   * @throws InvalidEventError when the event is JSON text that does not parse to an object.
   */
  matches(event: unknown): boolean;
}

function toEventObject(event: unknown): unknown {
  let parsed = event;
  if (typeof event === 'string') {
    try {
      parsed = JSON.parse(event);
    } catch (err) {
      throw new InvalidEventError(`the event text is not valid JSON (${(err as Error).message})`, { cause: err });
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidEventError(`an event must be a JSON object, got ${Array.isArray(parsed) ? 'an array' : JSON.stringify(parsed) ?? typeof parsed}`);
  }
  return parsed;
}

/**
 * Compiles an EventBridge event pattern (a parsed object or its JSON text) with the full
 * pattern language: exact values, `prefix`, `suffix`, `equals-ignore-case`, `anything-but`,
 * `numeric`, `cidr`, `exists`, `wildcard` and `$or`. Arrays in the event match array-consistently
 * (event-ruler `rulesForJSONEvent`): fields matched under one array come from one element.
 * @throws InvalidEventPatternError (code `EVENT_PATTERN_INVALID`, `fields.path`) for an invalid pattern.
 */
export function compileEventPattern(pattern: unknown): CompiledEventPattern {
  const root = compileEventPatternTree(pattern);
  return { matches: (event) => matchesNodeAt(root, toEventObject(event)) };
}

/**
 * Checks an event pattern the way EventBridge does when a rule is created.
 * @throws InvalidEventPatternError naming the path of the first invalid part and the reason.
 */
export function validateEventPattern(pattern: unknown): void {
  compileEventPatternTree(pattern);
}

/**
 * True when the event matches the EventBridge event pattern. Compiles the pattern on every call;
 * use `compileEventPattern` to match one pattern against many events.
 * @throws InvalidEventPatternError for an invalid pattern; InvalidEventError for unparseable event text.
 */
export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  return compileEventPattern(pattern).matches(event);
}
