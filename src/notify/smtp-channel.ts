import { hostname } from 'node:os';
import type { NotificationEnvelope } from './notification.ts';
import type { DeliveryReceipt, NotifyChannel } from './notify-channel.ts';
import { InvalidNotifyConfigError, RejectedDeliveryError } from './notify-errors.ts';
import { SmtpConnection } from './smtp-connection.ts';

/** SMTP settings. The connection is plain text (no TLS, no STARTTLS): use a local or trusted relay. */
export interface SmtpChannelOptions {
  host: string;
  port: number;
  /** Envelope sender and `From:` address. */
  from: string;
  /** Recipients, at least one. */
  to: string[];
  /** Only `false` is supported: TLS is not implemented. */
  secure?: false;
  /** With `password`: AUTH PLAIN after EHLO. */
  username?: string;
  password?: string;
  /** Limit for each server reply. Default 10,000 ms. */
  timeoutMs?: number;
  /** Name given in EHLO/HELO. Default: this machine's host name. */
  clientName?: string;
}

const ADDRESS = /^[^\s<>"\r\n]+@[^\s<>"\r\n]+$/;

function checkAddress(value: unknown, path: string): string {
  if (typeof value !== 'string' || !ADDRESS.test(value)) {
    throw new InvalidNotifyConfigError(`smtp address ${JSON.stringify(value)}`, 'is not a plain address; use the form user@host, without a display name', path);
  }
  return value;
}

/** RFC 2047 encoded-word for header text that is not plain ASCII. */
function headerText(text: string): string {
  const clean = text.replace(/[\r\n]+/g, ' ');
  return /^[\x20-\x7e]*$/.test(clean) ? clean : `=?UTF-8?B?${Buffer.from(clean, 'utf8').toString('base64')}?=`;
}

/** The DATA payload: headers, body, dot-stuffing and the terminating line. */
export function formatSmtpMessage(envelope: NotificationEnvelope, from: string, to: readonly string[]): string {
  const subject = envelope.Subject ?? `Notification from ${envelope.TopicArn}`;
  const text = `${envelope.Message}\n\n--\nTopic: ${envelope.TopicArn}\nMessage id: ${envelope.MessageId}\nPublished: ${envelope.Timestamp}\n`;
  const lines = text.split(/\r?\n/);
  const plain = lines.every((l) => /^[\x20-\x7e\t]*$/.test(l) && l.length <= 998);
  const body = plain
    ? lines
    : (Buffer.from(lines.join('\r\n'), 'utf8').toString('base64').match(/.{1,76}/g) ?? []);
  const headers = [
    `From: ${from}`,
    `To: ${to.join(', ')}`,
    `Subject: ${headerText(subject)}`,
    `Date: ${new Date(envelope.Timestamp).toUTCString()}`,
    `Message-ID: <${envelope.MessageId}@lakestack>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Transfer-Encoding: ${plain ? '7bit' : 'base64'}`,
  ];
  // dot-stuffing (RFC 5321 4.5.2): a line starting with "." gets one more, so it cannot end DATA
  const stuffed = [...headers, '', ...body].map((l) => (l.startsWith('.') ? `.${l}` : l));
  return `${stuffed.join('\r\n')}\r\n.\r\n`;
}

/**
 * Sends each envelope as a plain-text email through an SMTP server: EHLO (HELO when refused),
 * optional AUTH PLAIN, MAIL FROM, RCPT TO per recipient, DATA, QUIT.
 * Errors name the server and the reply code: `TransientDeliveryError` for network trouble and 4xx,
 * `RejectedDeliveryError` for 5xx.
 */
export class SmtpChannel implements NotifyChannel {
  readonly kind = 'smtp';
  readonly target: string;
  private readonly from: string;
  private readonly to: string[];

  constructor(private readonly options: SmtpChannelOptions) {
    if (options.secure !== undefined && options.secure !== false) {
      throw new InvalidNotifyConfigError(`smtp channel ${options.host}:${options.port}`, 'asks for secure: true; TLS is not supported, use a local relay with secure: false', 'channel.secure');
    }
    if (typeof options.host !== 'string' || options.host === '' || !Number.isInteger(options.port) || options.port < 1 || options.port > 65535) {
      throw new InvalidNotifyConfigError(`smtp channel ${JSON.stringify(options.host)}:${options.port}`, 'needs a host name and a port from 1 to 65535', 'channel.host');
    }
    if ((options.username === undefined) !== (options.password === undefined)) {
      throw new InvalidNotifyConfigError(`smtp channel ${options.host}:${options.port}`, 'has only one of username and password; give both or neither', 'channel.username');
    }
    if (!Array.isArray(options.to) || options.to.length === 0) {
      throw new InvalidNotifyConfigError(`smtp channel ${options.host}:${options.port}`, 'has no recipients; list at least one address in "to"', 'channel.to');
    }
    this.from = checkAddress(options.from, 'channel.from');
    this.to = options.to.map((a, i) => checkAddress(a, `channel.to[${i}]`));
    this.target = `smtp://${options.host}:${options.port}`;
  }

  async deliver(envelope: NotificationEnvelope): Promise<DeliveryReceipt> {
    const { host, port, username, password } = this.options;
    const conn = await SmtpConnection.open(host, port, this.options.timeoutMs ?? 10_000);
    try {
      await conn.command(undefined, [220]);
      const name = this.options.clientName ?? (hostname() || 'localhost');
      try {
        await conn.command(`EHLO ${name}`, [250]);
      } catch (err) {
        // a server without ESMTP refuses EHLO with 5xx; network trouble and 4xx are not that
        if (!(err instanceof RejectedDeliveryError)) throw err;
        await conn.command(`HELO ${name}`, [250]);
      }
      if (username !== undefined && password !== undefined) {
        const token = Buffer.from(`\0${username}\0${password}`, 'utf8').toString('base64');
        await conn.command(`AUTH PLAIN ${token}`, [235], 'AUTH PLAIN');
      }
      await conn.command(`MAIL FROM:<${this.from}>`, [250]);
      for (const rcpt of this.to) await conn.command(`RCPT TO:<${rcpt}>`, [250, 251]);
      await conn.command('DATA', [354]);
      conn.write(formatSmtpMessage(envelope, this.from, this.to));
      await conn.command(undefined, [250], 'end of DATA');
    } finally {
      await conn.close();
    }
    return { attempts: 1 };
  }
}
