import { EventWebhook } from '@sendgrid/eventwebhook';
import { validateRequest } from 'twilio';
import type { FormParams } from './domain/twilio-events';

type EcdsaPublicKey = ReturnType<EventWebhook['convertPublicKeyToECDSA']>;

export type SendGridVerdict = 'authentic' | 'missing' | 'forged' | 'stale';

export interface WebhookSignatureSettings {
  /** Origin (and path prefix, if a proxy strips one) the providers are configured to call. */
  readonly publicBaseUrl: string;
  readonly twilioAuthToken: string;
  /** SendGrid's verification key: base64 DER SPKI, as Mail Settings shows it (PEM also works). */
  readonly sendgridPublicKey: string;
  readonly sendgridToleranceSeconds: number;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
}

const UNIX_SECONDS = /^\d{1,12}$/;

/**
 * Checks provider signatures with the official SDK helpers. Twilio signs the URL it called, so
 * the URL is rebuilt from the configured public base URL — never from Host or X-Forwarded-*,
 * which a caller controls.
 */
export class WebhookSignatureVerifier {
  private readonly baseUrl: string;
  private readonly sendgridKey: EcdsaPublicKey;
  private readonly eventWebhook = new EventWebhook();

  constructor(private readonly settings: WebhookSignatureSettings) {
    this.baseUrl = checkedBaseUrl(settings.publicBaseUrl);
    if (settings.twilioAuthToken.length === 0) {
      throw new Error('WebhooksModule: twilioAuthToken must not be empty');
    }
    if (
      !Number.isSafeInteger(settings.sendgridToleranceSeconds) ||
      settings.sendgridToleranceSeconds <= 0
    ) {
      throw new Error('WebhooksModule: sendgridToleranceSeconds must be a positive integer');
    }
    this.sendgridKey = this.ecdsaKeyOf(settings.sendgridPublicKey);
  }

  /** The URL Twilio signed, for a request whose path + query (as received) is `pathAndQuery`. */
  publicUrlOf(pathAndQuery: string): string {
    return this.baseUrl + pathAndQuery;
  }

  isAuthenticTwilioRequest(
    signature: string | undefined,
    pathAndQuery: string,
    params: FormParams,
  ): boolean {
    if (!signature) {
      return false;
    }
    return validateRequest(
      this.settings.twilioAuthToken,
      signature,
      this.publicUrlOf(pathAndQuery),
      params,
    );
  }

  /** Signature over `timestamp + raw body`, and a timestamp within the tolerance (replays). */
  sendgridVerdict(
    signature: string | undefined,
    timestamp: string | undefined,
    rawBody: Buffer,
  ): SendGridVerdict {
    if (!signature || !timestamp) {
      return 'missing';
    }
    if (
      !UNIX_SECONDS.test(timestamp) ||
      !this.sendgridSignatureHolds(signature, timestamp, rawBody)
    ) {
      return 'forged';
    }
    const ageSeconds = Math.abs(this.settings.now() / 1000 - Number(timestamp));
    return ageSeconds > this.settings.sendgridToleranceSeconds ? 'stale' : 'authentic';
  }

  private sendgridSignatureHolds(signature: string, timestamp: string, rawBody: Buffer): boolean {
    try {
      return this.eventWebhook.verifySignature(this.sendgridKey, rawBody, signature, timestamp);
    } catch {
      // A signature that is not base64 DER makes the decoder throw: forged all the same.
      return false;
    }
  }

  private ecdsaKeyOf(publicKey: string): EcdsaPublicKey {
    try {
      return this.eventWebhook.convertPublicKeyToECDSA(publicKey);
    } catch {
      throw new Error('WebhooksModule: sendgridPublicKey is not an ECDSA public key');
    }
  }
}

function checkedBaseUrl(publicBaseUrl: string): string {
  let url: URL;
  try {
    url = new URL(publicBaseUrl);
  } catch {
    throw new Error('WebhooksModule: publicBaseUrl must be an absolute URL');
  }
  if (
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.search !== '' ||
    url.hash !== '' ||
    url.username !== '' ||
    url.password !== ''
  ) {
    throw new Error(
      'WebhooksModule: publicBaseUrl must be an http(s) URL without query, fragment or credentials',
    );
  }
  // Keep the configured text (Twilio signs the URL as configured); drop a trailing slash only.
  return publicBaseUrl.replace(/\/+$/, '');
}
