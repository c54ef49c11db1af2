/**
 * Notifications: topics with webhook, file and SMTP subscriptions, filtered by Amazon SNS
 * subscription filter policies. Build topics with `createTopic`.
 */
export { createTopic } from './create-topic.ts';
export type { ChannelConfig, SubscriptionConfig, TopicConfig } from './create-topic.ts';
export { compileFilterPolicy } from './filter-policy.ts';
export type { CompiledFilterPolicy, FilterInput, FilterPolicyScope, MessageAttributeValue } from './filter-policy.ts';
export { buildEnvelope, topicArn } from './notification.ts';
export type { EnvelopeAttribute, NotificationEnvelope } from './notification.ts';
export type { DeliveryReceipt, NotifyChannel } from './notify-channel.ts';
export { InvalidFilterPolicyError, InvalidNotifyConfigError, RejectedDeliveryError, TransientDeliveryError } from './notify-errors.ts';
export { Topic } from './topic.ts';
export type { DeliveryResult, PublishInput, PublishResult, TopicSubscription } from './topic.ts';
export { WebhookChannel, webhookSignature } from './webhook-channel.ts';
export type { WebhookChannelOptions } from './webhook-channel.ts';
export { FileChannel } from './file-channel.ts';
export type { FileChannelOptions } from './file-channel.ts';
export { SmtpChannel, formatSmtpMessage } from './smtp-channel.ts';
export type { SmtpChannelOptions } from './smtp-channel.ts';

export { runNotification } from './run-notification.ts';
export type { RunMessage, RunOutcome } from './run-notification.ts';
