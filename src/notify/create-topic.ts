import { FileChannel } from './file-channel.ts';
import { compileFilterPolicy } from './filter-policy.ts';
import type { FilterPolicyScope } from './filter-policy.ts';
import type { NotifyChannel } from './notify-channel.ts';
import { InvalidNotifyConfigError } from './notify-errors.ts';
import { SmtpChannel } from './smtp-channel.ts';
import type { SmtpChannelOptions } from './smtp-channel.ts';
import { Topic } from './topic.ts';
import type { TopicSubscription } from './topic.ts';
import { WebhookChannel } from './webhook-channel.ts';
import type { WebhookChannelOptions } from './webhook-channel.ts';

/** A channel as configured: one of the three kinds. */
export type ChannelConfig =
  | ({ kind: 'webhook' } & WebhookChannelOptions)
  | { kind: 'file'; path: string }
  | ({ kind: 'smtp' } & SmtpChannelOptions);

/** One subscription as configured. */
export interface SubscriptionConfig {
  /** Unique within the topic; names the subscription in results. */
  id: string;
  channel: ChannelConfig;
  /** SNS filter policy (object or JSON text); absent: every message. */
  filterPolicy?: unknown;
  /** Default `MessageAttributes`. */
  filterPolicyScope?: FilterPolicyScope;
}

/** A topic as configured. */
export interface TopicConfig {
  /** 1-256 letters, digits, `-` and `_` (SNS topic name rules). */
  name: string;
  subscriptions: SubscriptionConfig[];
}

function buildChannel(config: ChannelConfig, path: string): NotifyChannel {
  switch (config.kind) {
    case 'webhook': return new WebhookChannel(config);
    case 'file': return new FileChannel(config);
    case 'smtp': return new SmtpChannel(config);
    default:
      throw new InvalidNotifyConfigError(`channel ${path}`, `has kind ${JSON.stringify((config as { kind: unknown }).kind)}; use "webhook", "file" or "smtp"`, `${path}.kind`);
  }
}

/**
 * Validates the configuration once, builds every channel and compiles every filter policy.
 * @throws InvalidNotifyConfigError (`NOTIFY_CONFIG_INVALID`) for a bad name, id or channel;
 *   InvalidFilterPolicyError (`FILTER_POLICY_INVALID`) for a policy SNS would refuse.
 */
export function createTopic(config: TopicConfig): Topic {
  if (typeof config.name !== 'string' || !/^[A-Za-z0-9_-]{1,256}$/.test(config.name)) {
    throw new InvalidNotifyConfigError(`topic name ${JSON.stringify(config.name)}`, 'is not valid; use 1-256 letters, digits, "-" or "_"', 'name');
  }
  if (!Array.isArray(config.subscriptions)) {
    throw new InvalidNotifyConfigError(`topic "${config.name}"`, 'has no subscriptions list; give "subscriptions" as an array (it may be empty)', 'subscriptions');
  }
  const seen = new Set<string>();
  const subscriptions = config.subscriptions.map((sub, i): TopicSubscription => {
    const path = `subscriptions[${i}]`;
    if (typeof sub.id !== 'string' || sub.id === '' || seen.has(sub.id)) {
      throw new InvalidNotifyConfigError(`subscription id ${JSON.stringify(sub.id)} of topic "${config.name}"`, 'is empty or repeated; give each subscription its own id', `${path}.id`);
    }
    seen.add(sub.id);
    const channel = buildChannel(sub.channel, path);
    if (sub.filterPolicy === undefined) return { id: sub.id, channel };
    return { id: sub.id, channel, filter: compileFilterPolicy(sub.filterPolicy, sub.filterPolicyScope) };
  });
  return Object.freeze(new Topic(config.name, Object.freeze(subscriptions)));
}
