import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  findFreePort,
  killServiceProcess,
  type ServiceProcess,
  startServiceProcess,
  stopGracefully,
} from '@clement/testing';
import { sha256Hex } from './body-hash';
import { createProviderRouter } from './provider-router';
import { type OutboundMessage, type ProviderGateway, ProviderLookupError } from './provider-types';
import { createSendGridGateway } from './sendgrid-gateway';
import { createTwilioGateway } from './twilio-gateway';

// The real provider simulator process, driven only through the gateways (official SDKs inside).

const REPO_ROOT = join(__dirname, '..', '..', '..', '..');
const SIM_MAIN = join(REPO_ROOT, 'apps', 'provider-sim', 'src', 'main.ts');
const ACCOUNT_SID = `AC${randomBytes(16).toString('hex')}`;
const AUTH_TOKEN = randomBytes(24).toString('hex');
const SENDGRID_KEY = `SG.${randomBytes(24).toString('base64url')}`;
const SENDER = '+15005550006';
const TIMEOUT_MS = 1_000;

interface SimTwilioMessage {
  channel: string;
  sid: string;
  to: string;
  from: string | null;
  body: string | null;
  messagingServiceSid: string | null;
  contentSid?: string | null;
  contentVariables?: string | null;
  statusCallback: string | null;
}

interface SimEmail {
  channel: 'email';
  messageId: string;
  to: string;
  from: string;
  subject: string | null;
  text: string | null;
  customArgs: Record<string, string>;
}

let phoneCounter = 0;
/** A destination of its own per test, so error modes and lookups never cross. */
function nextPhone(): string {
  phoneCounter += 1;
  return `+346${String(Date.now() % 1_000_000).padStart(6, '0')}${String(phoneCounter).padStart(2, '0')}`;
}

function sms(to: string, overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    dispatchId: `d-${randomBytes(4).toString('hex')}`,
    tenantId: 'demo-bank',
    channel: 'sms',
    to,
    from: SENDER,
    body: `Hola, soy Clement ${randomBytes(3).toString('hex')}`,
    ...overrides,
  };
}

/** A stand-in answering every request with one fixed response (the simulator sends no Retry-After). */
async function fixedResponder(
  status: number,
  headers: Record<string, string>,
  body: string,
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () =>
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(body),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

describe('provider gateways against the provider-sim process', () => {
  let sim: ServiceProcess | undefined;
  let simUrl: string;
  let twilio: ProviderGateway;
  let sendgrid: ProviderGateway;
  let router: ProviderGateway;

  async function control(
    method: 'GET' | 'PUT' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<unknown> {
    const response = await fetch(`${simUrl}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(response.status).toBe(200);
    return response.json();
  }

  async function simMessages<T>(query: Record<string, string>): Promise<T[]> {
    const { messages } = (await control(
      'GET',
      `/sim/messages?${new URLSearchParams(query).toString()}`,
    )) as {
      messages: T[];
    };
    return messages;
  }

  async function errorMode(to: string, mode: string): Promise<void> {
    await control('PUT', '/sim/twilio/error-mode', { mode, to, remaining: 1 });
  }

  beforeAll(async () => {
    const port = await findFreePort();
    simUrl = `http://127.0.0.1:${port}`;
    sim = await startServiceProcess(SIM_MAIN, {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      SENDGRID_API_KEY: SENDGRID_KEY,
      SIM_SEED: 'dispatch-providers',
      TWILIO_STATUS_DELAY_MS: '20',
      SENDGRID_EVENT_DELAY_MS: '20',
      TWILIO_HANG_MS: '5000',
    });
    twilio = createTwilioGateway({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      apiBaseUrl: simUrl,
      timeoutMs: TIMEOUT_MS,
    });
    sendgrid = createSendGridGateway({
      apiKey: SENDGRID_KEY,
      apiBaseUrl: simUrl,
      timeoutMs: TIMEOUT_MS,
    });
    router = createProviderRouter({ twilio, sendgrid });
  }, 90_000);

  beforeEach(async () => {
    await control('POST', '/sim/reset');
  });

  afterAll(async () => {
    if (sim && sim.child.exitCode === null) {
      try {
        await stopGracefully(sim);
      } finally {
        killServiceProcess(sim);
      }
    }
  });

  describe('twilio', () => {
    it('sends an SMS with From, Body and StatusCallback and returns its SID', async () => {
      const to = nextPhone();
      const message = sms(to, {
        statusCallbackUrl: 'http://127.0.0.1:9/webhooks/twilio/status?d=1',
      });

      const outcome = await router.send(message);

      expect(outcome).toEqual({
        kind: 'accepted',
        provider: 'twilio',
        providerMessageId: expect.stringMatching(/^SM[0-9a-f]{32}$/) as unknown,
      });
      const [stored] = await simMessages<SimTwilioMessage>({ to });
      expect(stored).toMatchObject({
        channel: 'sms',
        sid: outcome.kind === 'accepted' ? outcome.providerMessageId : 'none',
        from: SENDER,
        body: message.body,
        statusCallback: message.statusCallbackUrl,
      });
    });

    it('adds the whatsapp: prefixes for WhatsApp', async () => {
      const to = nextPhone();

      const outcome = await router.send(sms(to, { channel: 'whatsapp' }));

      expect(outcome).toMatchObject({ kind: 'accepted', provider: 'twilio' });
      const stored = await simMessages<SimTwilioMessage>({ to: `whatsapp:${to}` });
      expect(stored).toEqual([
        expect.objectContaining({ channel: 'whatsapp', from: `whatsapp:${SENDER}` }),
      ]);
    });

    it('sends an approved WhatsApp Content template instead of the text', async () => {
      const to = nextPhone();
      const contentSid = `HX${randomBytes(16).toString('hex')}`;
      const message = sms(to, {
        channel: 'whatsapp',
        whatsappContent: { contentSid, variables: { '1': 'Acme', '2': 'https://p.example/l/x' } },
      });

      const outcome = await router.send(message);

      expect(outcome).toMatchObject({ kind: 'accepted', provider: 'twilio' });
      const [stored] = await simMessages<SimTwilioMessage>({ to: `whatsapp:${to}` });
      expect(stored).toMatchObject({ contentSid, body: null });
      expect(JSON.parse(stored?.contentVariables ?? '{}')).toEqual(
        message.whatsappContent?.variables,
      );
    });

    it('sends MessagingServiceSid instead of From when given', async () => {
      const to = nextPhone();
      const messagingServiceSid = `MG${randomBytes(16).toString('hex')}`;
      const message = sms(to, { messagingServiceSid });
      const since = new Date();

      await expect(twilio.send(message)).resolves.toMatchObject({
        kind: 'accepted',
      });
      expect(await simMessages<SimTwilioMessage>({ to })).toEqual([
        expect.objectContaining({ from: null, messagingServiceSid }),
      ]);
      // The sender the send path remembers is the service: the lookup must not filter on it.
      await expect(
        twilio.findSent({
          channel: 'sms',
          to,
          from: messagingServiceSid,
          bodySha256: sha256Hex(message.body),
          since,
        }),
      ).resolves.toMatchObject({ kind: 'found' });
    });

    it('reports 429 as retryable with code 20429', async () => {
      const to = nextPhone();
      await errorMode(to, 'rate-limited');

      await expect(twilio.send(sms(to))).resolves.toEqual({ kind: 'retryable', code: '20429' });
    });

    it('reports 21610 as rejected and opted out', async () => {
      const to = nextPhone();
      await errorMode(to, 'opted-out');

      await expect(twilio.send(sms(to))).resolves.toEqual({
        kind: 'rejected',
        code: '21610',
        optedOut: true,
      });
    });

    it('reports a 5xx as ambiguous', async () => {
      const to = nextPhone();
      await errorMode(to, 'server-error');

      await expect(twilio.send(sms(to))).resolves.toEqual({ kind: 'ambiguous', code: '20500' });
    });

    it('reports bad credentials as retryable 20003, not as a refusal of the message', async () => {
      const wrong = createTwilioGateway({
        accountSid: ACCOUNT_SID,
        authToken: 'x'.repeat(32),
        apiBaseUrl: simUrl,
        timeoutMs: TIMEOUT_MS,
      });

      await expect(wrong.send(sms(nextPhone()))).resolves.toEqual({
        kind: 'retryable',
        code: '20003',
      });
    });

    it('reports a timeout as ambiguous; nothing was created, so findSent does not find it', async () => {
      const to = nextPhone();
      const message = sms(to);
      const since = new Date();
      await errorMode(to, 'timeout');

      await expect(twilio.send(message)).resolves.toEqual({
        kind: 'ambiguous',
        code: 'ECONNABORTED',
      });
      await expect(
        twilio.findSent({
          channel: 'sms',
          to,
          from: SENDER,
          bodySha256: sha256Hex(message.body),
          since,
        }),
      ).resolves.toEqual({ kind: 'not_found' });
    });

    it('accept-then-timeout: ambiguous, then findSent finds the message by body hash and not another body', async () => {
      const to = nextPhone();
      const message = sms(to);
      const since = new Date();
      await errorMode(to, 'accept-then-timeout');

      await expect(twilio.send(message)).resolves.toEqual({
        kind: 'ambiguous',
        code: 'ECONNABORTED',
      });

      const [stored] = await simMessages<SimTwilioMessage>({ to });
      const query = { channel: 'sms' as const, to, from: SENDER, since };
      await expect(
        router.findSent({ ...query, bodySha256: sha256Hex(message.body) }),
      ).resolves.toEqual({
        kind: 'found',
        providerMessageId: stored?.sid,
      });
      await expect(
        twilio.findSent({ ...query, bodySha256: sha256Hex(`${message.body}!`) }),
      ).resolves.toEqual({
        kind: 'not_found',
      });
      await expect(
        twilio.findSent({ ...query, from: '+15005550001', bodySha256: sha256Hex(message.body) }),
      ).resolves.toEqual({ kind: 'not_found' });
      await expect(
        twilio.findSent({
          ...query,
          since: new Date(Date.now() + 60_000),
          bodySha256: sha256Hex(message.body),
        }),
      ).resolves.toEqual({ kind: 'not_found' });
    });

    it('findSent also finds a WhatsApp message still queued (no date_sent yet)', async () => {
      const to = nextPhone();
      const message = sms(to, { channel: 'whatsapp' });
      const since = new Date();
      await control('PUT', '/sim/config', { twilioStatusDelayMs: 10_000 });
      await errorMode(`whatsapp:${to}`, 'accept-then-timeout');

      await expect(twilio.send(message)).resolves.toMatchObject({ kind: 'ambiguous' });

      const found = await twilio.findSent({
        channel: 'whatsapp',
        to,
        from: SENDER,
        bodySha256: sha256Hex(message.body),
        since,
      });
      expect(found).toMatchObject({
        kind: 'found',
        providerMessageId: expect.stringMatching(/^SM/) as unknown,
      });
    });

    it('passes on the Retry-After of a 429', async () => {
      const responder = await fixedResponder(
        429,
        { 'Retry-After': '7' },
        JSON.stringify({ code: 20429, message: 'Too Many Requests', more_info: '', status: 429 }),
      );
      try {
        const limited = createTwilioGateway({
          accountSid: ACCOUNT_SID,
          authToken: AUTH_TOKEN,
          apiBaseUrl: responder.url,
          timeoutMs: TIMEOUT_MS,
        });
        await expect(limited.send(sms(nextPhone()))).resolves.toEqual({
          kind: 'retryable',
          code: '20429',
          retryAfterMs: 7000,
        });
      } finally {
        await closeServer(responder.server);
      }
    });

    it('reports a refused connection as retryable, and a failed lookup as an error without PII', async () => {
      const closed = createTwilioGateway({
        accountSid: ACCOUNT_SID,
        authToken: AUTH_TOKEN,
        apiBaseUrl: `http://127.0.0.1:${await findFreePort()}`,
        timeoutMs: TIMEOUT_MS,
      });
      const to = nextPhone();

      await expect(closed.send(sms(to))).resolves.toEqual({
        kind: 'retryable',
        code: 'ECONNREFUSED',
      });
      const lookup = closed.findSent({
        channel: 'sms',
        to,
        from: SENDER,
        bodySha256: sha256Hex('x'),
        since: new Date(),
      });
      await expect(lookup).rejects.toBeInstanceOf(ProviderLookupError);
      await expect(lookup).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      await expect(lookup).rejects.not.toThrow(to);
    });
  });

  describe('sendgrid', () => {
    const email = (overrides: Partial<OutboundMessage> = {}): OutboundMessage => ({
      dispatchId: `d-${randomBytes(4).toString('hex')}`,
      tenantId: 'demo-bank',
      channel: 'email',
      to: `debtor-${randomBytes(4).toString('hex')}@example.com`,
      from: 'hello@clement.example',
      fromName: 'Clement',
      subject: 'Tu cuenta',
      body: 'Tu enlace personal',
      ...overrides,
    });

    it('sends plain text with our ids in custom_args and returns X-Message-Id', async () => {
      const message = email();

      const outcome = await router.send(message);

      expect(outcome).toEqual({
        kind: 'accepted',
        provider: 'sendgrid',
        providerMessageId: expect.any(String) as unknown,
      });
      const stored = await simMessages<SimEmail>({ to: message.to, channel: 'email' });
      expect(stored).toEqual([
        expect.objectContaining({
          messageId: outcome.kind === 'accepted' ? outcome.providerMessageId : 'none',
          from: 'hello@clement.example',
          subject: 'Tu cuenta',
          text: 'Tu enlace personal',
          customArgs: { dispatch_id: message.dispatchId, tenant_id: 'demo-bank' },
        }),
      ]);
    });

    it('reports a 400 as rejected', async () => {
      await expect(sendgrid.send(email({ from: 'not-an-address' }))).resolves.toEqual({
        kind: 'rejected',
        code: '400',
        optedOut: false,
      });
    });

    it('rejects an email without a subject before calling SendGrid', async () => {
      await expect(sendgrid.send(email({ subject: undefined }))).resolves.toEqual({
        kind: 'rejected',
        code: 'missing-subject',
        optedOut: false,
      });
    });

    it('reports a bad API key as retryable 401', async () => {
      const wrong = createSendGridGateway({
        apiKey: `SG.${'x'.repeat(30)}`,
        apiBaseUrl: simUrl,
        timeoutMs: TIMEOUT_MS,
      });

      await expect(wrong.send(email())).resolves.toEqual({ kind: 'retryable', code: '401' });
    });

    it('reports 429 and 5xx as retryable, with Retry-After', async () => {
      for (const status of [429, 503]) {
        const responder = await fixedResponder(
          status,
          { 'Retry-After': '3' },
          JSON.stringify({ errors: [{ message: 'slow down', field: null, help: null }] }),
        );
        try {
          const busy = createSendGridGateway({
            apiKey: SENDGRID_KEY,
            apiBaseUrl: responder.url,
            timeoutMs: TIMEOUT_MS,
          });
          await expect(busy.send(email())).resolves.toEqual({
            kind: 'retryable',
            code: String(status),
            retryAfterMs: 3000,
          });
        } finally {
          await closeServer(responder.server);
        }
      }
    });

    it('reports a refused connection as retryable', async () => {
      const closed = createSendGridGateway({
        apiKey: SENDGRID_KEY,
        apiBaseUrl: `http://127.0.0.1:${await findFreePort()}`,
        timeoutMs: TIMEOUT_MS,
      });

      await expect(closed.send(email())).resolves.toEqual({
        kind: 'retryable',
        code: 'ECONNREFUSED',
      });
    });

    it('cannot look up sent mail', async () => {
      await expect(
        router.findSent({
          channel: 'email',
          to: 'debtor@example.com',
          from: 'hello@clement.example',
          bodySha256: sha256Hex('x'),
          since: new Date(),
        }),
      ).resolves.toEqual({ kind: 'unsupported' });
    });
  });
});
