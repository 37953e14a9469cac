import { loadConfig, ServiceDatabaseConfig } from '@clement/observability';
import { StaffApiServiceConfig } from '@clement/staff-api';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

export const SERVICE_NAME = 'case-service';

const DATABASE_SCHEMA = 'case_service';

/** What the `migrate` command needs: the database and the service's schema, nothing else. */
export class CaseServiceDatabaseConfig extends ServiceDatabaseConfig {
  override DATABASE_SCHEMA = DATABASE_SCHEMA;
}

/** The whole service's environment, validated once at boot. */
export class CaseServiceConfig extends StaffApiServiceConfig {
  override DATABASE_SCHEMA = DATABASE_SCHEMA;
  override PORT = 3001;

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

  /** Events handled per database transaction by the CRM inbound consumer. */
  @IsInt()
  @Min(1)
  @Max(1000)
  CRM_INGEST_BATCH_SIZE = 500;

  /** How often holds past their end (e.g. a breathing space) are lifted; 0 turns it off. */
  @IsInt()
  @Min(0)
  HOLD_EXPIRY_INTERVAL_MS = 30_000;
}

export function loadCaseServiceConfig(env: NodeJS.ProcessEnv = process.env): CaseServiceConfig {
  return loadConfig(CaseServiceConfig, env);
}

export function loadCaseServiceDatabaseConfig(
  env: NodeJS.ProcessEnv = process.env,
): CaseServiceDatabaseConfig {
  return loadConfig(CaseServiceDatabaseConfig, env);
}
