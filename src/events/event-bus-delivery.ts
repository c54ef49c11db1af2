/**
 * Delivering one event to one target: attempts, exponential backoff with full jitter, and the
 * retry policy's two limits (attempts, event age). Callers dead-letter what comes back undelivered.
 */
import { LakestackError, TerminalError } from '../errors.ts';
import type { DeadLetterRecord, ExhaustedCondition } from './event-bus-dead-letter.ts';
import type { InputContext } from './event-bus-input.ts';
import type { EventBusEvent } from './event-bus-put-events.ts';
import type { CompiledRule, CompiledTarget } from './event-bus-rule.ts';

/** Time and randomness, injectable so retry tests run instantly and deterministically. */
export interface DeliveryClock {
  /** Milliseconds since the epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Uniform in [0, 1). */
  random(): number;
}

export interface BackoffOptions {
  /** Ceiling of the first retry's delay; doubles per retry. */
  baseDelayMs: number;
  /** Largest delay between two attempts. */
  maxDelayMs: number;
}

/** Bounds how many `invoke` calls run at once; waiting callers queue in order. */
export class DeliveryLimiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      // hand the slot straight to the next caller, so `active` never dips and overshoots
      if (next) next();
      else this.active--;
    }
  }
}

/** Full-jitter delay before retry number `retry` (1 = the first retry). */
export function backoffDelay(retry: number, options: BackoffOptions, random: () => number): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.min(retry - 1, 52));
  return Math.floor(random() * ceiling);
}

export interface DeliveryRequest {
  bus: string;
  event: EventBusEvent;
  rule: CompiledRule;
  target: CompiledTarget;
  /** When the bus accepted the event (ms); the event age counts from here. */
  acceptedAt: number;
  context: InputContext;
  clock: DeliveryClock;
  backoff: BackoffOptions;
  limiter: DeliveryLimiter;
  /** Called before each retry's wait, for logs and metrics. */
  onRetry?: (retry: number, delayMs: number, error: unknown) => void;
}

export type DeliveryOutcome = { delivered: true; attempts: number } | { delivered: false; record: DeadLetterRecord };

/** Attempts delivery until it succeeds or the retry policy gives up; never rejects. */
export async function deliverWithRetry(request: DeliveryRequest): Promise<DeliveryOutcome> {
  const { clock, target } = request;
  const firstAttemptAt = clock.now();
  let attempts = 0;
  for (;;) {
    attempts++;
    const attemptAt = clock.now();
    let error: unknown;
    try {
      const input = target.render(request.event, request.context);
      await request.limiter.run(() => target.invoke(input));
      return { delivered: true, attempts };
    } catch (err) {
      error = err;
    }
    const undelivered = (condition: ExhaustedCondition): DeliveryOutcome => ({
      delivered: false,
      record: deadLetter(request, error, condition, attempts, firstAttemptAt, attemptAt),
    });
    if (error instanceof TerminalError) return undelivered('TerminalError');
    if (attempts > target.maximumRetryAttempts) return undelivered('MaximumRetryAttempts');
    const delay = backoffDelay(attempts, request.backoff, clock.random);
    // give up now rather than sleep past the age limit and fail anyway
    if (clock.now() + delay - request.acceptedAt > target.maximumEventAgeSeconds * 1000) return undelivered('MaximumEventAgeInSeconds');
    request.onRetry?.(attempts, delay, error);
    await clock.sleep(delay);
  }
}

function deadLetter(request: DeliveryRequest, error: unknown, condition: ExhaustedCondition, attempts: number, first: number, last: number): DeadLetterRecord {
  return {
    bus: request.bus,
    event: request.event,
    rule: request.rule.name,
    target: request.target.id,
    error: describeError(error),
    exhaustedCondition: condition,
    attempts,
    firstAttemptAt: new Date(first).toISOString(),
    lastAttemptAt: new Date(last).toISOString(),
  };
}

function describeError(error: unknown): DeadLetterRecord['error'] {
  if (error instanceof LakestackError) return { name: error.name, message: error.message, code: error.code };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}
