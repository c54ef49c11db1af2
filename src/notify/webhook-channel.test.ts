import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { TerminalError, TransientError } from '../errors.ts';
import { buildEnvelope } from './notification.ts';
import { RejectedDeliveryError, TransientDeliveryError } from './notify-errors.ts';
import { WebhookChannel } from './webhook-channel.ts';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** Answers each request with the next planned status; 'hang' never answers. */
let plan: Array<number | 'hang'> = [];
let received: Received[] = [];
let server: Server;
let baseUrl: string;

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const step = plan.shift() ?? 200;
      if (step === 'hang') return;
      if (step === 429) res.setHeader('retry-after', '0');
      res.writeHead(step, { 'content-type': 'text/plain' }).end(step >= 400 ? `status ${step} from test` : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  plan = [];
  received = [];
});

const envelope = () => buildEnvelope({ topicName: 'runs', subject: 'Job done', message: '{"runId":"r1"}', attributes: { status: 'success' } });

describe('WebhookChannel', () => {
  it('POSTs the envelope as JSON with a signature the receiver can verify', async () => {
    const secret = 's3cr3t';
    const env = envelope();
    const receipt = await new WebhookChannel({ url: `${baseUrl}/hook`, secret }).deliver(env);
    assert.deepEqual(receipt, { attempts: 1 });
    assert.equal(received.length, 1);
    const [req] = received as [Received];
    assert.equal(req.headers['content-type'], 'application/json');
    assert.equal(req.headers['x-lakestack-message-id'], env.MessageId);
    assert.equal(req.headers['x-lakestack-timestamp'], String(Math.floor(Date.parse(env.Timestamp) / 1000)));
    assert.deepEqual(JSON.parse(req.body), env);
    const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(req.body).digest('hex')}`);
    const got = Buffer.from(String(req.headers['x-lakestack-signature']));
    assert.ok(got.length === expected.length && timingSafeEqual(got, expected), 'signature verifies');
  });

  it('sends no signature header without a secret', async () => {
    await new WebhookChannel({ url: baseUrl }).deliver(envelope());
    assert.equal(received[0]?.headers['x-lakestack-signature'], undefined);
  });

  it('retries after two 500s and succeeds on the third try with the same message', async () => {
    plan = [500, 500, 200];
    const receipt = await new WebhookChannel({ url: baseUrl, baseDelayMs: 5 }).deliver(envelope());
    assert.deepEqual(receipt, { attempts: 3 });
    assert.equal(received.length, 3);
    assert.equal(new Set(received.map((r) => r.body)).size, 1);
  });

  it('retries 429', async () => {
    plan = [429, 200];
    assert.deepEqual(await new WebhookChannel({ url: baseUrl, baseDelayMs: 5 }).deliver(envelope()), { attempts: 2 });
  });

  it('does not retry a 400 and names the URL and status', async () => {
    plan = [400, 200];
    await assert.rejects(new WebhookChannel({ url: baseUrl, baseDelayMs: 5 }).deliver(envelope()), (err: unknown) => {
      assert.ok(err instanceof RejectedDeliveryError && err instanceof TerminalError);
      assert.equal(err.code, 'NOTIFY_DELIVERY_REJECTED');
      assert.match(err.message, /HTTP 400 \(status 400 from test\)/);
      assert.ok(err.message.includes(baseUrl));
      return true;
    });
    assert.equal(received.length, 1);
  });

  it('gives up after the configured attempts with a transient error', async () => {
    plan = [503, 503, 503];
    await assert.rejects(new WebhookChannel({ url: baseUrl, attempts: 3, baseDelayMs: 5 }).deliver(envelope()), (err: unknown) => {
      assert.ok(err instanceof TransientDeliveryError && err instanceof TransientError);
      assert.match(err.message, /failed after 3 attempts: HTTP 503/);
      return true;
    });
    assert.equal(received.length, 3);
  });

  it('times out a receiver that never answers, and retries the timeout', async () => {
    plan = ['hang', 'hang'];
    const started = Date.now();
    await assert.rejects(new WebhookChannel({ url: baseUrl, attempts: 2, timeoutMs: 100, baseDelayMs: 5 }).deliver(envelope()), /failed after 2 attempts: no complete answer within 100 ms/);
    assert.equal(received.length, 2);
    assert.ok(Date.now() - started < 2000);
  });

  it('retries network errors (connection refused)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await assert.rejects(new WebhookChannel({ url: `http://127.0.0.1:${port}/`, attempts: 2, baseDelayMs: 5 }).deliver(envelope()), (err: unknown) => {
      assert.ok(err instanceof TransientDeliveryError);
      assert.match(err.message, /failed after 2 attempts: .*ECONNREFUSED/);
      return true;
    });
  });

  it('rejects bad configuration', () => {
    assert.throws(() => new WebhookChannel({ url: 'not a url' }), /is not a URL/);
    assert.throws(() => new WebhookChannel({ url: 'ftp://x/' }), /use http: or https:/);
    assert.throws(() => new WebhookChannel({ url: baseUrl, attempts: 0 }), /attempts 0/);
  });
});
