import { LakestackError, TerminalError, ValidationError, errorMessage } from '../errors.ts';
import type { CompiledFilterPolicy, MessageAttributeValue } from './filter-policy.ts';
import { buildEnvelope, topicArn } from './notification.ts';
import type { NotificationEnvelope } from './notification.ts';
import type { NotifyChannel } from './notify-channel.ts';

/** A subscription as the topic holds it: channel built, filter policy compiled. */
export interface TopicSubscription {
  id: string;
  channel: NotifyChannel;
  /** Absent: the subscription receives every message. */
  filter?: CompiledFilterPolicy;
}

/** What to publish. */
export interface PublishInput {
  subject?: string;
  /** Text, or a JSON object that is serialized into the envelope's `Message`. */
  message: string | Record<string, unknown>;
  attributes?: Record<string, MessageAttributeValue>;
}

/** The outcome for one subscription. */
export type DeliveryResult =
  | { subscriptionId: string; status: 'delivered'; attempts: number }
  | { subscriptionId: string; status: 'filtered' }
  | { subscriptionId: string; status: 'failed'; error: LakestackError };

/** The outcome of one publish: the envelope sent and one result per subscription, in order. */
export interface PublishResult {
  messageId: string;
  envelope: NotificationEnvelope;
  results: DeliveryResult[];
}

function checkAttributes(topic: string, attributes: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(attributes)) {
    const ok =
      typeof value === 'string' ||
      (typeof value === 'number' && Number.isFinite(value)) ||
      (Array.isArray(value) && value.every((v) => typeof v === 'string'));
    if (name === '' || !ok) {
      throw new ValidationError(
        'NOTIFY_MESSAGE_INVALID',
        `message for topic "${topic}" has attribute ${JSON.stringify(name)} = ${JSON.stringify(value)}; use a non-empty name with a string, finite number or string array`,
        { fields: { path: `attributes.${name}` } },
      );
    }
  }
}

function parseBody(message: string | Record<string, unknown>): unknown {
  if (typeof message !== 'string') return message;
  try {
    return JSON.parse(message);
  } catch {
    return undefined; // plain text: body-scope policies cannot match it
  }
}

/**
 * A named topic: publishing delivers one SNS-style envelope to every subscription whose filter
 * policy accepts the message. Deliveries run concurrently; one failing does not stop the others.
 */
export class Topic {
  /** `lakestack:topic:<name>`. */
  readonly arn: string;

  constructor(
    readonly name: string,
    readonly subscriptions: readonly TopicSubscription[],
  ) {
    this.arn = topicArn(name);
  }

  /**
   * Publishes one message. Never rejects for a delivery failure (see `results`).
   * @throws ValidationError (code `NOTIFY_MESSAGE_INVALID`) when an attribute is malformed.
   */
  async publish(input: PublishInput): Promise<PublishResult> {
    const attributes = input.attributes ?? {};
    checkAttributes(this.name, attributes);
    const message = typeof input.message === 'string' ? input.message : JSON.stringify(input.message);
    const envelope = buildEnvelope({ topicName: this.name, subject: input.subject, message, attributes });
    const filterInput = { attributes, body: parseBody(input.message) };
    const results = await Promise.all(
      this.subscriptions.map(async (sub): Promise<DeliveryResult> => {
        if (sub.filter && !sub.filter.matches(filterInput)) return { subscriptionId: sub.id, status: 'filtered' };
        try {
          const receipt = await sub.channel.deliver(envelope);
          return { subscriptionId: sub.id, status: 'delivered', attempts: receipt.attempts };
        } catch (err) {
          const error =
            err instanceof LakestackError
              ? err
              : new TerminalError('NOTIFY_DELIVERY_FAILED', `subscription "${sub.id}" of topic "${this.name}" failed to deliver to ${sub.channel.target}: ${errorMessage(err)}`, {
                  cause: err,
                });
          return { subscriptionId: sub.id, status: 'failed', error };
        }
      }),
    );
    return { messageId: envelope.MessageId, envelope, results };
  }
}
