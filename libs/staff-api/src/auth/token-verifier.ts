import {
  createRemoteJWKSet,
  errors,
  type JWTPayload,
  jwtVerify,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import { assertValidAuthConfig, type AuthConfig } from './auth.config';
import { isKnownRole, type Principal, TENANTLESS_ROLES } from './principal';

export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');

/** Turns a bearer token into a principal, or throws `InvalidTokenError`. */
export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

/**
 * The token is not acceptable. `reason` is one of a fixed set of phrases (safe for a
 * WWW-Authenticate header and for logs); it never contains the token or its claim values.
 */
export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';

  constructor(readonly reason: string) {
    super(`invalid bearer token: ${reason}`);
  }
}

/** The key set could not be fetched: not the caller's fault, so not a 401. */
export class KeySetUnavailableError extends Error {
  override readonly name = 'KeySetUnavailableError';
}

const HS256 = ['HS256'];
const ASYMMETRIC = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'EdDSA',
];
/** Leeway for clock skew between the identity provider and this service. */
const CLOCK_TOLERANCE_SECONDS = 5;
const JWKS_TIMEOUT_MS = 5_000;

/** jose error codes that mean "this token is bad", as opposed to "the key set is unreachable". */
const TOKEN_ERROR_REASONS: Record<string, string> = {
  ERR_JWT_EXPIRED: 'token expired',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'signature verification failed',
  ERR_JOSE_ALG_NOT_ALLOWED: 'algorithm not allowed',
  ERR_JOSE_NOT_SUPPORTED: 'unsupported token',
  ERR_JWS_INVALID: 'malformed token',
  ERR_JWT_INVALID: 'malformed token',
  ERR_JWKS_NO_MATCHING_KEY: 'no matching key',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'no matching key',
};

/** Verifies with jose: HS256 against a shared secret, or asymmetric keys from a remote JWKS. */
export class JoseTokenVerifier implements TokenVerifier {
  private readonly verifyJwt: (token: string) => Promise<JWTPayload>;
  private readonly remote: boolean;

  constructor(config: AuthConfig) {
    assertValidAuthConfig(config);
    this.remote = Boolean(config.jwksUrl);
    const options: JWTVerifyOptions = {
      algorithms: this.remote ? ASYMMETRIC : HS256,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      // A token without an expiry would be valid forever.
      requiredClaims: ['exp', 'sub'],
      ...(config.issuer ? { issuer: config.issuer } : {}),
      ...(config.audience ? { audience: config.audience } : {}),
    };
    if (config.jwksUrl) {
      // Caches keys and refetches (rate-limited) when a token names an unknown key id.
      const keySet: JWTVerifyGetKey = createRemoteJWKSet(new URL(config.jwksUrl), {
        timeoutDuration: JWKS_TIMEOUT_MS,
      });
      this.verifyJwt = async (token) => (await jwtVerify(token, keySet, options)).payload;
    } else {
      const secret = new TextEncoder().encode(config.sharedSecret);
      this.verifyJwt = async (token) => (await jwtVerify(token, secret, options)).payload;
    }
  }

  async verify(token: string): Promise<Principal> {
    if (token.length === 0) {
      throw new InvalidTokenError('malformed token');
    }
    let payload: JWTPayload;
    try {
      payload = await this.verifyJwt(token);
    } catch (error: unknown) {
      throw this.translate(error);
    }
    return principalFromClaims(payload);
  }

  private translate(error: unknown): Error {
    if (error instanceof errors.JWTClaimValidationFailed) {
      return new InvalidTokenError(`${safeClaimName(error.claim)} claim ${reasonPhrase(error)}`);
    }
    if (error instanceof errors.JOSEError) {
      const reason = TOKEN_ERROR_REASONS[error.code];
      if (reason !== undefined) {
        return new InvalidTokenError(reason);
      }
    }
    if (this.remote) {
      // Timeouts, network errors, a bad JWKS document: the identity provider's problem.
      return new KeySetUnavailableError('the JSON Web Key Set could not be loaded', {
        cause: error,
      });
    }
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Maps verified claims to a principal; the claim shape is checked here, not trusted. */
export function principalFromClaims(payload: JWTPayload): Principal {
  const subject = payload.sub;
  if (typeof subject !== 'string' || subject.length === 0) {
    throw new InvalidTokenError('sub claim missing');
  }
  const rawRoles: unknown = payload['roles'];
  if (rawRoles !== undefined && !Array.isArray(rawRoles)) {
    throw new InvalidTokenError('roles claim must be an array');
  }
  const roles = [...new Set((rawRoles ?? []).filter(isKnownRole))];
  const tenant: unknown = payload['tenant'];
  if (tenant !== undefined && (typeof tenant !== 'string' || tenant.length === 0)) {
    throw new InvalidTokenError('tenant claim must be a non-empty string');
  }
  if (tenant === undefined && !roles.some((role) => TENANTLESS_ROLES.includes(role))) {
    throw new InvalidTokenError('tenant claim missing');
  }
  return { subject, tenantId: tenant ?? null, roles };
}

export function createTokenVerifier(config: AuthConfig): TokenVerifier {
  return new JoseTokenVerifier(config);
}

function safeClaimName(claim: string): string {
  return /^[a-z_]{1,16}$/.test(claim) ? claim : 'a';
}

function reasonPhrase(error: errors.JWTClaimValidationFailed): string {
  return error.reason === 'missing' ? 'missing' : 'check failed';
}
