import type { NotificationEnvelope } from './notification.ts';

/** How one delivery went, for the publish result. */
export interface DeliveryReceipt {
  /** Tries made, 1 when the first one succeeded. */
  attempts: number;
}

/**
 * A way to deliver a notification (webhook, file, SMTP). `deliver` resolves once the receiver
 * has accepted the envelope and rejects with a `LakestackError` otherwise:
 * `TransientError` when a later publish might succeed, `TerminalError` when it will not.
 */
export interface NotifyChannel {
  /** Channel kind: `webhook`, `file` or `smtp`. */
  readonly kind: string;
  /** Where it delivers, for messages: a URL, a path, `smtp://host:port`. */
  readonly target: string;
  deliver(envelope: NotificationEnvelope): Promise<DeliveryReceipt>;
}
