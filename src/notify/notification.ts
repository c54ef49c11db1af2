import { randomUUID } from 'node:crypto';
import type { MessageAttributeValue } from './filter-policy.ts';

/** A message attribute as SNS writes it in a notification: numbers and arrays become text. */
export interface EnvelopeAttribute {
  Type: 'String' | 'Number' | 'String.Array';
  Value: string;
}

/**
 * What every subscription receives, shaped like an Amazon SNS HTTP notification (without SNS's
 * certificate signature; webhooks carry an HMAC header instead). `Subject` and
 * `MessageAttributes` are present only when the publisher gave them.
 */
export interface NotificationEnvelope {
  Type: 'Notification';
  MessageId: string;
  /** `lakestack:topic:<name>`. */
  TopicArn: string;
  Subject?: string;
  /** The message text; a JSON object message is serialized here. */
  Message: string;
  /** ISO-8601 UTC publish time. */
  Timestamp: string;
  MessageAttributes?: Record<string, EnvelopeAttribute>;
}

/** The topic id in the envelope's `TopicArn` field. */
export function topicArn(name: string): string {
  return `lakestack:topic:${name}`;
}

function envelopeAttribute(value: MessageAttributeValue): EnvelopeAttribute {
  if (typeof value === 'number') return { Type: 'Number', Value: String(value) };
  if (Array.isArray(value)) return { Type: 'String.Array', Value: JSON.stringify(value) };
  return { Type: 'String', Value: value };
}

/** Builds the envelope for one publish; `now` and `messageId` are injectable for tests. */
export function buildEnvelope(input: {
  topicName: string;
  subject?: string;
  message: string;
  attributes?: Readonly<Record<string, MessageAttributeValue>>;
  messageId?: string;
  now?: Date;
}): NotificationEnvelope {
  const envelope: NotificationEnvelope = {
    Type: 'Notification',
    MessageId: input.messageId ?? randomUUID(),
    TopicArn: topicArn(input.topicName),
    Message: input.message,
    Timestamp: (input.now ?? new Date()).toISOString(),
  };
  if (input.subject !== undefined) envelope.Subject = input.subject;
  const entries = Object.entries(input.attributes ?? {});
  if (entries.length > 0) envelope.MessageAttributes = Object.fromEntries(entries.map(([k, v]) => [k, envelopeAttribute(v)]));
  return envelope;
}
