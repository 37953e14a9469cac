import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  requiredEnv,
  REPO_ROOT,
  type ServiceProcess,
  startServiceProcess,
} from './service-process';
import { findFreePort } from './free-port';
import { uniqueName } from './unique-name';

export interface CaseServiceProcess {
  readonly process: ServiceProcess;
  readonly url: string;
}

/**
 * case-service as a process (from its entry point: an app never imports another app's code) on
 * the integration Kafka and PostgreSQL, in a schema of its own, accepting tokens signed with
 * `jwtSecret`. Other services' tests place debtors through it as the CRM does.
 */
export async function startCaseService(options: {
  jwtSecret: string;
  schemaPrefix: string;
}): Promise<CaseServiceProcess> {
  const port = await findFreePort();
  const process_ = await startServiceProcess(
    join(REPO_ROOT, 'apps', 'case-service', 'src', 'main.ts'),
    {
      ...process.env,
      DATABASE_URL: requiredEnv('DATABASE_URL'),
      KAFKA_BROKERS: requiredEnv('KAFKA_BROKERS'),
      DATABASE_SCHEMA: uniqueName(options.schemaPrefix)
        .toLowerCase()
        .replace(/[^a-z0-9_]/g, '_'),
      PORT: String(port),
      HOST: '127.0.0.1',
      MIGRATE_ON_START: 'true',
      HOLD_EXPIRY_INTERVAL_MS: '0',
      PII_MASTER_KEYS: `it-k1:${randomBytes(32).toString('base64')}`,
      AUTH_JWT_SECRET: options.jwtSecret,
    },
  );
  return { process: process_, url: `http://127.0.0.1:${port}` };
}
