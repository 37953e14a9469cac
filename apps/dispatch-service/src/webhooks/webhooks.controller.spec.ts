import type { AddressInfo } from 'node:net';
import { type INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getExpectedTwilioSignature } from 'twilio';
import { EventWebhookTestSigner, twilioSignature } from './testing/provider-signing';
import { RecordingSink } from './testing/recording-sink';
import { WebhooksModule } from './webhooks.module';

const AUTH_TOKEN = 'twilio-test-auth-token-0123';
const PUBLIC_BASE_URL = 'https://hooks.clement.test/dispatch';
const NOW_MS = Date.UTC(2026, 10, 29, 12, 0, 0);
const NOW_SECONDS = String(NOW_MS / 1000);
const ACCOUNT_SID = `AC${'a'.repeat(32)}`;
const MESSAGE_SID = `SM${'0123456789abcdef'.repeat(2)}`;
const PHONE = '+34600111222';
const EMAIL = 'debtor@example.com';

const STATUS_PARAMS = {
  AccountSid: ACCOUNT_SID,
  ApiVersion: '2010-04-01',
  MessageSid: MESSAGE_SID,
  SmsSid: MESSAGE_SID,
  MessageStatus: 'undelivered',
  SmsStatus: 'undelivered',
  To: PHONE,
  From: '+34911000000',
  ErrorCode: '30003',
};

const INBOUND_PARAMS = {
  AccountSid: ACCOUNT_SID,
  MessageSid: MESSAGE_SID,
  From: `whatsapp:${PHONE}`,
  To: 'whatsapp:+34911000000',
  Body: 'BAJA',
  NumMedia: '0',
  WaId: '34600111222',
};

const SENDGRID_EVENTS = [
  {
    email: EMAIL,
    timestamp: NOW_MS / 1000 - 5,
    event: 'delivered',
    sg_event_id: 'ZGVsaXZlcmVkLTAtMTIz',
    sg_message_id: 'msgid123.sim1.0',
    'smtp-id': '<msgid123@sim>',
    category: ['dispatch'],
    tenant: 't1',
  },
  {
    email: EMAIL,
    timestamp: NOW_MS / 1000 - 2,
    event: 'open',
    sg_event_id: 'b3Blbi0wLTQ1Ng',
    sg_message_id: 'msgid123.sim1.0',
  },
];

interface Answer {
  status: number;
  contentType: string | null;
  text: string;
}

describe('WebhooksController (in-process app, signed like the provider simulator)', () => {
  const sendgrid = EventWebhookTestSigner.generate();
  const sink = new RecordingSink();
  let app: INestApplication;
  let origin: string;
  let warn: jest.SpyInstance;

  beforeAll(async () => {
    app = await NestFactory.create(
      WebhooksModule.forRoot({
        publicBaseUrl: PUBLIC_BASE_URL,
        twilioAuthToken: AUTH_TOKEN,
        sendgridPublicKey: sendgrid.publicKeyBase64,
        sink: { useValue: sink },
        now: () => NOW_MS,
      }),
      { rawBody: true, logger: false },
    );
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    origin = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(() => {
    sink.calls.length = 0;
    sink.failWith = undefined;
    warn = jest.spyOn(Logger.prototype, 'warn');
  });

  afterEach(() => {
    // Whatever happened, no log line carried a phone number, an address or a message body.
    for (const args of warn.mock.calls) {
      const line = JSON.stringify(args);
      expect(line).not.toContain(PHONE);
      expect(line).not.toContain(EMAIL);
      expect(line).not.toContain('BAJA');
    }
    warn.mockRestore();
  });

  async function post(
    path: string,
    body: string,
    headers: Record<string, string>,
  ): Promise<Answer> {
    const response = await fetch(origin + path, { method: 'POST', body, headers });
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      text: await response.text(),
    };
  }

  function postTwilio(
    path: string,
    params: Record<string, string>,
    signature: string | undefined,
    extraHeaders: Record<string, string> = {},
  ): Promise<Answer> {
    return post(path, new URLSearchParams(params).toString(), {
      'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8',
      ...(signature === undefined ? {} : { 'X-Twilio-Signature': signature }),
      ...extraHeaders,
    });
  }

  function postSendGrid(
    payload: string,
    signature: string | undefined,
    timestamp: string | undefined,
  ): Promise<Answer> {
    return post('/webhooks/sendgrid/events', payload, {
      'Content-Type': 'application/json',
      ...(signature === undefined ? {} : { 'X-Twilio-Email-Event-Webhook-Signature': signature }),
      ...(timestamp === undefined ? {} : { 'X-Twilio-Email-Event-Webhook-Timestamp': timestamp }),
    });
  }

  function expectForbidden(answer: Answer): void {
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.text)).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      code: 'webhook.signature_invalid',
      message: 'The webhook signature is missing or invalid',
    });
    expect(sink.calls).toEqual([]);
  }

  describe('POST /webhooks/twilio/status', () => {
    const path = '/webhooks/twilio/status';
    const signedUrl = `${PUBLIC_BASE_URL}${path}`;

    it('accepts a callback signed for the public URL and hands a typed event to the sink', async () => {
      const answer = await postTwilio(
        path,
        STATUS_PARAMS,
        twilioSignature(AUTH_TOKEN, signedUrl, STATUS_PARAMS),
      );

      expect(answer).toMatchObject({ status: 204, text: '' });
      expect(sink.calls).toEqual([
        {
          kind: 'twilioStatus',
          event: {
            accountSid: ACCOUNT_SID,
            messageSid: MESSAGE_SID,
            messageStatus: 'undelivered',
            errorCode: 30003,
          },
        },
      ]);
    });

    it("agrees with the twilio SDK's own signer, query string included", async () => {
      const params = { ...STATUS_PARAMS, MessageStatus: 'delivered', ErrorCode: '' };
      const query = '?tenant=t1&attempt=a%2F1';
      const signature = getExpectedTwilioSignature(AUTH_TOKEN, signedUrl + query, params);

      const answer = await postTwilio(path + query, params, signature);

      expect(answer.status).toBe(204);
      expect(sink.calls).toEqual([
        {
          kind: 'twilioStatus',
          event: { accountSid: ACCOUNT_SID, messageSid: MESSAGE_SID, messageStatus: 'delivered' },
        },
      ]);
    });

    it('rejects a signature made with another auth token', async () => {
      expectForbidden(
        await postTwilio(
          path,
          STATUS_PARAMS,
          twilioSignature('not-the-token-0123456', signedUrl, STATUS_PARAMS),
        ),
      );
    });

    it('rejects a request without a signature', async () => {
      expectForbidden(await postTwilio(path, STATUS_PARAMS, undefined));
      expectForbidden(await postTwilio(path, STATUS_PARAMS, ''));
    });

    it('rejects a signature over the URL as the app sees it (Host header), not the public one', async () => {
      const hostUrl = `${origin}${path}`;
      expectForbidden(
        await postTwilio(path, STATUS_PARAMS, twilioSignature(AUTH_TOKEN, hostUrl, STATUS_PARAMS)),
      );
    });

    it('never trusts forwarded headers to rebuild the URL', async () => {
      const attackerUrl = `https://attacker.test/dispatch${path}`;
      expectForbidden(
        await postTwilio(
          path,
          STATUS_PARAMS,
          twilioSignature(AUTH_TOKEN, attackerUrl, STATUS_PARAMS),
          {
            'X-Forwarded-Host': 'attacker.test',
            'X-Forwarded-Proto': 'https',
            Host: 'attacker.test',
          },
        ),
      );
    });

    it('rejects a signature for another path or query', async () => {
      const signature = twilioSignature(
        AUTH_TOKEN,
        `${PUBLIC_BASE_URL}/webhooks/twilio/inbound`,
        STATUS_PARAMS,
      );
      expectForbidden(await postTwilio(path, STATUS_PARAMS, signature));
      const withQuery = twilioSignature(AUTH_TOKEN, `${signedUrl}?tenant=t1`, STATUS_PARAMS);
      expectForbidden(await postTwilio(`${path}?tenant=t2`, STATUS_PARAMS, withQuery));
    });

    it('rejects a body changed after signing', async () => {
      const signature = twilioSignature(AUTH_TOKEN, signedUrl, STATUS_PARAMS);
      expectForbidden(
        await postTwilio(path, { ...STATUS_PARAMS, MessageStatus: 'delivered' }, signature),
      );
      expectForbidden(await postTwilio(path, { ...STATUS_PARAMS, Extra: 'x' }, signature));
    });

    it('answers 400 to a signed callback that is not a status callback, and tells the sink nothing', async () => {
      const params = { ...STATUS_PARAMS, MessageStatus: 'exploded', SmsStatus: 'exploded' };
      const answer = await postTwilio(path, params, twilioSignature(AUTH_TOKEN, signedUrl, params));

      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.text)).toMatchObject({
        statusCode: 400,
        code: 'webhook.invalid_payload',
      });
      expect(sink.calls).toEqual([]);
    });

    it('answers 500 when the sink fails, so Twilio retries', async () => {
      sink.failWith = new Error('database down');
      const answer = await postTwilio(
        path,
        STATUS_PARAMS,
        twilioSignature(AUTH_TOKEN, signedUrl, STATUS_PARAMS),
      );

      expect(answer.status).toBe(500);
    });
  });

  describe('POST /webhooks/twilio/inbound', () => {
    const path = '/webhooks/twilio/inbound';
    const signedUrl = `${PUBLIC_BASE_URL}${path}`;

    it('accepts a signed inbound message and answers empty TwiML', async () => {
      const answer = await postTwilio(
        path,
        INBOUND_PARAMS,
        twilioSignature(AUTH_TOKEN, signedUrl, INBOUND_PARAMS),
      );

      expect(answer.status).toBe(200);
      expect(answer.contentType).toMatch(/^text\/xml/);
      expect(answer.text).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
      expect(sink.calls).toEqual([
        {
          kind: 'twilioInbound',
          event: {
            accountSid: ACCOUNT_SID,
            messageSid: MESSAGE_SID,
            channel: 'whatsapp',
            from: `whatsapp:${PHONE}`,
            to: 'whatsapp:+34911000000',
            body: 'BAJA',
          },
        },
      ]);
    });

    it('rejects forged, missing and tampered inbound messages with a JSON 403', async () => {
      const forged = await postTwilio(
        path,
        INBOUND_PARAMS,
        twilioSignature('wrong-token-0123456789', signedUrl, INBOUND_PARAMS),
      );
      expectForbidden(forged);
      expect(forged.contentType).toMatch(/^application\/json/);
      expectForbidden(await postTwilio(path, INBOUND_PARAMS, undefined));
      const signature = twilioSignature(AUTH_TOKEN, signedUrl, INBOUND_PARAMS);
      expectForbidden(await postTwilio(path, { ...INBOUND_PARAMS, Body: 'START' }, signature));
    });
  });

  describe('POST /webhooks/sendgrid/events', () => {
    const payload = JSON.stringify(SENDGRID_EVENTS);

    it('accepts a batch signed over the raw body and hands typed events to the sink', async () => {
      const answer = await postSendGrid(payload, sendgrid.sign(payload, NOW_SECONDS), NOW_SECONDS);

      expect(answer).toMatchObject({ status: 204, text: '' });
      expect(sink.calls).toEqual([
        {
          kind: 'sendgridEvents',
          events: [
            {
              sgEventId: 'ZGVsaXZlcmVkLTAtMTIz',
              sgMessageId: 'msgid123.sim1.0',
              event: 'delivered',
              timestamp: new Date(NOW_MS - 5000),
              email: EMAIL,
            },
            {
              sgEventId: 'b3Blbi0wLTQ1Ng',
              sgMessageId: 'msgid123.sim1.0',
              event: 'open',
              timestamp: new Date(NOW_MS - 2000),
              email: EMAIL,
            },
          ],
        },
      ]);
    });

    it('verifies the bytes as sent, not a re-serialization', async () => {
      const pretty = JSON.stringify(SENDGRID_EVENTS, null, 2);
      const answer = await postSendGrid(pretty, sendgrid.sign(pretty, NOW_SECONDS), NOW_SECONDS);

      expect(answer.status).toBe(204);
      sink.calls.length = 0;
      // Signed compact, sent pretty: same JSON value, different bytes.
      expectForbidden(await postSendGrid(pretty, sendgrid.sign(payload, NOW_SECONDS), NOW_SECONDS));
    });

    it('rejects a batch signed with another key', async () => {
      const other = EventWebhookTestSigner.generate();
      expectForbidden(await postSendGrid(payload, other.sign(payload, NOW_SECONDS), NOW_SECONDS));
    });

    it('rejects a batch without signature or timestamp', async () => {
      expectForbidden(await postSendGrid(payload, undefined, NOW_SECONDS));
      expectForbidden(await postSendGrid(payload, sendgrid.sign(payload, NOW_SECONDS), undefined));
      expectForbidden(await postSendGrid(payload, undefined, undefined));
    });

    it('rejects a signature that is not base64 DER', async () => {
      expectForbidden(await postSendGrid(payload, 'bm90IGEgc2lnbmF0dXJl', NOW_SECONDS));
      expectForbidden(await postSendGrid(payload, '%%%', NOW_SECONDS));
    });

    it('rejects a body changed after signing', async () => {
      const signature = sendgrid.sign(payload, NOW_SECONDS);
      const tampered = payload.replace('"delivered"', '"bounce"');
      expectForbidden(await postSendGrid(tampered, signature, NOW_SECONDS));
    });

    it('rejects a timestamp changed after signing', async () => {
      const signature = sendgrid.sign(payload, NOW_SECONDS);
      expectForbidden(await postSendGrid(payload, signature, String(Number(NOW_SECONDS) + 1)));
    });

    it('rejects a correctly signed batch older than the tolerance (a replay)', async () => {
      const fresh = String(NOW_MS / 1000 - 600);
      expect((await postSendGrid(payload, sendgrid.sign(payload, fresh), fresh)).status).toBe(204);
      sink.calls.length = 0;

      const stale = String(NOW_MS / 1000 - 601);
      expectForbidden(await postSendGrid(payload, sendgrid.sign(payload, stale), stale));
      const future = String(NOW_MS / 1000 + 601);
      expectForbidden(await postSendGrid(payload, sendgrid.sign(payload, future), future));
    });

    it('answers 400 to a signed batch that is not an array of events', async () => {
      const body = JSON.stringify({ email: EMAIL });
      const answer = await postSendGrid(body, sendgrid.sign(body, NOW_SECONDS), NOW_SECONDS);

      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.text)).toMatchObject({ code: 'webhook.invalid_payload' });
      expect(sink.calls).toEqual([]);
    });

    it('skips event types it does not know and passes the rest', async () => {
      const body = JSON.stringify([
        { ...SENDGRID_EVENTS[0], event: 'machine_opened' },
        SENDGRID_EVENTS[1],
      ]);
      const answer = await postSendGrid(body, sendgrid.sign(body, NOW_SECONDS), NOW_SECONDS);

      expect(answer.status).toBe(204);
      expect(sink.calls).toHaveLength(1);
      expect(sink.calls[0]).toMatchObject({ kind: 'sendgridEvents', events: [{ event: 'open' }] });
    });
  });
});

describe('WebhooksModule without { rawBody: true }', () => {
  it('fails closed with a 500 and tells the sink nothing', async () => {
    const sendgrid = EventWebhookTestSigner.generate();
    const sink = new RecordingSink();
    const app = await NestFactory.create(
      WebhooksModule.forRoot({
        publicBaseUrl: PUBLIC_BASE_URL,
        twilioAuthToken: AUTH_TOKEN,
        sendgridPublicKey: sendgrid.publicKeyBase64,
        sink: { useValue: sink },
      }),
      { logger: false },
    );
    try {
      await app.listen(0, '127.0.0.1');
      const { port } = app.getHttpServer().address() as AddressInfo;
      const path = '/webhooks/twilio/status';
      const response = await fetch(`http://127.0.0.1:${port}${path}`, {
        method: 'POST',
        body: new URLSearchParams(STATUS_PARAMS).toString(),
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          'X-Twilio-Signature': twilioSignature(AUTH_TOKEN, PUBLIC_BASE_URL + path, STATUS_PARAMS),
        },
      });

      expect(response.status).toBe(500);
      expect(sink.calls).toEqual([]);
    } finally {
      await app.close();
    }
  });
});

describe('WebhooksModule.forRoot options', () => {
  const valid = {
    publicBaseUrl: PUBLIC_BASE_URL,
    twilioAuthToken: AUTH_TOKEN,
    sendgridPublicKey: EventWebhookTestSigner.generate().publicKeyBase64,
    sink: { useValue: new RecordingSink() },
  };

  it.each([
    [{ publicBaseUrl: 'hooks.clement.test' }, /publicBaseUrl/],
    [{ publicBaseUrl: 'ftp://hooks.clement.test' }, /publicBaseUrl/],
    [{ publicBaseUrl: 'https://hooks.clement.test/?x=1' }, /publicBaseUrl/],
    [{ twilioAuthToken: '' }, /twilioAuthToken/],
    [{ sendgridPublicKey: 'not a key' }, /sendgridPublicKey/],
    [{ sendgridToleranceSeconds: 0 }, /sendgridToleranceSeconds/],
  ])('rejects %p at boot', (override, message) => {
    expect(() => WebhooksModule.forRoot({ ...valid, ...override })).toThrow(message);
  });

  it('never echoes the secret it rejects', () => {
    expect(() => WebhooksModule.forRoot({ ...valid, sendgridPublicKey: 'secret-ish' })).toThrow(
      expect.objectContaining({
        message: expect.not.stringContaining('secret-ish') as unknown,
      }) as Error,
    );
  });
});
