import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { findFreePort, type ServiceProcess, startServiceProcess } from '@clement/testing';

// provider-sim runs from its entry point as a process: an app never imports another app's code.
const PROVIDER_SIM_MAIN = join(__dirname, '..', '..', '..', 'provider-sim', 'src', 'main.ts');

export interface SandboxPspProcess {
  readonly process: ServiceProcess;
  /** The simulator's origin; the sandbox PSP is under `/psp`. */
  readonly url: string;
}

/**
 * provider-sim serving the sandbox PSP, its webhooks signed with `webhookSecret` and sent to
 * `webhookUrl`. The simulator checks its messaging providers' settings too: they get throwaway
 * values, unused here.
 */
export async function startSandboxPsp(options: {
  secretKey: string;
  webhookSecret: string;
  webhookUrl: string;
  collectionSettleAfterMs?: number;
}): Promise<SandboxPspProcess> {
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  const process_ = await startServiceProcess(PROVIDER_SIM_MAIN, {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: url,
    TWILIO_ACCOUNT_SID: `AC${randomBytes(16).toString('hex')}`,
    TWILIO_AUTH_TOKEN: randomBytes(16).toString('hex'),
    SENDGRID_API_KEY: `SG.${randomBytes(16).toString('hex')}`,
    PSP_SECRET_KEY: options.secretKey,
    PSP_WEBHOOK_SECRET: options.webhookSecret,
    PSP_WEBHOOK_URL: options.webhookUrl,
    PSP_COLLECTION_SETTLE_AFTER_MS: String(options.collectionSettleAfterMs ?? 100),
  });
  return { process: process_, url };
}
