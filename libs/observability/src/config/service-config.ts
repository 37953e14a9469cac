import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsString, Matches, Max, Min } from 'class-validator';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

// Messages never interpolate $value: DATABASE_URL carries a password.
/**
 * What a service's `migrate` command needs: the database and the schema the service owns.
 * A service extends it to set its schema's default (`override DATABASE_SCHEMA = 'case_service'`).
 */
export class ServiceDatabaseConfig {
  @IsString()
  @Matches(/^postgres(ql)?:\/\/\S+$/, {
    message: 'must be a postgres:// or postgresql:// URL',
  })
  DATABASE_URL!: string;

  /** The PostgreSQL schema the service owns (its tables, outbox, inbox, migrations table). */
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, {
    message: 'must be a lower-case SQL identifier (letters, digits, underscores)',
  })
  DATABASE_SCHEMA!: string;
}

/**
 * The variables every Clement service with a database and Kafka reads. A service's config
 * class extends it with its own variables and defaults (`override PORT = 3001`).
 */
export class ServiceConfig extends ServiceDatabaseConfig {
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT!: number;

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
