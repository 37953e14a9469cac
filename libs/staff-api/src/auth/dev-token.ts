import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import { MIN_SHARED_SECRET_LENGTH } from './auth.config';

export interface DevTokenClaims {
  subject: string;
  tenantId?: string;
  /** Plain strings, so tests can also mint roles the service does not know. */
  roles: readonly string[];
  /** Default one hour; negative values mint an already expired token. */
  expiresInSeconds?: number;
  issuer?: string;
  audience?: string;
}

const ONE_HOUR = 3_600;

/**
 * An HS256 token for local runs and tests, matching what `AuthModule` accepts with a shared
 * secret. Never used in production, where an identity provider signs tokens.
 */
export async function mintToken(secret: string, claims: DevTokenClaims): Promise<string> {
  if (secret.length < MIN_SHARED_SECRET_LENGTH) {
    throw new Error(`the secret must be at least ${MIN_SHARED_SECRET_LENGTH} characters`);
  }
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({
    roles: [...claims.roles],
    ...(claims.tenantId === undefined ? {} : { tenant: claims.tenantId }),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.subject)
    .setIssuedAt(now)
    .setExpirationTime(now + (claims.expiresInSeconds ?? ONE_HOUR));
  if (claims.issuer !== undefined) {
    jwt.setIssuer(claims.issuer);
  }
  if (claims.audience !== undefined) {
    jwt.setAudience(claims.audience);
  }
  return jwt.sign(new TextEncoder().encode(secret));
}

/**
 * `AUTH_SHARED_SECRET=… node --require tsx/cjs libs/staff-api/src/auth/dev-token.ts \
 *    --sub alice --tenant tenant-1 --roles agent,auditor` prints a token.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sub: { type: 'string', default: 'dev-agent' },
      tenant: { type: 'string' },
      roles: { type: 'string', default: 'agent' },
      ttl: { type: 'string', default: String(ONE_HOUR) },
      issuer: { type: 'string' },
      audience: { type: 'string' },
    },
  });
  const secret = process.env['AUTH_SHARED_SECRET'];
  if (!secret) {
    throw new Error('set AUTH_SHARED_SECRET');
  }
  const token = await mintToken(secret, {
    subject: values.sub,
    tenantId: values.tenant,
    roles: values.roles.split(',').filter((role) => role.length > 0),
    expiresInSeconds: Number(values.ttl),
    issuer: values.issuer,
    audience: values.audience,
  });
  process.stdout.write(`${token}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
