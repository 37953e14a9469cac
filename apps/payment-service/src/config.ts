import { loadConfig, ServiceDatabaseConfig } from '@clement/observability';
import { StaffApiServiceConfig } from '@clement/staff-api';
import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';

export const SERVICE_NAME = 'payment-service';

const DATABASE_SCHEMA = 'payment';

/** What the `migrate` command needs: the database and the service's schema, nothing else. */
export class PaymentServiceDatabaseConfig extends ServiceDatabaseConfig {
  override DATABASE_SCHEMA = DATABASE_SCHEMA;
}

/** The whole service's environment, validated once at boot. */
export class PaymentServiceConfig extends StaffApiServiceConfig {
  override DATABASE_SCHEMA = DATABASE_SCHEMA;
  override PORT = 3004;

  /** Which PSP card payments go through; direct debit always uses the sandbox adapter's port. */
  @IsIn(['sandbox', 'stripe'])
  PSP: 'sandbox' | 'stripe' = 'sandbox';

  /** The sandbox PSP (provider-sim's `/psp`), for card payments and direct debit. */
  @ValidateIf(
    (config: PaymentServiceConfig) => config.PSP === 'sandbox' || !!config.PSP_SANDBOX_URL,
  )
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  PSP_SANDBOX_URL?: string;

  @ValidateIf((config: PaymentServiceConfig) => !!config.PSP_SANDBOX_URL)
  @IsString()
  @MinLength(8)
  PSP_SANDBOX_SECRET_KEY?: string;

  /** Comma-separated: the current webhook signing secret first, then any being rotated out. */
  @ValidateIf((config: PaymentServiceConfig) => !!config.PSP_SANDBOX_URL)
  @IsString()
  @MinLength(8)
  PSP_SANDBOX_WEBHOOK_SECRETS?: string;

  @ValidateIf((config: PaymentServiceConfig) => config.PSP === 'stripe')
  @IsString()
  @MinLength(8)
  STRIPE_SECRET_KEY?: string;

  /** Only to point the SDK elsewhere (stripe-mock in tests); production leaves it unset. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  STRIPE_API_URL?: string;

  @ValidateIf((config: PaymentServiceConfig) => config.PSP === 'stripe')
  @IsString()
  @MinLength(8)
  STRIPE_WEBHOOK_SECRETS?: string;

  /** How far a webhook's signed timestamp may be from now. */
  @IsInt()
  @Min(30)
  @Max(3_600)
  WEBHOOK_TOLERANCE_SECONDS = 300;

  /** Per-tenant payment policy, allocation and return URL (JSON); or _JSON inline. */
  @ValidateIf((config: PaymentServiceConfig) => !config.PAYMENT_TENANTS_JSON)
  @IsNotEmpty({ message: 'PAYMENT_TENANTS_FILE or PAYMENT_TENANTS_JSON is required' })
  PAYMENT_TENANTS_FILE?: string;

  @IsOptional()
  @IsNotEmpty()
  PAYMENT_TENANTS_JSON?: string;

  /** How often promises past their deadline, missed instalments and due collections are looked for. */
  @IsInt()
  @Min(50)
  @Max(3_600_000)
  SCHEDULER_INTERVAL_MS = 60_000;

  /** Days before an instalment's due date its direct debit collection is submitted. */
  @IsInt()
  @Min(0)
  @Max(14)
  COLLECTION_LEAD_DAYS = 3;

  /** Events handled per database transaction by the case-events consumer. */
  @IsInt()
  @Min(1)
  @Max(1000)
  EVENT_BATCH_SIZE = 100;

  secrets(value: string | undefined): string[] {
    return (value ?? '')
      .split(',')
      .map((secret) => secret.trim())
      .filter((secret) => secret.length > 0);
  }
}

export function loadPaymentServiceConfig(
  env: NodeJS.ProcessEnv = process.env,
): PaymentServiceConfig {
  return loadConfig(PaymentServiceConfig, env);
}

export function loadPaymentServiceDatabaseConfig(
  env: NodeJS.ProcessEnv = process.env,
): PaymentServiceDatabaseConfig {
  return loadConfig(PaymentServiceDatabaseConfig, env);
}
