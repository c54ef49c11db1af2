import { ValidationError } from '../errors.ts';

/**
 * An EventBridge event pattern that EventBridge would refuse (code `EVENT_PATTERN_INVALID`).
 * `fields.path` is the JSON path of the bad part inside the pattern (`$` for the whole pattern),
 * `fields.reason` the reason alone, without the path.
 */
export class InvalidEventPatternError extends ValidationError {
  constructor(reason: string, path: string, options: { cause?: unknown } = {}) {
    super('EVENT_PATTERN_INVALID', `Event pattern is not valid. Reason: ${reason} (at ${path}); correct the pattern and compile it again`, {
      cause: options.cause,
      fields: { path, reason },
    });
  }
}

/** An event given as JSON text that does not parse to a JSON object (code `EVENT_INVALID`). */
export class InvalidEventError extends ValidationError {
  constructor(reason: string, options: { cause?: unknown } = {}) {
    super('EVENT_INVALID', `event is not valid: ${reason}; pass a JSON object or its JSON text`, { cause: options.cause, fields: { reason } });
  }
}
