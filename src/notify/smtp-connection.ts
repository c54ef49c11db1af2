import { createConnection } from 'node:net';
import type { Socket } from 'node:net';
import { RejectedDeliveryError, TransientDeliveryError } from './notify-errors.ts';

/** One SMTP reply: its code and the text of every line (multi-line replies joined by the caller). */
export interface SmtpReply {
  code: number;
  lines: string[];
}

/**
 * A plain-text SMTP session over one socket: sends commands, reads (multi-line) replies, and turns
 * unexpected replies into errors naming the server, the command and the reply code
 * (4xx: `TransientDeliveryError`, anything else: `RejectedDeliveryError`).
 */
export class SmtpConnection {
  private buffer = '';
  private current: string[] = [];
  private readonly replies: SmtpReply[] = [];
  private waiter: { resolve: (r: SmtpReply) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;

  private constructor(
    private readonly socket: Socket,
    /** `smtp://host:port`, for messages. */
    readonly server: string,
  ) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('the server closed the connection')));
  }

  /** Opens the socket; every later read fails after `timeoutMs` of silence. */
  static async open(host: string, port: number, timeoutMs: number): Promise<SmtpConnection> {
    const server = `smtp://${host}:${port}`;
    const socket = createConnection({ host, port });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      });
    } catch (err) {
      throw new TransientDeliveryError(`cannot connect to ${server}: ${(err as Error).message}; check the host, port and that the server is running`, { server }, err);
    }
    return new SmtpConnection(socket, server);
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, end).replace(/\r$/, '');
      this.buffer = this.buffer.slice(end + 1);
      this.current.push(line.slice(4));
      // "250-..." continues a reply; "250 ..." (or a bare "250") ends it
      if (line.charAt(3) !== '-') {
        const reply = { code: Number(line.slice(0, 3)) || 0, lines: this.current };
        this.current = [];
        const waiter = this.waiter;
        this.waiter = undefined;
        if (waiter) waiter.resolve(reply);
        else this.replies.push(reply);
      }
    }
  }

  private fail(err: Error): void {
    this.failure ??= err;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(err);
  }

  private nextReply(): Promise<SmtpReply> {
    const queued = this.replies.shift();
    if (queued) return Promise.resolve(queued);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /**
   * Sends `line` (or nothing, when undefined: reads the greeting) and reads the reply.
   * @param expected reply codes that mean success.
   * @param label how the command appears in errors (hides AUTH credentials).
   */
  async command(line: string | undefined, expected: number[], label = line ?? 'greeting'): Promise<SmtpReply> {
    if (line !== undefined) this.socket.write(`${line}\r\n`);
    let reply: SmtpReply;
    try {
      reply = await this.nextReply();
    } catch (err) {
      throw new TransientDeliveryError(`SMTP ${label} to ${this.server} failed: ${(err as Error).message}; check the server and try again`, { server: this.server, command: label }, err);
    }
    if (expected.includes(reply.code)) return reply;
    const text = reply.lines.join(' ').trim();
    const message = `SMTP server ${this.server} answered ${label} with ${reply.code} ${text}`;
    const fields = { server: this.server, command: label, replyCode: reply.code, replyText: text };
    if (reply.code >= 400 && reply.code < 500) throw new TransientDeliveryError(`${message}; the server refused for now, publish again later`, fields);
    throw new RejectedDeliveryError(`${message}; check the sender, recipients and credentials of the subscription`, fields);
  }

  /** Writes raw bytes (the DATA payload) without reading a reply. */
  write(data: string): void {
    this.socket.write(data);
  }

  /** Sends QUIT (best effort) and closes the socket. */
  async close(): Promise<void> {
    if (!this.failure) {
      try {
        await this.command('QUIT', [221]);
      } catch {
        // the message is already accepted; a rude goodbye changes nothing
      }
    }
    this.socket.destroy();
  }
}
