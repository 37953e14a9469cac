import { loadConfig, ServiceConfig, ServiceDatabaseConfig } from '@clement/observability';
import {
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsUrl,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';

export const SERVICE_NAME = 'dispatch-service';

const DATABASE_SCHEMA = 'dispatch_service';

/** What the `migrate` command needs: the database and the service's schema, nothing else. */
export class DispatchServiceDatabaseConfig extends ServiceDatabaseConfig {
  override DATABASE_SCHEMA = DATABASE_SCHEMA;
}

/** The whole service's environment, validated once at boot. */
export class DispatchServiceConfig extends ServiceConfig {
  override DATABASE_SCHEMA = DATABASE_SCHEMA;
  override PORT = 3002;

  /** case-service, which resolves a contact point's address at send time (ADR 0011). */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  CASE_SERVICE_URL!: string;

  /** A bearer token with the `contact-resolver` role; or CASE_SERVICE_TOKEN_FILE. */
  @ValidateIf((config: DispatchServiceConfig) => !config.CASE_SERVICE_TOKEN_FILE)
  @IsNotEmpty({ message: 'CASE_SERVICE_TOKEN or CASE_SERVICE_TOKEN_FILE is required' })
  CASE_SERVICE_TOKEN?: string;

  /** A file holding the token, re-read as it rotates (a Kubernetes projected token). */
  @IsOptional()
  @IsNotEmpty()
  CASE_SERVICE_TOKEN_FILE?: string;

  @Matches(/^AC[0-9a-fA-F]{32}$/, { message: 'must be a Twilio account SID (AC + 32 hex)' })
  TWILIO_ACCOUNT_SID!: string;

  @IsNotEmpty()
  TWILIO_AUTH_TOKEN!: string;

  /** Only to point the SDK elsewhere (the provider simulator); unset means Twilio itself. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  TWILIO_API_BASE_URL?: string;

  @IsNotEmpty()
  SENDGRID_API_KEY!: string;

  /** Only to point the SDK elsewhere (the provider simulator); unset means SendGrid itself. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  SENDGRID_API_BASE_URL?: string;

  /** The Event Webhook verification key SendGrid shows (base64 DER SPKI, P-256). */
  @Matches(/^[A-Za-z0-9+/=]+$/, { message: 'must be base64 (DER SPKI of a P-256 key)' })
  SENDGRID_WEBHOOK_PUBLIC_KEY!: string;

  /**
   * The public origin providers call back, e.g. https://hooks.clement.example: Twilio signs the
   * URL it called, so behind a proxy this is the outside address, never the Host header.
   */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  WEBHOOK_PUBLIC_BASE_URL!: string;

  /** The debtor portal's origin; personal links are `<origin>/l/<token>`. */
  @IsUrl({ require_tld: false, protocols: ['https'] })
  PORTAL_BASE_URL!: string;

  /** `<id>:<base64 ≥ 32 bytes>`, comma-separated; the first signs, all verify. */
  @Matches(/^[A-Za-z0-9_-]{1,8}:[A-Za-z0-9+/=_-]+(,[A-Za-z0-9_-]{1,8}:[A-Za-z0-9+/=_-]+)*$/, {
    message: 'must be <id>:<base64>, comma-separated',
  })
  PORTAL_LINK_KEYS!: string;

  @IsInt()
  @Min(1)
  @Max(24 * 30)
  PORTAL_LINK_TTL_HOURS = 72;

  /** Base64, ≥ 32 bytes: the HMAC key of the index matching replies to the debtor messaged. */
  @Matches(/^[A-Za-z0-9+/=]{43,}$/, { message: 'must be base64 of at least 32 bytes' })
  ADDRESS_INDEX_KEY!: string;

  /** Per-tenant senders, brand, jurisdiction and template overrides (JSON); or _JSON inline. */
  @ValidateIf((config: DispatchServiceConfig) => !config.DISPATCH_TENANTS_JSON)
  @IsNotEmpty({ message: 'DISPATCH_TENANTS_FILE or DISPATCH_TENANTS_JSON is required' })
  DISPATCH_TENANTS_FILE?: string;

  @IsOptional()
  @IsNotEmpty()
  DISPATCH_TENANTS_JSON?: string;

  /** How often due messages are looked for (deferrals, retries, new commands). */
  @IsInt()
  @Min(10)
  @Max(60_000)
  DISPATCH_POLL_INTERVAL_MS = 250;

  /** Most messages claimed per poll. */
  @IsInt()
  @Min(1)
  @Max(5_000)
  DISPATCH_BATCH_SIZE = 200;

  /** Most provider calls in flight at once. */
  @IsInt()
  @Min(1)
  @Max(512)
  DISPATCH_SEND_CONCURRENCY = 16;

  /**
   * How long a claimed send may take before another instance treats it as interrupted and
   * reconciles it with the provider (never resends it blindly). Longer than PROVIDER_TIMEOUT_MS.
   */
  @IsInt()
  @Min(1_000)
  DISPATCH_LEASE_MS = 60_000;

  /** Provider attempts before a retryable failure becomes final. */
  @IsInt()
  @Min(1)
  @Max(100)
  DISPATCH_MAX_ATTEMPTS = 10;

  @IsInt()
  @Min(100)
  @Max(120_000)
  PROVIDER_TIMEOUT_MS = 10_000;

  /**
   * After an ambiguous answer (a timeout), how long to wait before asking the provider whether it
   * has the message: long enough for a slow request still in flight at the provider to land.
   */
  @IsInt()
  @Min(0)
  DISPATCH_RECONCILE_DELAY_MS = 30_000;

  /** First retry delay after a 429/5xx; doubles per attempt, with full jitter. */
  @IsInt()
  @Min(1)
  DISPATCH_RETRY_BASE_MS = 1_000;

  @IsInt()
  @Min(1)
  DISPATCH_RETRY_CAP_MS = 300_000;
}

export function loadDispatchServiceConfig(
  env: NodeJS.ProcessEnv = process.env,
): DispatchServiceConfig {
  return loadConfig(DispatchServiceConfig, env);
}

export function loadDispatchServiceDatabaseConfig(
  env: NodeJS.ProcessEnv = process.env,
): DispatchServiceDatabaseConfig {
  return loadConfig(DispatchServiceDatabaseConfig, env);
}
