import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  Logger,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { forbidden, invalidToken, keysUnavailable, missingToken } from './auth-errors';
import { PRINCIPAL_KEY, type RequestWithPrincipal } from './current-principal.decorator';
import type { Role } from './principal';
import { ROLES_KEY } from './roles.decorator';
import {
  InvalidTokenError,
  KeySetUnavailableError,
  TOKEN_VERIFIER,
  type TokenVerifier,
} from './token-verifier';

interface GuardedRequest extends RequestWithPrincipal {
  headers: Record<string, string | string[] | undefined>;
}

/** Express' `setHeader`, or Fastify's `header`. */
interface HeaderSink {
  setHeader?(name: string, value: string): unknown;
  header?(name: string, value: string): unknown;
}

const BEARER = /^Bearer +(\S*) *$/i;

/**
 * Verifies the bearer token, puts the principal on the request and checks `@Roles`. Applied per
 * controller through `@StaffApi()`, never globally, so health, metrics and docs stay public.
 * Fails closed: a guarded route without `@Roles` answers 403.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  private readonly logger = new Logger('JwtAuthGuard');

  constructor(
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<GuardedRequest>();
    const response = http.getResponse<HeaderSink>();

    const token = bearerToken(request.headers['authorization']);
    if (token === undefined) {
      setChallenge(response, 'Bearer');
      throw missingToken();
    }
    try {
      request[PRINCIPAL_KEY] = await this.verifier.verify(token);
    } catch (error: unknown) {
      if (error instanceof InvalidTokenError) {
        setChallenge(
          response,
          `Bearer error="invalid_token", error_description="${headerSafe(error.reason)}"`,
        );
        throw invalidToken(error.reason);
      }
      if (error instanceof KeySetUnavailableError) {
        this.logger.error(`${error.message}: ${String(error.cause)}`);
        throw keysUnavailable();
      }
      throw error;
    }

    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!allowed || allowed.length === 0) {
      this.logger.warn(
        `${context.getClass().name}.${context.getHandler().name} has no @Roles; access refused`,
      );
      throw forbidden('This operation is not available to any role');
    }
    const roles = request[PRINCIPAL_KEY].roles;
    if (!allowed.some((role) => roles.includes(role))) {
      setChallenge(response, 'Bearer error="insufficient_scope"');
      throw forbidden(`Requires one of the roles: ${allowed.join(', ')}`);
    }
    return true;
  }
}

/** The token of an `Authorization: Bearer <token>` header; undefined when there is none. */
function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') {
    return undefined;
  }
  return BEARER.exec(header)?.[1];
}

function setChallenge(response: HeaderSink, value: string): void {
  if (typeof response.setHeader === 'function') {
    response.setHeader('WWW-Authenticate', value);
  } else if (typeof response.header === 'function') {
    response.header('WWW-Authenticate', value);
  }
}

/** RFC 6750 allows only printable ASCII without `"` and `\` in error_description. */
function headerSafe(text: string): string {
  return text.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '?');
}
