/**
 * Where undeliverable events go, so nothing is lost: EventBridge's dead-letter queue, as JSON
 * lines in an object store under `<prefix>/<bus>/<rule>/<yyyy-mm-dd>/<event id>.json`.
 */
import { joinKey } from '../storage/index.ts';
import type { ObjectStore } from '../storage/index.ts';
import type { EventBusEvent } from './event-bus-put-events.ts';

/** Why delivery stopped: the retry policy's two limits, or an error retrying cannot fix. */
export type ExhaustedCondition = 'MaximumRetryAttempts' | 'MaximumEventAgeInSeconds' | 'TerminalError';

/** One undeliverable event for one target. */
export interface DeadLetterRecord {
  bus: string;
  event: EventBusEvent;
  rule: string;
  target: string;
  /** The last attempt's error. `code` is the `LakestackError` code, when there is one. */
  error: { name: string; message: string; code?: string };
  exhaustedCondition: ExhaustedCondition;
  attempts: number;
  /** ISO-8601 times of the first and last delivery attempts. */
  firstAttemptAt: string;
  lastAttemptAt: string;
}

/** Receives dead letters. A rejected `write` is retried by the bus, then logged with the record. */
export interface DeadLetterSink {
  write(record: DeadLetterRecord): Promise<void>;
}

/**
 * Dead letters as JSON lines in an object store. Records of the same event, rule and day (one per
 * failed target) share a file: each write reads the file and puts it back with one more line,
 * serialised per key within this process. Two processes writing the same key could lose a line;
 * the bus runs in one process.
 */
export class ObjectStoreDeadLetterSink implements DeadLetterSink {
  private readonly queues = new Map<string, Promise<unknown>>();

  /** @param prefix key prefix without a trailing slash, e.g. `_events/dead-letter`. */
  constructor(
    private readonly store: ObjectStore,
    private readonly prefix: string,
  ) {}

  /** The key a record is written to. */
  keyOf(record: DeadLetterRecord): string {
    const day = record.lastAttemptAt.slice(0, 10);
    return joinKey(this.prefix, record.bus, record.rule, day, `${record.event.id}.json`);
  }

  async write(record: DeadLetterRecord): Promise<void> {
    const key = this.keyOf(record);
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.append(key, `${JSON.stringify(record)}\n`));
    this.queues.set(key, next);
    try {
      await next;
    } finally {
      if (this.queues.get(key) === next) this.queues.delete(key);
    }
  }

  /** Every record under the prefix (optionally one bus, or one bus and rule), oldest day first. */
  async list(filter: { bus?: string; rule?: string } = {}): Promise<DeadLetterRecord[]> {
    const parts = [this.prefix, filter.bus, filter.bus === undefined ? undefined : filter.rule].filter((p): p is string => p !== undefined);
    const { objects } = await this.store.list(`${joinKey(...parts)}/`);
    const records: DeadLetterRecord[] = [];
    for (const object of objects) {
      const text = (await this.store.get(object.key)).toString('utf8');
      for (const line of text.split('\n')) if (line.trim() !== '') records.push(JSON.parse(line) as DeadLetterRecord);
    }
    return records;
  }

  private async append(key: string, line: string): Promise<void> {
    const existing = (await this.store.head(key)) ? (await this.store.get(key)).toString('utf8') : '';
    await this.store.put(key, existing + line, { contentType: 'application/x-ndjson' });
  }
}
