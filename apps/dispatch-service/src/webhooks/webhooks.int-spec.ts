import { type ChildProcess, spawn } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client as SendGridClient } from '@sendgrid/client';
import { MailService } from '@sendgrid/mail';
import { eventually, findFreePort } from '@clement/testing';
import twilio from 'twilio';
import { RecordingSink } from './testing/recording-sink';
import { WebhooksModule } from './webhooks.module';

// The real provider simulator process (node --require tsx/cjs) calls this module's webhooks in an
// in-process app: its signatures, made as Twilio's and SendGrid's are, must be accepted.

const REPO_ROOT = join(__dirname, '..', '..', '..', '..');
const SIM_MAIN = join(REPO_ROOT, 'apps', 'provider-sim', 'src', 'main.ts');
const ACCOUNT_SID = `AC${randomBytes(16).toString('hex')}`;
const AUTH_TOKEN = randomBytes(24).toString('hex');
const SENDGRID_KEY = `SG.${randomBytes(24).toString('base64url')}`;

/** The SDK's own RequestClient with api.twilio.com swapped for the simulator (see its README). */
function simulatorHttpClient(simUrl: string): twilio.RequestClient {
  const client = new twilio.RequestClient();
  const request = client.request.bind(client);
  client.request = (opts) => {
    const original = new URL(opts.uri);
    return request({ ...opts, uri: new URL(original.pathname + original.search, simUrl).href });
  };
  return client;
}

describe('webhooks against the provider-sim process', () => {
  const sink = new RecordingSink();
  const lines: string[] = [];
  let app: INestApplication;
  let appUrl: string;
  let sim: ChildProcess;
  let simUrl: string;

  beforeAll(async () => {
    // Pin the simulator's SendGrid key so the app can be configured with its public half.
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    const publicKey = createPublicKey(privateKey)
      .export({ format: 'der', type: 'spki' })
      .toString('base64');

    const appPort = await findFreePort();
    appUrl = `http://127.0.0.1:${appPort}`;
    app = await NestFactory.create(
      WebhooksModule.forRoot({
        publicBaseUrl: appUrl,
        twilioAuthToken: AUTH_TOKEN,
        sendgridPublicKey: publicKey,
        sink: { useValue: sink },
      }),
      { rawBody: true, logger: false },
    );
    await app.listen(appPort, '127.0.0.1');

    const simPort = await findFreePort();
    simUrl = `http://127.0.0.1:${simPort}`;
    sim = spawn(process.execPath, ['--require', 'tsx/cjs', SIM_MAIN], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        PORT: String(simPort),
        HOST: '127.0.0.1',
        TWILIO_ACCOUNT_SID: ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        SENDGRID_API_KEY: SENDGRID_KEY,
        SENDGRID_EVENT_WEBHOOK_PRIVATE_KEY: pkcs8,
        INBOUND_WEBHOOK_URL: `${appUrl}/webhooks/twilio/inbound`,
        SENDGRID_EVENT_WEBHOOK_URL: `${appUrl}/webhooks/sendgrid/events`,
        SIM_SEED: 'dispatch-webhooks',
        TWILIO_STATUS_DELAY_MS: '20',
        SENDGRID_EVENT_DELAY_MS: '20',
        SENDGRID_OPEN_RATE: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    createInterface({ input: sim.stdout! }).on('line', (line) => lines.push(line));
    createInterface({ input: sim.stderr! }).on('line', (line) => lines.push(line));
    await eventually(() => expect(lines.join('\n')).toContain(`listening on port ${simPort}`), {
      timeoutMs: 60_000,
    });
  }, 90_000);

  afterAll(async () => {
    if (sim && sim.exitCode === null) {
      const exited = new Promise((resolve) => sim.once('exit', resolve));
      sim.kill('SIGTERM');
      await exited;
    }
    await app?.close();
  });

  it('accepts the status callbacks of an SMS sent through the twilio SDK', async () => {
    const message = await twilio(ACCOUNT_SID, AUTH_TOKEN, {
      httpClient: simulatorHttpClient(simUrl),
    }).messages.create({
      to: '+34600000001',
      from: '+15005550006',
      body: 'Hola, soy Clement.',
      statusCallback: `${appUrl}/webhooks/twilio/status?command=c-1`,
    });

    await eventually(() =>
      expect(
        sink.calls.flatMap((call) =>
          call.kind === 'twilioStatus' && call.event.messageSid === message.sid
            ? [call.event.messageStatus]
            : [],
        ),
      ).toEqual(['queued', 'sent', 'delivered']),
    );
  });

  it('accepts a signed inbound reply and answers TwiML', async () => {
    const response = await fetch(`${simUrl}/sim/twilio/inbound`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ from: '+34600000001', to: '+15005550006', body: 'STOP' }),
    });
    const { sid, webhookStatus, webhookBody } = (await response.json()) as {
      sid: string;
      webhookStatus: number;
      webhookBody: string;
    };

    expect(webhookStatus).toBe(200);
    expect(webhookBody).toContain('<Response/>');
    expect(sink.calls).toContainEqual({
      kind: 'twilioInbound',
      event: expect.objectContaining({ messageSid: sid, body: 'STOP', channel: 'sms' }) as unknown,
    });
  });

  it('accepts the signed Event Webhook batches of a mail sent through @sendgrid/mail', async () => {
    const client = new SendGridClient();
    client.setApiKey(SENDGRID_KEY);
    client.setDefaultRequest('baseUrl', simUrl);
    const mail = new MailService();
    mail.setClient(client);
    await mail.send({
      to: 'debtor@example.com',
      from: 'hello@clement.example',
      subject: 'Hola',
      text: 'Tu enlace',
    });

    await eventually(() => {
      const events = sink.calls.flatMap((call) =>
        call.kind === 'sendgridEvents' ? call.events.map((event) => event.event) : [],
      );
      expect(events).toEqual(expect.arrayContaining(['processed', 'delivered']));
    });
  });
});
