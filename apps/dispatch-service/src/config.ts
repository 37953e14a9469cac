import { loadConfig } from '@clement/observability';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsString, Matches, Max, Min } from 'class-validator';

export const SERVICE_NAME = 'dispatch-service';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

// Messages never interpolate $value: DATABASE_URL carries a password.
/** What the `migrate` command needs: the database and the service's schema, nothing else. */
export class DispatchServiceDatabaseConfig {
  @IsString()
  @Matches(/^postgres(ql)?:\/\/\S+$/, {
    message: 'must be a postgres:// or postgresql:// URL',
  })
  DATABASE_URL!: string;

  /** The PostgreSQL schema the service owns (projection, outbox, inbox, migrations table). */
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, {
    message: 'must be a lower-case SQL identifier (letters, digits, underscores)',
  })
  DATABASE_SCHEMA = 'dispatch_service';
}

/** The whole service's environment, validated once at boot. */
export class DispatchServiceConfig extends DispatchServiceDatabaseConfig {
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3002;

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

  get kafkaBrokers(): string[] {
    return this.KAFKA_BROKERS.split(',');
  }
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
