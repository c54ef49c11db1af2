/**
 * One error base class with stable codes. Callers decide on retries by class
 * (`TransientError` may succeed if retried, `TerminalError` never will), never by message text.
 * Native errors are translated once, at the adapter boundary, into one of these.
 */
export class LakestackError extends Error {
  /** Stable, documented code such as `STORAGE_NOT_FOUND`; safe to match on. */
  readonly code: string;
  /** Structured context (object names, values) for logs and `--json` output. */
  readonly fields: Record<string, unknown>;

  constructor(code: string, message: string, options: { cause?: unknown; fields?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.fields = options.fields ?? {};
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, ...this.fields };
  }
}

/** A failure that may go away on retry: network hiccup, lock contention, stale snapshot. */
export class TransientError extends LakestackError {}

/** A failure that retrying cannot fix: bad input, missing object, violated contract. */
export class TerminalError extends LakestackError {}

/** The thing asked for does not exist. */
export class NotFoundError extends TerminalError {}

/** Input (a key, a config field, a record) is malformed; `fields.path` names where, when known. */
export class ValidationError extends TerminalError {}

/** A concurrent writer won; re-read and retry. */
export class ConflictError extends TransientError {}

/** Returns true when `err` is worth retrying. Unknown errors are not retried. */
export function isTransient(err: unknown): boolean {
  return err instanceof TransientError;
}

/** Message of any thrown value, for logs and dead-letter reasons. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
