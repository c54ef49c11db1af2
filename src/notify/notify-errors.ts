import { TerminalError, TransientError, ValidationError } from '../errors.ts';

/**
 * A subscription filter policy that Amazon SNS would refuse (code `FILTER_POLICY_INVALID`).
 * `fields.path` is the JSON path of the bad part inside the policy (`$` for the whole policy),
 * `fields.reason` the reason alone.
 */
export class InvalidFilterPolicyError extends ValidationError {
  constructor(reason: string, path: string) {
    super('FILTER_POLICY_INVALID', `filter policy is not valid: ${reason} (at ${path}); correct the policy and create the topic again`, {
      fields: { path, reason },
    });
  }
}

/** A topic or subscription configuration that cannot work (code `NOTIFY_CONFIG_INVALID`). */
export class InvalidNotifyConfigError extends ValidationError {
  constructor(what: string, problem: string, path: string) {
    super('NOTIFY_CONFIG_INVALID', `${what} ${problem}`, { fields: { path } });
  }
}

/**
 * A delivery that may succeed if tried again later: network error, timeout, 429, 5xx, SMTP 4xx
 * (code `NOTIFY_DELIVERY_TRANSIENT`).
 */
export class TransientDeliveryError extends TransientError {
  constructor(message: string, fields: Record<string, unknown>, cause?: unknown) {
    super('NOTIFY_DELIVERY_TRANSIENT', message, { cause, fields });
  }
}

/** A delivery the receiver refused for good: HTTP 4xx other than 429, SMTP 5xx (code `NOTIFY_DELIVERY_REJECTED`). */
export class RejectedDeliveryError extends TerminalError {
  constructor(message: string, fields: Record<string, unknown>, cause?: unknown) {
    super('NOTIFY_DELIVERY_REJECTED', message, { cause, fields });
  }
}
