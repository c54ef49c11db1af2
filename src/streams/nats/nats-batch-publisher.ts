import { createInbox } from 'nats';
import type { MsgHdrs, NatsConnection } from 'nats';

/** One message of a batch: subject, payload and headers. */
export interface BatchMessage {
  subject: string;
  data: Uint8Array;
  headers: MsgHdrs;
}

interface PubAckJson {
  seq?: number;
  error?: { code: number; err_code?: number; description: string };
}

/** An error in the shape the client library uses (`code`, `api_error`), for translateNatsError. */
function natsLikeError(message: string, code: string, apiError?: PubAckJson['error']): Error {
  return Object.assign(new Error(message), { code, ...(apiError ? { api_error: apiError } : {}) });
}

/**
 * Publishes `messages` to JetStream pipelined, and resolves with their stream sequences in
 * message order. Every message asks for its ack on `<inbox>.<index>` of one subscription (what
 * the Go client's PublishAsync does), instead of one request with its own timer per message.
 * The server handles one connection's messages in order, so sequences follow message order.
 * Rejects on the first negative ack, on "no responders" (nothing captures a subject; code
 * '503'), or when not every ack arrived within `timeoutMs` (code 'TIMEOUT'); messages acked
 * before that stay stored.
 */
export function publishBatch(nc: NatsConnection, messages: readonly BatchMessage[], timeoutMs: number): Promise<number[]> {
  if (messages.length === 0) return Promise.resolve([]);
  const inbox = createInbox();
  const sequences = new Array<number>(messages.length);
  const decoder = new TextDecoder();
  let acked = 0;
  return new Promise<number[]>((resolve, reject) => {
    let settled = false;
    const finish = (err?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sub.unsubscribe();
      if (err === undefined) resolve(sequences);
      else reject(err);
    };
    const timer = setTimeout(() => finish(natsLikeError(`${messages.length - acked} of ${messages.length} publishes not acknowledged within ${timeoutMs} ms`, 'TIMEOUT')), timeoutMs);
    const sub = nc.subscribe(`${inbox}.*`, {
      callback: (err, m) => {
        if (err) return finish(err);
        if (m.headers?.code === 503) return finish(natsLikeError(`no stream captures subject of message ${m.subject.slice(inbox.length + 1)}`, '503'));
        let ack: PubAckJson;
        try {
          ack = JSON.parse(decoder.decode(m.data)) as PubAckJson;
        } catch {
          return finish(natsLikeError(`unreadable publish ack: ${decoder.decode(m.data).slice(0, 200)}`, 'BAD_JSON'));
        }
        if (ack.error) return finish(natsLikeError(ack.error.description, 'BAD API', ack.error));
        const index = Number(m.subject.slice(inbox.length + 1));
        if (sequences[index] === undefined && typeof ack.seq === 'number') {
          sequences[index] = ack.seq;
          if (++acked === messages.length) finish();
        }
      },
    });
    try {
      messages.forEach((msg, i) => nc.publish(msg.subject, msg.data, { reply: `${inbox}.${i}`, headers: msg.headers }));
    } catch (err) {
      finish(err);
    }
  });
}
