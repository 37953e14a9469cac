import { loadConfig } from '@clement/observability';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';

export const SERVICE_NAME = 'case-service';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

// Messages never interpolate $value: DATABASE_URL carries a password.
/** What the `migrate` command needs: the database and the service's schema, nothing else. */
export class CaseServiceDatabaseConfig {
  @IsString()
  @Matches(/^postgres(ql)?:\/\/\S+$/, {
    message: 'must be a postgres:// or postgresql:// URL',
  })
  DATABASE_URL!: string;

  /** The PostgreSQL schema the service owns (tables, outbox, inbox, migrations table). */
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, {
    message: 'must be a lower-case SQL identifier (letters, digits, underscores)',
  })
  DATABASE_SCHEMA = 'case_service';
}

/** The whole service's environment, validated once at boot. */
export class CaseServiceConfig extends CaseServiceDatabaseConfig {
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3001;

  /** 0.0.0.0 so a container's port is reachable; set 127.0.0.1 to stay local. */
  @IsNotEmpty()
  HOST = '0.0.0.0';

  /** Comma-separated host:port list. */
  @IsString()
  @Matches(/^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/, {
    message: 'must be a comma-separated list of host:port',
  })
  KAFKA_BROKERS!: string;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL = 'info';

  /**
   * Apply pending migrations before serving. Off by default: in Kubernetes a Job runs `migrate`
   * before the new pods start; local runs and tests may turn it on.
   */
  @IsBoolean()
  MIGRATE_ON_START = false;

  /**
   * Master keys wrapping the per-debtor data keys: `<id>:<base64 of 32 bytes>`, comma-separated,
   * the first one current (older ones still unwrap). Replaced by a KMS-backed provider in
   * production deployments that have one.
   */
  @Matches(/^[A-Za-z0-9_.-]+:[A-Za-z0-9+/=]+(,[A-Za-z0-9_.-]+:[A-Za-z0-9+/=]+)*$/, {
    message: 'must be <key id>:<base64 32-byte key>[,...]',
  })
  PII_MASTER_KEYS!: string;

  /**
   * The master key the blind-index key is derived from. It must stay in PII_MASTER_KEYS for as long
   * as look-ups by phone or email should find existing debtors; defaults to the current key.
   */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]+$/)
  PII_BLIND_INDEX_KEY_ID?: string;

  /** JWKS of the identity provider that signs staff tokens (production). */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  AUTH_JWKS_URL?: string;

  /** HS256 secret for staff tokens in local runs and tests, when there is no JWKS. */
  @ValidateIf((config: CaseServiceConfig) => !config.AUTH_JWKS_URL)
  @IsString({ message: 'AUTH_JWT_SECRET or AUTH_JWKS_URL must be set' })
  @MinLength(32)
  AUTH_JWT_SECRET?: string;

  @IsOptional()
  @IsString()
  AUTH_ISSUER?: string;

  @IsOptional()
  @IsString()
  AUTH_AUDIENCE?: string;

  /** Events handled per database transaction by the CRM inbound consumer. */
  @IsInt()
  @Min(1)
  @Max(1000)
  CRM_INGEST_BATCH_SIZE = 500;

  /** How often holds past their end (e.g. a breathing space) are lifted; 0 turns it off. */
  @IsInt()
  @Min(0)
  HOLD_EXPIRY_INTERVAL_MS = 30_000;

  get kafkaBrokers(): string[] {
    return this.KAFKA_BROKERS.split(',');
  }
}

export function loadCaseServiceConfig(env: NodeJS.ProcessEnv = process.env): CaseServiceConfig {
  return loadConfig(CaseServiceConfig, env);
}

export function loadCaseServiceDatabaseConfig(
  env: NodeJS.ProcessEnv = process.env,
): CaseServiceDatabaseConfig {
  return loadConfig(CaseServiceDatabaseConfig, env);
}
