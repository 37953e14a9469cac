import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client as SendGridClient } from '@sendgrid/client';
import { EventWebhook, EventWebhookHeader } from '@sendgrid/eventwebhook';
import { MailService } from '@sendgrid/mail';
import { eventually, findFreePort } from '@clement/testing';
import twilio from 'twilio';

// The simulator runs as a real process (node --require tsx/cjs), driven only through the official
// SDKs; a local node:http server stands in for the consumer's webhooks.

const REPO_ROOT = join(__dirname, '..', '..', '..');
const MAIN = join(__dirname, 'main.ts');
const ACCOUNT_SID = `AC${randomBytes(16).toString('hex')}`;
const AUTH_TOKEN = randomBytes(24).toString('hex');
const SENDGRID_KEY = `SG.${randomBytes(24).toString('base64url')}`;

/**
 * The supported way to aim the SDK elsewhere: its `httpClient` option. This one is the SDK's own
 * RequestClient with the origin (https://api.twilio.com) swapped for the simulator's.
 */
function simulatorHttpClient(
  simUrl: string,
  options: { timeout?: number } = {},
): twilio.RequestClient {
  const client = new twilio.RequestClient(options);
  const request = client.request.bind(client);
  client.request = (opts) => {
    const original = new URL(opts.uri);
    return request({ ...opts, uri: new URL(original.pathname + original.search, simUrl).href });
  };
  return client;
}

interface Received {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

async function startReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf-8'),
      });
      res.writeHead(200, { 'Content-Type': 'text/xml' }).end('<Response></Response>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, received };
}

function formParams(body: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body));
}

describe('provider-sim process', () => {
  let sim: ChildProcess;
  let simUrl: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const lines: string[] = [];

  beforeAll(async () => {
    receiver = await startReceiver();
    const port = await findFreePort();
    simUrl = `http://127.0.0.1:${port}`;
    sim = spawn(process.execPath, ['--require', 'tsx/cjs', MAIN], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        TWILIO_ACCOUNT_SID: ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        SENDGRID_API_KEY: SENDGRID_KEY,
        INBOUND_WEBHOOK_URL: `${receiver.url}/twilio/inbound`,
        SENDGRID_EVENT_WEBHOOK_URL: `${receiver.url}/sendgrid/events`,
        SIM_SEED: 'int-spec',
        TWILIO_STATUS_DELAY_MS: '20',
        SENDGRID_EVENT_DELAY_MS: '20',
        SENDGRID_OPEN_RATE: '1',
        SENDGRID_CLICK_RATE: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    createInterface({ input: sim.stdout! }).on('line', (line) => lines.push(line));
    createInterface({ input: sim.stderr! }).on('line', (line) => lines.push(line));
    await eventually(() => expect(lines.join('\n')).toContain(`listening on port ${port}`), {
      timeoutMs: 60_000,
    });
  });

  afterAll(async () => {
    if (sim && sim.exitCode === null) {
      const exited = new Promise((resolve) => sim.once('exit', resolve));
      sim.kill('SIGTERM');
      await exited;
    }
    await new Promise((resolve) => receiver?.server.close(resolve));
  });

  const twilioClient = (): twilio.Twilio =>
    twilio(ACCOUNT_SID, AUTH_TOKEN, { httpClient: simulatorHttpClient(simUrl) });

  it('serves health, readiness and metrics', async () => {
    expect((await fetch(`${simUrl}/health/live`)).status).toBe(200);
    expect((await fetch(`${simUrl}/health/ready`)).status).toBe(200);
    expect(await (await fetch(`${simUrl}/metrics`)).text()).toMatch(
      /^target_info\{service_name="provider-sim",/m,
    );
  });

  it('sends an SMS through the twilio SDK and posts signed status callbacks', async () => {
    const callback = `${receiver.url}/twilio/status?command=c-1`;
    const message = await twilioClient().messages.create({
      to: '+34600000001',
      from: '+15005550006',
      body: 'Hola, soy Clement. Tu enlace: https://portal.example/x',
      statusCallback: callback,
    });

    expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(message).toMatchObject({
      status: 'queued',
      to: '+34600000001',
      accountSid: ACCOUNT_SID,
      numSegments: '1',
    });
    expect(message.dateCreated).toBeInstanceOf(Date);

    const callbacks = await eventually(() => {
      const mine = receiver.received.filter((r) => r.path === '/twilio/status?command=c-1');
      expect(mine).toHaveLength(3);
      return mine;
    });
    for (const received of callbacks) {
      const params = formParams(received.body);
      const signature = received.headers['x-twilio-signature'] as string;
      expect(twilio.validateRequest(AUTH_TOKEN, signature, callback, params)).toBe(true);
      expect(twilio.validateRequest('not-the-token', signature, callback, params)).toBe(false);
      expect(params['MessageSid']).toBe(message.sid);
    }
    expect(callbacks.map((r) => formParams(r.body)['MessageStatus'])).toEqual([
      'queued',
      'sent',
      'delivered',
    ]);

    const fetched = await twilioClient().messages(message.sid).fetch();
    expect(fetched.status).toBe('delivered');
    const listed = (await (await fetch(`${simUrl}/sim/messages?to=%2B34600000001`)).json()) as {
      messages: unknown[];
    };
    expect(listed.messages).toHaveLength(1);
  });

  it('reads WhatsApp messages and fails free-form ones outside the 24-hour window with 63016', async () => {
    const to = 'whatsapp:+34600000002';
    const callback = `${receiver.url}/twilio/status?wa=1`;
    await twilioClient().messages.create({
      to,
      from: 'whatsapp:+15005550006',
      body: 'Hola',
      statusCallback: callback,
    });
    await eventually(() =>
      expect(
        receiver.received
          .filter((r) => r.path === '/twilio/status?wa=1')
          .map((r) => formParams(r.body)['MessageStatus']),
      ).toEqual(['queued', 'sent', 'delivered', 'read']),
    );

    await fetch(`${simUrl}/sim/twilio/error-mode`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ to, mode: 'whatsapp-window-closed' }),
    });
    const late = `${receiver.url}/twilio/status?wa=2`;
    await twilioClient().messages.create({
      to,
      from: 'whatsapp:+15005550006',
      body: 'Hola otra vez',
      statusCallback: late,
    });
    await eventually(() => {
      const last = receiver.received
        .filter((r) => r.path === '/twilio/status?wa=2')
        .map((r) => formParams(r.body));
      expect(last.map((p) => `${p['MessageStatus']}:${p['ErrorCode'] ?? ''}`)).toEqual([
        'queued:',
        'failed:63016',
      ]);
    });
  });

  it("answers 429 with code 20429 in rate-limited mode, as the SDK's RestException", async () => {
    await fetch(`${simUrl}/sim/twilio/error-mode`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ mode: 'rate-limited', remaining: 1 }),
    });
    const send = () =>
      twilioClient().messages.create({ to: '+34600000003', from: '+15005550006', body: 'Hola' });

    await expect(send()).rejects.toMatchObject({ status: 429, code: 20429 });
    await expect(send()).resolves.toMatchObject({ status: 'queued' });
  });

  it('refuses opted-out numbers with 21610 and wrong credentials with 20003', async () => {
    await fetch(`${simUrl}/sim/twilio/error-mode`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ to: '+34600000004', mode: 'opted-out' }),
    });
    await expect(
      twilioClient().messages.create({ to: '+34600000004', from: '+15005550006', body: 'Hola' }),
    ).rejects.toMatchObject({ status: 400, code: 21610 });
    const wrong = twilio(ACCOUNT_SID, 'wrong-token', {
      httpClient: simulatorHttpClient(simUrl),
    });
    await expect(
      wrong.messages.create({ to: '+34600000005', from: '+15005550006', body: 'x' }),
    ).rejects.toMatchObject({
      status: 401,
      code: 20003,
    });
  });

  it('accepts, then times out in accept-then-timeout mode: the message exists and can be listed', async () => {
    const to = '+34600000006';
    const since = new Date(Date.now() - 1_000);
    await fetch(`${simUrl}/sim/twilio/error-mode`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ to, mode: 'accept-then-timeout', remaining: 1 }),
    });
    const impatient = twilio(ACCOUNT_SID, AUTH_TOKEN, {
      httpClient: simulatorHttpClient(simUrl, { timeout: 500 }),
    });
    const callback = `${receiver.url}/twilio/status?ambiguous=1`;

    await expect(
      impatient.messages.create({
        to,
        from: '+15005550006',
        body: 'Hola',
        statusCallback: callback,
      }),
    ).rejects.toThrow(/timeout/i);

    const stored = (await (await fetch(`${simUrl}/sim/messages?to=%2B34600000006`)).json()) as {
      messages: { sid: string }[];
    };
    expect(stored.messages).toHaveLength(1);
    const sid = stored.messages[0]!.sid;
    // It counts as sent: the status callbacks play as usual.
    await eventually(() =>
      expect(
        receiver.received
          .filter((r) => r.path === '/twilio/status?ambiguous=1')
          .map((r) => formParams(r.body)['MessageStatus']),
      ).toEqual(['queued', 'sent', 'delivered']),
    );

    // A dispatcher reconciles by listing instead of re-sending.
    const listed = await twilioClient().messages.list({ to, dateSentAfter: since });
    expect(listed.map((message) => message.sid)).toEqual([sid]);
    expect(listed[0]).toMatchObject({ to, status: 'delivered', body: 'Hola' });
    expect(await twilioClient().messages.list({ to: '+34699999999' })).toEqual([]);
    const raw = await fetch(
      `${simUrl}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json?To=${encodeURIComponent(to)}`,
      { headers: { Authorization: `Basic ${btoa(`${ACCOUNT_SID}:${AUTH_TOKEN}`)}` } },
    );
    expect(await raw.json()).toMatchObject({
      messages: [{ sid, to }],
      page: 0,
      page_size: 50,
      next_page_uri: null,
    });

    const stats = (await (await fetch(`${simUrl}/sim/stats`)).json()) as {
      requests: Record<string, number>;
      created: Record<string, number>;
    };
    expect(stats.requests[to]).toBe(1);
    expect(stats.created[to]).toBe(1);
  });

  it('posts a signed inbound reply to the configured webhook', async () => {
    const response = await fetch(`${simUrl}/sim/twilio/inbound`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ from: '+34600000001', to: '+15005550006', body: 'BAJA' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      webhookStatus: 200,
      webhookBody: '<Response></Response>',
    });

    const inbound = receiver.received.find((r) => r.path === '/twilio/inbound');
    const params = formParams(inbound!.body);
    expect(params).toMatchObject({ From: '+34600000001', To: '+15005550006', Body: 'BAJA' });
    expect(
      twilio.validateRequest(
        AUTH_TOKEN,
        inbound!.headers['x-twilio-signature'] as string,
        `${receiver.url}/twilio/inbound`,
        params,
      ),
    ).toBe(true);

    const page = await (await fetch(simUrl)).text();
    expect(page).toContain('<h2>+34600000001</h2>');
    expect(page).toContain('BAJA');
  });

  it('sends an email through @sendgrid/mail and posts signed events', async () => {
    const client = new SendGridClient();
    client.setApiKey(SENDGRID_KEY);
    client.setDefaultRequest('baseUrl', simUrl);
    const mail = new MailService();
    mail.setClient(client);

    const [response] = await mail.send({
      to: 'ana@example.com',
      from: 'hola@brand.example',
      subject: 'Tienes un mensaje',
      text: 'Hola Ana',
      customArgs: { command_id: 'cmd-42' },
    });
    expect(response.statusCode).toBe(202);
    const messageId = response.headers['x-message-id'] as string;
    expect(messageId).toMatch(/^[A-Za-z0-9_-]{22}$/);

    const { publicKey } = (await (await fetch(`${simUrl}/sim/sendgrid/public-key`)).json()) as {
      publicKey: string;
    };
    const verifier = new EventWebhook();
    const key = verifier.convertPublicKeyToECDSA(publicKey);
    const batches = await eventually(() => {
      const posted = receiver.received.filter((r) => r.path === '/sendgrid/events');
      expect(posted).toHaveLength(4);
      return posted;
    });
    const events = batches.flatMap((batch) => {
      const signature = batch.headers[EventWebhookHeader.SIGNATURE().toLowerCase()] as string;
      const timestamp = batch.headers[EventWebhookHeader.TIMESTAMP().toLowerCase()] as string;
      expect(verifier.verifySignature(key, batch.body, signature, timestamp)).toBe(true);
      expect(
        verifier.verifySignature(key, batch.body.replace('ana', 'eve'), signature, timestamp),
      ).toBe(false);
      return JSON.parse(batch.body) as Record<string, unknown>[];
    });
    expect(events.map((event) => event['event'])).toEqual([
      'processed',
      'delivered',
      'open',
      'click',
    ]);
    for (const event of events) {
      expect(event).toMatchObject({ email: 'ana@example.com', command_id: 'cmd-42' });
      expect(String(event['sg_message_id'])).toMatch(new RegExp(`^${messageId}\\.`));
      expect(event['sg_event_id']).toEqual(expect.any(String));
    }

    const badKey = new SendGridClient();
    badKey.setApiKey('SG.not-the-key');
    badKey.setDefaultRequest('baseUrl', simUrl);
    const refused = new MailService();
    refused.setClient(badKey);
    await expect(
      refused.send({ to: 'ana@example.com', from: 'hola@brand.example', subject: 's', text: 't' }),
    ).rejects.toMatchObject({ code: 401 });
  });
});
