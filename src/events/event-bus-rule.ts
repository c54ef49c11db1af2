/**
 * Rules and targets of an event bus: their shapes, EventBridge's limits, and compiling them once
 * (pattern, input transformers, retry policy defaults) when a rule is put.
 */
import { InvalidEventBusRuleError, InvalidTargetInputError } from './event-bus-errors.ts';
import { compileInputPath, compileInputTransformer } from './event-bus-input.ts';
import type { InputContext, InputTransformer } from './event-bus-input.ts';
import type { EventBusEvent, EventBusIdentity } from './event-bus-put-events.ts';
import { compileEventPattern } from './event-pattern.ts';
import type { CompiledEventPattern } from './event-pattern.ts';

/** EventBridge's default and ceiling for retries of one delivery. */
export const DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 185;
/** EventBridge's default and ceiling for how long (seconds) a delivery is retried. */
export const DEFAULT_MAXIMUM_EVENT_AGE_SECONDS = 86_400;
/** At most this many targets per rule. */
export const MAX_TARGETS_PER_RULE = 5;

/** How long a failing delivery is retried; delivery stops at whichever limit comes first. */
export interface RetryPolicy {
  /** Retries after the first attempt, 0..185; default 185. */
  maximumRetryAttempts?: number;
  /** Seconds since the bus accepted the event, 60..86400; default 86400 (24 hours). */
  maximumEventAgeSeconds?: number;
}

/** Where matching events go: a job, workflow, function or topic, behind `invoke`. */
export interface EventBusTarget {
  /** Unique in the rule: 1..64 of letters, digits, `.`, `-`, `_`. */
  id: string;
  /**
   * Delivers one event (or its transformed input). A rejection is retried per `retryPolicy`,
   * except a `TerminalError`, which goes straight to the dead-letter sink (like EventBridge's
   * non-retryable errors: retrying cannot fix it).
   */
  invoke: (input: unknown) => Promise<void>;
  retryPolicy?: RetryPolicy;
  /** JSONPath of the part of the event to deliver (`$.detail`); `null` when it does not resolve. Exclusive with `inputTransformer`. */
  inputPath?: string;
  /** Builds the delivered input from the event. Exclusive with `inputPath`. */
  inputTransformer?: InputTransformer;
}

export type EventBusRuleState = 'ENABLED' | 'DISABLED';

export interface EventBusRuleInput {
  /** Unique on the bus: 1..64 of letters, digits, `.`, `-`, `_`. Putting a name again replaces the rule. */
  name: string;
  /** An EventBridge event pattern (object or JSON text). */
  eventPattern: unknown;
  /** Default `ENABLED`; a disabled rule matches nothing. */
  state?: EventBusRuleState;
  description?: string;
  /** At most 5. */
  targets?: EventBusTarget[];
}

/** A target ready to deliver: limits resolved, input compiled. */
export interface CompiledTarget {
  id: string;
  invoke: (input: unknown) => Promise<void>;
  maximumRetryAttempts: number;
  maximumEventAgeSeconds: number;
  /** The input to deliver for an event. */
  render(event: EventBusEvent, context: InputContext): unknown;
}

export interface CompiledRule {
  name: string;
  arn: string;
  state: EventBusRuleState;
  description?: string;
  pattern: CompiledEventPattern;
  targets: CompiledTarget[];
}

const NAME = /^[.\-_A-Za-z0-9]{1,64}$/;

/** ARN of a rule on `bus` (`rule/<name>` on the default bus, `rule/<bus>/<name>` elsewhere). */
export function ruleArn(bus: EventBusIdentity, name: string): string {
  const path = bus.name === 'default' ? name : `${bus.name}/${name}`;
  return `arn:aws:events:${bus.region}:${bus.account}:rule/${path}`;
}

/**
 * Validates a rule the way `PutRule` + `PutTargets` do and compiles it once.
 * @throws InvalidEventPatternError for the pattern; InvalidEventBusRuleError for anything else.
 */
export function compileRule(bus: EventBusIdentity, input: EventBusRuleInput): CompiledRule {
  const name = input?.name;
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new InvalidEventBusRuleError(String(name), 'name', 'must be 1 to 64 letters, digits, ".", "-" or "_"');
  }
  const fail = (path: string, reason: string): never => {
    throw new InvalidEventBusRuleError(name, path, reason);
  };
  const state = input.state ?? 'ENABLED';
  if (state !== 'ENABLED' && state !== 'DISABLED') fail('state', `must be "ENABLED" or "DISABLED" (got ${JSON.stringify(state)})`);
  if (input.eventPattern === undefined) fail('eventPattern', 'is required');
  const pattern = compileEventPattern(input.eventPattern);
  const targets = input.targets ?? [];
  if (!Array.isArray(targets)) fail('targets', 'must be a list');
  if (targets.length > MAX_TARGETS_PER_RULE) fail('targets', `has ${targets.length} targets; at most ${MAX_TARGETS_PER_RULE} are allowed`);
  const ids = new Set<string>();
  const compiled = targets.map((target, i) => {
    const at = `targets[${i}]`;
    if (typeof target?.id !== 'string' || !NAME.test(target.id)) fail(`${at}.id`, 'must be 1 to 64 letters, digits, ".", "-" or "_"');
    if (ids.has(target.id)) fail(`${at}.id`, `repeats target id "${target.id}"; ids must be unique in a rule`);
    ids.add(target.id);
    if (typeof target.invoke !== 'function') fail(`${at}.invoke`, 'must be a function returning a promise');
    return compileTarget(target, at, fail);
  });
  return { name, arn: ruleArn(bus, name), state, description: input.description, pattern, targets: compiled };
}

function compileTarget(target: EventBusTarget, at: string, fail: (path: string, reason: string) => never): CompiledTarget {
  const retries = target.retryPolicy?.maximumRetryAttempts ?? DEFAULT_MAXIMUM_RETRY_ATTEMPTS;
  if (!Number.isInteger(retries) || retries < 0 || retries > DEFAULT_MAXIMUM_RETRY_ATTEMPTS) {
    fail(`${at}.retryPolicy.maximumRetryAttempts`, `must be an integer from 0 to ${DEFAULT_MAXIMUM_RETRY_ATTEMPTS} (got ${retries})`);
  }
  const age = target.retryPolicy?.maximumEventAgeSeconds ?? DEFAULT_MAXIMUM_EVENT_AGE_SECONDS;
  if (!Number.isInteger(age) || age < 60 || age > DEFAULT_MAXIMUM_EVENT_AGE_SECONDS) {
    fail(`${at}.retryPolicy.maximumEventAgeSeconds`, `must be an integer from 60 to ${DEFAULT_MAXIMUM_EVENT_AGE_SECONDS} (got ${age})`);
  }
  if (target.inputPath !== undefined && target.inputTransformer !== undefined) fail(at, 'may set inputPath or inputTransformer, not both');
  let render: CompiledTarget['render'] = (event) => event;
  try {
    if (target.inputPath !== undefined) {
      const path = compileInputPath(target.inputPath);
      render = (event) => path.select(event) ?? null;
    } else if (target.inputTransformer !== undefined) {
      const transform = compileInputTransformer(target.inputTransformer);
      render = (event, context) => transform(event as unknown as Record<string, unknown>, context);
    }
  } catch (err) {
    if (err instanceof InvalidTargetInputError) fail(target.inputPath !== undefined ? `${at}.inputPath` : `${at}.inputTransformer`, String(err.fields.reason));
    throw err;
  }
  return { id: target.id, invoke: target.invoke, maximumRetryAttempts: retries, maximumEventAgeSeconds: age, render };
}
