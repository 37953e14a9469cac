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

export const SERVICE_NAME = 'strategy-service';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

// Messages never interpolate $value: DATABASE_URL carries a password.
/** What the `migrate` command needs: the database and the service's schema, nothing else. */
export class StrategyServiceDatabaseConfig {
  @IsString()
  @Matches(/^postgres(ql)?:\/\/\S+$/, {
    message: 'must be a postgres:// or postgresql:// URL',
  })
  DATABASE_URL!: string;

  /** The PostgreSQL schema the service owns (journeys, timers, strategies, outbox, inbox). */
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, {
    message: 'must be a lower-case SQL identifier (letters, digits, underscores)',
  })
  DATABASE_SCHEMA = 'strategy';
}

/** The whole service's environment, validated once at boot. */
export class StrategyServiceConfig extends StrategyServiceDatabaseConfig {
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3003;

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

  /** JWKS of the identity provider that signs staff tokens (production). */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  AUTH_JWKS_URL?: string;

  /** HS256 secret for staff tokens in local runs and tests, when there is no JWKS. */
  @ValidateIf((config: StrategyServiceConfig) => !config.AUTH_JWKS_URL)
  @IsString({ message: 'AUTH_JWT_SECRET or AUTH_JWKS_URL must be set' })
  @MinLength(32)
  AUTH_JWT_SECRET?: string;

  @IsOptional()
  @IsString()
  AUTH_ISSUER?: string;

  @IsOptional()
  @IsString()
  AUTH_AUDIENCE?: string;

  /** How often due timers are looked for when the last round found less than a full batch. */
  @IsInt()
  @Min(10)
  @Max(60_000)
  TIMER_POLL_INTERVAL_MS = 200;

  /** Most timers fired per transaction. */
  @IsInt()
  @Min(1)
  @Max(5_000)
  TIMER_BATCH_SIZE = 500;

  /** How long a journey whose wake-up failed waits before it is tried again. */
  @IsInt()
  @Min(100)
  TIMER_RETRY_DELAY_MS = 60_000;

  /** Events handled per database transaction by the journey consumer. */
  @IsInt()
  @Min(1)
  @Max(1000)
  EVENT_BATCH_SIZE = 100;

  /** Partitions the journey consumer works on at once (each holds a database connection). */
  @IsInt()
  @Min(1)
  @Max(64)
  EVENT_PARTITION_CONCURRENCY = 4;

  get kafkaBrokers(): string[] {
    return this.KAFKA_BROKERS.split(',');
  }
}

export function loadStrategyServiceConfig(
  env: NodeJS.ProcessEnv = process.env,
): StrategyServiceConfig {
  return loadConfig(StrategyServiceConfig, env);
}

export function loadStrategyServiceDatabaseConfig(
  env: NodeJS.ProcessEnv = process.env,
): StrategyServiceDatabaseConfig {
  return loadConfig(StrategyServiceDatabaseConfig, env);
}
