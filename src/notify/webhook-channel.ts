import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NotificationEnvelope } from './notification.ts';
import type { DeliveryReceipt, NotifyChannel } from './notify-channel.ts';
import { InvalidNotifyConfigError, RejectedDeliveryError, TransientDeliveryError } from './notify-errors.ts';

/** Webhook settings; only `url` is required. */
export interface WebhookChannelOptions {
  /** `http:` or `https:` URL that receives the POST. */
  url: string;
  /** HMAC-SHA256 key; without it no `x-lakestack-signature` header is sent. */
  secret?: string;
  /** Tries in total, at least 1. Default 4. */
  attempts?: number;
  /** Per-try limit for connecting, sending and receiving the response. Default 10,000 ms. */
  timeoutMs?: number;
  /** First backoff ceiling; doubles each retry, with full jitter. Default 250 ms. */
  baseDelayMs?: number;
  /** Largest wait between tries, also the cap for `Retry-After`. Default 10,000 ms. */
  maxDelayMs?: number;
}

/** Signature header value for `body`: `sha256=<hex HMAC-SHA256 with secret>`. Receivers recompute it to verify. */
export function webhookSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

interface TryOutcome {
  status?: number;
  retryAfterMs?: number;
  error?: Error;
  snippet?: string;
}

function retryAfterMs(res: IncomingMessage): number | undefined {
  const value = res.headers['retry-after'];
  const seconds = typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/**
 * Delivers the envelope as a JSON POST with headers `content-type: application/json`,
 * `x-lakestack-message-id`, `x-lakestack-timestamp` (publish time, Unix seconds) and, with a
 * secret, `x-lakestack-signature` (see `webhookSignature`). Retries with exponential backoff and full jitter on
 * network errors, timeouts, 429 and 5xx; any other non-2xx answer is final.
 * Errors: `TransientDeliveryError` after the last try, `RejectedDeliveryError` on a final 4xx.
 */
export class WebhookChannel implements NotifyChannel {
  readonly kind = 'webhook';
  readonly target: string;
  private readonly url: URL;
  private readonly attempts: number;
  private readonly timeoutMs: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(private readonly options: WebhookChannelOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new InvalidNotifyConfigError(`webhook url ${JSON.stringify(options.url)}`, 'is not a URL; give an absolute http(s) URL', 'channel.url');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new InvalidNotifyConfigError(`webhook url "${options.url}"`, `has protocol "${url.protocol}"; use http: or https:`, 'channel.url');
    }
    const attempts = options.attempts ?? 4;
    if (!Number.isInteger(attempts) || attempts < 1) {
      throw new InvalidNotifyConfigError(`webhook "${options.url}"`, `has attempts ${attempts}; use a whole number of at least 1`, 'channel.attempts');
    }
    this.url = url;
    this.target = url.href;
    this.attempts = attempts;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.baseDelayMs = options.baseDelayMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 10_000;
  }

  async deliver(envelope: NotificationEnvelope): Promise<DeliveryReceipt> {
    const body = JSON.stringify(envelope);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      'x-lakestack-timestamp': String(Math.floor(Date.parse(envelope.Timestamp) / 1000)),
      'x-lakestack-message-id': envelope.MessageId,
    };
    if (this.options.secret !== undefined) headers['x-lakestack-signature'] = webhookSignature(this.options.secret, body);

    let last: TryOutcome = {};
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      last = await this.tryOnce(body, headers);
      const status = last.status;
      if (status !== undefined && status >= 200 && status < 300) return { attempts: attempt };
      if (status !== undefined && status !== 429 && status < 500) {
        throw new RejectedDeliveryError(
          `webhook POST to ${this.target} was refused with HTTP ${status}${last.snippet ? ` (${last.snippet})` : ''}; fix the receiver or the subscription, then publish again`,
          { url: this.target, status, attempts: attempt },
        );
      }
      if (attempt < this.attempts) {
        // full jitter: retries from many publishers spread out instead of arriving together
        const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
        await sleep(Math.min(this.maxDelayMs, last.retryAfterMs ?? Math.random() * ceiling));
      }
    }
    const why = last.status !== undefined ? `HTTP ${last.status}${last.snippet ? ` (${last.snippet})` : ''}` : (last.error?.message ?? 'no answer');
    throw new TransientDeliveryError(
      `webhook POST to ${this.target} failed after ${this.attempts} attempts: ${why}; check that the receiver is up and publish again`,
      { url: this.target, status: last.status, attempts: this.attempts },
      last.error,
    );
  }

  private tryOnce(body: string, headers: Record<string, string>): Promise<TryOutcome> {
    const send = this.url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve) => {
      let settled = false;
      const finish = (outcome: TryOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const req = send(this.url, { method: 'POST', headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (error) => finish({ error }));
        res.on('end', () => {
          const snippet = Buffer.concat(chunks).toString('utf8').slice(0, 200).trim();
          finish({ status: res.statusCode ?? 0, retryAfterMs: retryAfterMs(res), snippet });
        });
      });
      const timer = setTimeout(() => {
        const error = new Error(`no complete answer within ${this.timeoutMs} ms`);
        finish({ error });
        req.destroy(error);
      }, this.timeoutMs);
      req.on('error', (error) => finish({ error }));
      req.end(body);
    });
  }
}
