import { ValidationError } from '../errors.ts';

/**
 * A rule or target that EventBridge would refuse at `PutRule`/`PutTargets` (code
 * `EVENT_BUS_RULE_INVALID`). `fields.rule` names the rule, `fields.path` the bad field
 * (`targets[0].retryPolicy.maximumRetryAttempts`).
 */
export class InvalidEventBusRuleError extends ValidationError {
  constructor(rule: string, path: string, reason: string) {
    super('EVENT_BUS_RULE_INVALID', `rule "${rule}" is not valid: ${path} ${reason}; correct the rule and put it again`, { fields: { rule, path, reason } });
  }
}

/**
 * A `PutEvents` call that fails as a whole, as EventBridge fails it with a ValidationException
 * (code `EVENT_BUS_PUT_EVENTS_INVALID`): no entries, more than 10, over 256 KB in total, or no
 * entry with Source, DetailType and Detail. Entry-level problems are reported in the result instead.
 */
export class PutEventsRequestError extends ValidationError {
  constructor(bus: string, reason: string) {
    super('EVENT_BUS_PUT_EVENTS_INVALID', `PutEvents to event bus "${bus}" failed: ${reason}`, { fields: { bus, reason } });
  }
}

/**
 * A target's `inputPath` or `inputTransformer` that EventBridge would refuse (code
 * `EVENT_BUS_INPUT_INVALID`); `fields.reason` says why. Rules rethrow it as `InvalidEventBusRuleError`.
 */
export class InvalidTargetInputError extends ValidationError {
  constructor(reason: string) {
    super('EVENT_BUS_INPUT_INVALID', `target input is not valid: ${reason}`, { fields: { reason } });
  }
}
