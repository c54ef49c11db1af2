import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { buildEnvelope } from './notification.ts';
import { RejectedDeliveryError, TransientDeliveryError } from './notify-errors.ts';
import { SmtpChannel, formatSmtpMessage } from './smtp-channel.ts';

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function waitForPort(port: number, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const s: Socket = connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`SMTP test server did not listen on ${port} within ${deadlineMs} ms`);
}

describe('SmtpChannel against Python smtpd DebuggingServer', () => {
  let child: ChildProcess;
  let port: number;
  let output = '';

  before(async () => {
    port = await freePort();
    child = spawn('python3', ['-u', '-W', 'ignore', '-m', 'smtpd', '-n', '-c', 'DebuggingServer', `127.0.0.1:${port}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.stderr?.setEncoding('utf8').on('data', (c: string) => (output += c));
    await waitForPort(port, 5000);
  });

  after(() => {
    child.kill();
  });

  it('delivers the message with headers, dot-stuffed lines and the envelope footer', async () => {
    const envelope = buildEnvelope({ topicName: 'runs', subject: 'Run r-42 failed', message: 'Run r-42 failed.\n.hidden line\n..two dots\nerror: boom' });
    const channel = new SmtpChannel({ host: '127.0.0.1', port, from: 'lakestack@example.test', to: ['ops@example.test', 'dev@example.test'], clientName: 'tester' });
    assert.deepEqual(await channel.deliver(envelope), { attempts: 1 });
    const until = Date.now() + 5000;
    while (!output.includes('END MESSAGE') && Date.now() < until) await sleep(20);
    assert.match(output, /MESSAGE FOLLOWS/);
    // DebuggingServer prints each received line as a Python bytes literal
    const printed = (line: string): boolean => output.includes(`b'${line}'\n`);
    assert.ok(printed('Subject: Run r-42 failed'));
    assert.ok(printed('From: lakestack@example.test'));
    assert.ok(printed('To: ops@example.test, dev@example.test'));
    assert.ok(printed(`Message-ID: <${envelope.MessageId}@lakestack>`));
    // the server undoes the dot-stuffing: the body reads as written
    assert.ok(printed('.hidden line'));
    assert.ok(printed('..two dots'));
    assert.ok(printed('error: boom'));
    assert.ok(printed('Topic: lakestack:topic:runs'));
  });
});

/** A scripted SMTP server for what smtpd cannot do: AUTH PLAIN, refused EHLO, 5xx replies. */
function scriptedServer(options: { refuseEhlo?: boolean; password: string }): { server: Server; log: string[] } {
  const log: string[] = [];
  const server = createServer((socket) => {
    let buffer = '';
    let inData = false;
    socket.write('220-smtp.test ready\r\n220 second greeting line\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let end: number;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        log.push(line);
        if (inData) {
          if (line === '.') {
            inData = false;
            socket.write('250 queued\r\n');
          }
          continue;
        }
        const verb = line.split(' ')[0]?.toUpperCase();
        if (verb === 'EHLO') socket.write(options.refuseEhlo ? '502 EHLO not here\r\n' : '250-smtp.test\r\n250-AUTH PLAIN\r\n250 SIZE 1000000\r\n');
        else if (verb === 'HELO') socket.write('250 smtp.test\r\n');
        else if (verb === 'AUTH') {
          const token = Buffer.from(line.split(' ')[2] ?? '', 'base64').toString('utf8');
          socket.write(token === `\0user\0${options.password}` ? '235 2.7.0 ok\r\n' : '535 5.7.8 bad credentials\r\n');
        } else if (verb === 'MAIL') socket.write('250 ok\r\n');
        else if (verb === 'RCPT') socket.write(line.includes('full@') ? '452 4.2.2 mailbox full\r\n' : line.includes('nobody@') ? '550 5.1.1 no such user\r\n' : '250 ok\r\n');
        else if (verb === 'DATA') {
          inData = true;
          socket.write('354 go ahead\r\n');
        } else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('500 what\r\n');
      }
    });
  });
  return { server, log };
}

describe('SmtpChannel against a scripted server', () => {
  const main = scriptedServer({ password: 'pw' });
  const helo = scriptedServer({ password: 'pw', refuseEhlo: true });
  let port = 0;
  let heloPort = 0;

  before(async () => {
    await new Promise<void>((resolve) => main.server.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => helo.server.listen(0, '127.0.0.1', resolve));
    port = (main.server.address() as AddressInfo).port;
    heloPort = (helo.server.address() as AddressInfo).port;
  });

  after(async () => {
    await new Promise<void>((resolve) => main.server.close(() => resolve()));
    await new Promise<void>((resolve) => helo.server.close(() => resolve()));
  });

  const envelope = () => buildEnvelope({ topicName: 'runs', subject: 'ok', message: 'hello' });
  const channel = (overrides: Partial<ConstructorParameters<typeof SmtpChannel>[0]> = {}) =>
    new SmtpChannel({ host: '127.0.0.1', port, from: 'a@example.test', to: ['b@example.test'], username: 'user', password: 'pw', clientName: 'tester', ...overrides });

  it('reads multi-line replies and authenticates with AUTH PLAIN', async () => {
    main.log.length = 0;
    await channel().deliver(envelope());
    assert.deepEqual(main.log.slice(0, 5), ['EHLO tester', `AUTH PLAIN ${Buffer.from('\0user\0pw').toString('base64')}`, 'MAIL FROM:<a@example.test>', 'RCPT TO:<b@example.test>', 'DATA']);
    assert.equal(main.log.at(-1), 'QUIT');
  });

  it('dot-stuffs lines that start with a dot on the wire', async () => {
    main.log.length = 0;
    await channel().deliver(buildEnvelope({ topicName: 'runs', message: 'a\n.b\n.' }));
    assert.ok(main.log.includes('..b'));
    assert.ok(main.log.includes('..'));
    assert.equal(main.log.filter((l) => l === '.').length, 1, 'only the terminator is a lone dot');
  });

  it('falls back to HELO when EHLO is refused', async () => {
    helo.log.length = 0;
    await channel({ port: heloPort, username: undefined, password: undefined }).deliver(envelope());
    assert.deepEqual(helo.log.slice(0, 3), ['EHLO tester', 'HELO tester', 'MAIL FROM:<a@example.test>']);
  });

  it('names the server, the command and the code when credentials are refused', async () => {
    await assert.rejects(channel({ password: 'wrong' }).deliver(envelope()), (err: unknown) => {
      assert.ok(err instanceof RejectedDeliveryError);
      assert.match(err.message, new RegExp(`smtp://127\\.0\\.0\\.1:${port} answered AUTH PLAIN with 535 5\\.7\\.8 bad credentials`));
      assert.ok(!err.message.includes(Buffer.from('\0user\0wrong').toString('base64')), 'credentials stay out of messages');
      return true;
    });
  });

  it('treats 5xx as rejected and 4xx as transient', async () => {
    await assert.rejects(channel({ to: ['nobody@example.test'] }).deliver(envelope()), (err: unknown) => err instanceof RejectedDeliveryError && err.fields.replyCode === 550);
    await assert.rejects(channel({ to: ['full@example.test'] }).deliver(envelope()), (err: unknown) => err instanceof TransientDeliveryError && err.fields.replyCode === 452);
  });

  it('fails transiently, naming the server, when nothing listens', async () => {
    const closedPort = await freePort();
    await assert.rejects(channel({ port: closedPort }).deliver(envelope()), new RegExp(`cannot connect to smtp://127\\.0\\.0\\.1:${closedPort}`));
  });

  it('validates its configuration', () => {
    assert.throws(() => channel({ to: [] }), /no recipients/);
    assert.throws(() => channel({ from: 'Ops <ops@x>' }), /not a plain address/);
    assert.throws(() => channel({ password: undefined }), /only one of username and password/);
    assert.throws(() => channel({ secure: true as unknown as false }), /TLS is not supported/);
  });

  it('encodes a non-ASCII subject and body', () => {
    const text = formatSmtpMessage(buildEnvelope({ topicName: 'runs', subject: 'Ação concluída', message: 'olá' }), 'a@x.test', ['b@x.test']);
    assert.match(text, /^Subject: =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/m);
    assert.match(text, /^Content-Transfer-Encoding: base64$/m);
    assert.ok(text.endsWith('\r\n.\r\n'));
  });
});
