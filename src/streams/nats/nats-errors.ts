import { LakestackError, TerminalError } from '../../errors.ts';
import { invalidArgument, streamUnavailable } from '../stream-errors.ts';

/** JetStream API error codes this adapter reacts to. */
export const JS_STREAM_NOT_FOUND = 10059;
export const JS_STREAM_NAME_IN_USE = 10058;
export const JS_CONSUMER_NOT_FOUND = 10014;
export const JS_NO_MESSAGE_FOUND = 10037;

interface NatsErrorLike {
  code?: string;
  message?: string;
  api_error?: { code: number; err_code?: number; description: string };
}

/** The JetStream `err_code` of a NATS error, if it carries one. */
export function jetStreamErrorCode(err: unknown): number | undefined {
  return (err as NatsErrorLike | undefined)?.api_error?.err_code;
}

const UNREACHABLE = new Set(['CONNECTION_REFUSED', 'CONNECTION_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_DRAINING', 'DISCONNECT', 'TIMEOUT', 'TLS']);

/**
 * Translates a NATS client error once, at the adapter boundary. `what` names the call and the
 * stream (`putRecords on stream "orders"`).
 */
export function translateNatsError(err: unknown, what: string, servers: readonly string[]): unknown {
  if (err instanceof LakestackError) return err;
  const e = err as NatsErrorLike | undefined;
  const code = e?.code;
  const fields = { servers, natsCode: code, operation: what };
  if (code !== undefined && UNREACHABLE.has(code)) {
    return streamUnavailable(
      `${what} failed: NATS server ${servers.join(', ')} is unreachable (${code}); start nats-server with JetStream (\`nats-server -js\`) or fix streamTransport.servers, then retry`,
      fields,
      err,
    );
  }
  if (code === '503') {
    return streamUnavailable(
      `${what} failed: NATS server ${servers.join(', ')} did not answer the JetStream request (no responders: JetStream disabled, or the stream is gone); enable JetStream (\`nats-server -js\`) and check the stream exists`,
      fields,
      err,
    );
  }
  if (code === 'MAX_PAYLOAD_EXCEEDED') {
    return invalidArgument('records', `${what} failed: a record with its headers exceeds the server's max_payload; send smaller records or raise max_payload on the server`);
  }
  const detail = e?.api_error ? `${e.api_error.description} (JetStream error ${e.api_error.err_code ?? e.api_error.code})` : (e?.message ?? String(err));
  return new TerminalError('STREAM_REQUEST_FAILED', `${what} failed: NATS server ${servers.join(', ')} rejected it: ${detail}`, {
    cause: err,
    fields: { ...fields, jetStreamCode: e?.api_error?.err_code },
  });
}
