import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Secrets of a laptop run, generated on first use and kept (owner-only) so data stays readable. */
export interface LocalSecrets {
  /** PII_MASTER_KEYS for case-service: `<id>:<base64 32 bytes>`. */
  readonly piiMasterKeys: string;
  /** HS256 secret the local staff tokens are signed with (production uses a JWKS). */
  readonly jwtSecret: string;
}

export function loadLocalSecrets(file: string): LocalSecrets {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as LocalSecrets;
  const secrets: LocalSecrets = {
    piiMasterKeys: `local-1:${randomBytes(32).toString('base64')}`,
    jwtSecret: randomBytes(32).toString('base64url'),
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secrets;
}
