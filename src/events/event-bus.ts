import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '../errors.ts';
import { silentLogger } from '../observability/index.ts';
import type { Logger, Metrics } from '../observability/index.ts';
import type { DeadLetterRecord, DeadLetterSink } from './event-bus-dead-letter.ts';
import { DeliveryLimiter, backoffDelay, deliverWithRetry } from './event-bus-delivery.ts';
import type { BackoffOptions, DeliveryClock } from './event-bus-delivery.ts';
import { acceptEntries } from './event-bus-put-events.ts';
import type { EventBusEvent, EventBusIdentity, PutEventsRequestEntry, PutEventsResult } from './event-bus-put-events.ts';
import { compileRule } from './event-bus-rule.ts';
import type { CompiledRule, EventBusRuleInput, EventBusRuleState } from './event-bus-rule.ts';
import { InvalidEventError } from './event-pattern-errors.ts';
import { DEFAULT_EVENT_ACCOUNT, DEFAULT_EVENT_REGION, eventTime } from './object-event.ts';

export interface EventBusOptions {
  /** Default `default`, EventBridge's default bus. */
  name?: string;
  /** Default `DEFAULT_EVENT_ACCOUNT`. */
  account?: string;
  /** Default `DEFAULT_EVENT_REGION`. */
  region?: string;
  /** Receives events whose delivery gave up. Without one they are dropped (logged), as in EventBridge. */
  deadLetter?: DeadLetterSink;
  /** Retry backoff: first ceiling `baseDelayMs` (default 1000) doubling up to `maxDelayMs` (default 300000). */
  backoff?: Partial<BackoffOptions>;
  /** Time, sleep and randomness; tests inject these so retries are instant. */
  clock?: Partial<DeliveryClock>;
  /** At most this many target invocations run at once; default 64. */
  maxConcurrentDeliveries?: number;
  logger?: Logger;
  metrics?: Metrics;
}

/** A rule as listed by `EventBus.rules()`. */
export interface EventBusRuleInfo {
  name: string;
  arn: string;
  state: EventBusRuleState;
  description?: string;
  targets: string[];
}

/** How many times a dead letter is offered to the sink before it is only logged. */
const DEAD_LETTER_WRITE_ATTEMPTS = 5;

/**
 * An EventBridge-compatible event bus in this process. Rules route matching events to targets
 * (jobs, workflows, functions, topics behind `invoke`); `putEvents` takes user events in the
 * `PutEvents` entry shape and `publish` takes events already in the envelope (object events).
 * Delivery is asynchronous: every matching enabled rule's targets get the event, retried with
 * exponential backoff and jitter per the target's retry policy; what still fails goes to the
 * dead-letter sink. `deliveryIdle()` waits for all of it.
 */
export class EventBus {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  /** `arn:aws:events:<region>:<account>:event-bus/<name>`. */
  readonly arn: string;

  private readonly ruleMap = new Map<string, CompiledRule>();
  private readonly pending = new Set<Promise<void>>();
  private readonly clock: DeliveryClock;
  private readonly backoff: BackoffOptions;
  private readonly limiter: DeliveryLimiter;
  private readonly deadLetter: DeadLetterSink | undefined;
  private readonly logger: Logger;
  private readonly metrics: Metrics | undefined;

  constructor(options: EventBusOptions = {}) {
    this.name = options.name ?? 'default';
    this.account = options.account ?? DEFAULT_EVENT_ACCOUNT;
    this.region = options.region ?? DEFAULT_EVENT_REGION;
    this.arn = `arn:aws:events:${this.region}:${this.account}:event-bus/${this.name}`;
    this.clock = { now: () => Date.now(), sleep: (ms) => sleep(ms).then(() => undefined), random: Math.random, ...options.clock };
    this.backoff = { baseDelayMs: 1000, maxDelayMs: 300_000, ...options.backoff };
    const limit = options.maxConcurrentDeliveries ?? 64;
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`maxConcurrentDeliveries must be an integer >= 1, got ${limit}`);
    this.limiter = new DeliveryLimiter(limit);
    this.deadLetter = options.deadLetter;
    this.logger = options.logger ?? silentLogger();
    this.metrics = options.metrics;
  }

  private get identity(): EventBusIdentity {
    return { name: this.name, arn: this.arn, account: this.account, region: this.region };
  }

  /**
   * Creates or replaces a rule. The pattern and target inputs are compiled once, here; events
   * already accepted keep the rules they matched.
   * @throws InvalidEventPatternError for the pattern; InvalidEventBusRuleError for the rest.
   */
  putRule(input: EventBusRuleInput): EventBusRuleInfo {
    const rule = compileRule(this.identity, input);
    this.ruleMap.set(rule.name, rule);
    return info(rule);
  }

  /** Removes a rule; deliveries already under way finish. Returns false when there was none. */
  removeRule(name: string): boolean {
    return this.ruleMap.delete(name);
  }

  /** The rules, in the order they were first put. */
  rules(): EventBusRuleInfo[] {
    return [...this.ruleMap.values()].map(info);
  }

  /**
   * Puts up to 10 user events. Each entry is checked as EventBridge checks it; accepted entries
   * become events (new id, the bus's account and region) and are routed. The result has one
   * entry per request entry, in order.
   * @throws PutEventsRequestError when EventBridge would fail the whole call.
   */
  async putEvents(entries: readonly PutEventsRequestEntry[]): Promise<PutEventsResult> {
    const accepted = acceptEntries(this.identity, entries, new Date(this.clock.now()));
    let failed = 0;
    const results = accepted.map((outcome) => {
      if ('ErrorCode' in outcome) {
        failed++;
        return outcome;
      }
      this.route(outcome);
      return { EventId: outcome.id };
    });
    this.metrics?.increment('eventbus_events_put', { bus: this.name }, results.length - failed);
    if (failed > 0) this.metrics?.increment('eventbus_events_rejected', { bus: this.name }, failed);
    return { FailedEntryCount: failed, Entries: results };
  }

  /**
   * Routes an event that is already in the envelope shape (e.g. `objectCreatedEvent(...)`),
   * keeping its id, source and time.
   * @throws InvalidEventError when a required envelope field is missing.
   */
  async publish(event: EventBusEvent): Promise<void> {
    for (const field of ['version', 'id', 'detail-type', 'source', 'account', 'time', 'region'] as const) {
      if (typeof event?.[field] !== 'string') throw new InvalidEventError(`the envelope field "${field}" must be a string`);
    }
    if (!Array.isArray(event.resources)) throw new InvalidEventError('the envelope field "resources" must be a list');
    if (typeof event.detail !== 'object' || event.detail === null || Array.isArray(event.detail)) {
      throw new InvalidEventError('the envelope field "detail" must be a JSON object');
    }
    this.metrics?.increment('eventbus_events_put', { bus: this.name });
    this.route(event);
  }

  /** Number of target deliveries not yet finished (retries and dead-lettering included). */
  get pendingDeliveries(): number {
    return this.pending.size;
  }

  /** Resolves once no delivery is pending, including deliveries started while waiting. */
  async deliveryIdle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending);
  }

  private route(event: EventBusEvent): void {
    const acceptedAt = this.clock.now();
    const ingestionTime = eventTime(acceptedAt);
    for (const rule of this.ruleMap.values()) {
      if (rule.state !== 'ENABLED' || !rule.pattern.matches(event)) continue;
      this.metrics?.increment('eventbus_matched', { bus: this.name, rule: rule.name });
      for (const target of rule.targets) {
        const task = this.deliver(event, rule, target, acceptedAt, ingestionTime).catch((err: unknown) => {
          this.logger.error({ bus: this.name, rule: rule.name, target: target.id, eventId: event.id, err: errorMessage(err) }, 'event delivery crashed');
        });
        this.pending.add(task);
        void task.finally(() => this.pending.delete(task));
      }
    }
  }

  private async deliver(event: EventBusEvent, rule: CompiledRule, target: CompiledRule['targets'][number], acceptedAt: number, ingestionTime: string): Promise<void> {
    const labels = { bus: this.name, rule: rule.name, target: target.id };
    const outcome = await deliverWithRetry({
      bus: this.name,
      event,
      rule,
      target,
      acceptedAt,
      context: { ruleName: rule.name, ruleArn: rule.arn, ingestionTime },
      clock: this.clock,
      backoff: this.backoff,
      limiter: this.limiter,
      onRetry: (retry, delayMs, error) => {
        this.metrics?.increment('eventbus_retries', labels);
        this.logger.debug({ ...labels, eventId: event.id, retry, delayMs, err: errorMessage(error) }, 'event delivery failed; retrying');
      },
    });
    if (outcome.delivered) {
      this.metrics?.increment('eventbus_delivered', labels);
      return;
    }
    this.metrics?.increment('eventbus_undelivered', labels);
    await this.writeDeadLetter(outcome.record);
  }

  private async writeDeadLetter(record: DeadLetterRecord): Promise<void> {
    const fields = { bus: record.bus, rule: record.rule, target: record.target, eventId: record.event.id, exhaustedCondition: record.exhaustedCondition, attempts: record.attempts };
    if (!this.deadLetter) {
      this.metrics?.increment('eventbus_dropped', { bus: this.name, rule: record.rule, target: record.target });
      this.logger.error({ ...fields, record }, `event ${record.event.id} was not delivered to target "${record.target}" of rule "${record.rule}" and was dropped; configure a dead-letter sink to keep such events`);
      return;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await this.deadLetter.write(record);
        this.metrics?.increment('eventbus_dead_lettered', { bus: this.name, rule: record.rule, target: record.target });
        this.logger.warn(fields, `event ${record.event.id} was not delivered to target "${record.target}" of rule "${record.rule}" (${record.exhaustedCondition}); dead-lettered`);
        return;
      } catch (err) {
        if (attempt >= DEAD_LETTER_WRITE_ATTEMPTS) {
          this.metrics?.increment('eventbus_dead_letter_failed', { bus: this.name, rule: record.rule, target: record.target });
          // the log line carries the whole record, so the event survives the sink's failure
          this.logger.error({ ...fields, record, err: errorMessage(err) }, `event ${record.event.id} could not be dead-lettered after ${attempt} attempts; the record is in this log line`);
          return;
        }
        await this.clock.sleep(backoffDelay(attempt, this.backoff, this.clock.random));
      }
    }
  }
}

function info(rule: CompiledRule): EventBusRuleInfo {
  const result: EventBusRuleInfo = { name: rule.name, arn: rule.arn, state: rule.state, targets: rule.targets.map((t) => t.id) };
  if (rule.description !== undefined) result.description = rule.description;
  return result;
}
