/**
 * How bearer tokens are verified: exactly one of `jwksUrl` (production: the identity provider's
 * key set, asymmetric algorithms only) or `sharedSecret` (HS256, for local runs and tests).
 */
export interface AuthConfig {
  jwksUrl?: string;
  sharedSecret?: string;
  /** When set, tokens must carry exactly this `iss`. */
  issuer?: string;
  /** When set, tokens must name this audience in `aud`. */
  audience?: string;
}

/** HS256 needs a key at least as long as its 256-bit output. */
export const MIN_SHARED_SECRET_LENGTH = 32;

export class AuthConfigError extends Error {
  override readonly name = 'AuthConfigError';
}

/** Throws at boot when the config is unusable; messages never carry the secret. */
export function assertValidAuthConfig(config: AuthConfig): void {
  const jwksUrl = nonEmpty(config.jwksUrl);
  const sharedSecret = nonEmpty(config.sharedSecret);
  if (jwksUrl === undefined && sharedSecret === undefined) {
    throw new AuthConfigError('auth: set either a JWKS URL or a shared secret');
  }
  if (jwksUrl !== undefined && sharedSecret !== undefined) {
    throw new AuthConfigError('auth: set a JWKS URL or a shared secret, not both');
  }
  if (sharedSecret !== undefined && sharedSecret.length < MIN_SHARED_SECRET_LENGTH) {
    throw new AuthConfigError(
      `auth: the shared secret must be at least ${MIN_SHARED_SECRET_LENGTH} characters`,
    );
  }
  if (jwksUrl !== undefined && !isHttpUrl(jwksUrl)) {
    throw new AuthConfigError('auth: the JWKS URL must be an http(s) URL');
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
