import { loadConfig } from '@clement/observability';
import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
} from 'class-validator';

export const SERVICE_NAME = 'provider-sim';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const WEBHOOK_URL = { require_tld: false, protocols: ['http', 'https'] };

/** The simulator's environment, validated once at boot. Credentials come from the environment only. */
export class ProviderSimConfig {
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3900;

  @IsNotEmpty()
  HOST = '0.0.0.0';

  @IsIn(LOG_LEVELS)
  LOG_LEVEL = 'info';

  /** The one account the simulated Messages API accepts (HTTP Basic user). */
  @Matches(/^AC[0-9a-fA-F]{32}$/, { message: 'must be AC followed by 32 hex digits' })
  TWILIO_ACCOUNT_SID!: string;

  /** HTTP Basic password, and the key that signs status callbacks and inbound webhooks. */
  @IsString()
  @MinLength(16)
  TWILIO_AUTH_TOKEN!: string;

  /** The Bearer key /v3/mail/send accepts. */
  @IsString()
  @MinLength(16)
  SENDGRID_API_KEY!: string;

  /** Base64 PKCS#8 DER of an EC P-256 key signing the Event Webhook; generated at boot if unset. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9+/=]+$/, { message: 'must be base64 (PKCS#8 DER of a P-256 key)' })
  SENDGRID_EVENT_WEBHOOK_PRIVATE_KEY?: string;

  /** Where inbound replies (POST /sim/twilio/inbound) are delivered, unless the call names a URL. */
  @IsOptional()
  @IsUrl(WEBHOOK_URL)
  INBOUND_WEBHOOK_URL?: string;

  /** Where SendGrid events are posted; unset = events are only recorded. */
  @IsOptional()
  @IsUrl(WEBHOOK_URL)
  SENDGRID_EVENT_WEBHOOK_URL?: string;

  /** Seeds every outcome choice: the same seed and requests give the same outcomes. */
  @IsString()
  @IsNotEmpty()
  SIM_SEED = 'clement';

  /** Pause before each Twilio status callback. */
  @IsInt()
  @Min(0)
  TWILIO_STATUS_DELAY_MS = 200;

  /** Pause before each batch of SendGrid events. */
  @IsInt()
  @Min(0)
  SENDGRID_EVENT_DELAY_MS = 200;

  /** How long a request in `timeout` mode hangs before its connection is dropped. */
  @IsInt()
  @Min(0)
  TWILIO_HANG_MS = 60_000;

  @IsNumber()
  @Min(0)
  @Max(1)
  TWILIO_RATE_LIMITED_RATE = 0;

  @IsNumber()
  @Min(0)
  @Max(1)
  TWILIO_SERVER_ERROR_RATE = 0;

  @IsNumber()
  @Min(0)
  @Max(1)
  TWILIO_FAILED_RATE = 0;

  @IsNumber()
  @Min(0)
  @Max(1)
  TWILIO_UNDELIVERED_RATE = 0;

  @IsNumber()
  @Min(0)
  @Max(1)
  WHATSAPP_READ_RATE = 1;

  @IsNumber()
  @Min(0)
  @Max(1)
  SENDGRID_DROPPED_RATE = 0;

  @IsNumber()
  @Min(0)
  @Max(1)
  SENDGRID_BOUNCE_RATE = 0;

  @IsNumber()
  @Min(0)
  @Max(1)
  SENDGRID_OPEN_RATE = 0.5;

  @IsNumber()
  @Min(0)
  @Max(1)
  SENDGRID_CLICK_RATE = 0.5;

  @IsNumber()
  @Min(0)
  @Max(1)
  SENDGRID_UNSUBSCRIBE_RATE = 0;

  /** The simulator's address as a browser reaches it: hosted PSP pages link here. */
  @IsOptional()
  @IsUrl(WEBHOOK_URL)
  PUBLIC_URL?: string;

  /** The Bearer key the sandbox PSP API (`/psp/v1`) accepts. */
  @IsString()
  @MinLength(8)
  PSP_SECRET_KEY = 'sk_sandbox_local';

  /** Signs sandbox PSP webhooks; several, comma-separated, during a rotation (one `v1=` each). */
  @Matches(/^[^,\s]{8,}(,[^,\s]{8,})*$/, {
    message: 'must be one or more secrets of 8+ characters, comma-separated',
  })
  PSP_WEBHOOK_SECRET = 'whsec_sandbox_local';

  /** Where sandbox PSP events are posted; unset = events are only recorded. */
  @IsOptional()
  @IsUrl(WEBHOOK_URL)
  PSP_WEBHOOK_URL?: string;

  /** How long a direct-debit collection stays pending before it settles. */
  @IsInt()
  @Min(0)
  PSP_COLLECTION_SETTLE_AFTER_MS = 300;
}

/** PUBLIC_URL without a trailing slash, or this host's loopback address on PORT. */
export function publicUrl(config: ProviderSimConfig): string {
  return (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, '');
}

/** The webhook signing secrets, newest first. */
export function pspWebhookSecrets(config: ProviderSimConfig): string[] {
  return config.PSP_WEBHOOK_SECRET.split(',');
}

export function loadProviderSimConfig(env: NodeJS.ProcessEnv = process.env): ProviderSimConfig {
  return loadConfig(ProviderSimConfig, env);
}
