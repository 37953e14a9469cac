import {
  ForbiddenException,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { errorBody } from '../http/error-body';

// Codes of the error bodies the auth layer answers with.
export const AUTH_ERROR = {
  missingToken: 'auth.missing_token',
  invalidToken: 'auth.invalid_token',
  forbidden: 'auth.forbidden',
  tenantRequired: 'auth.tenant_required',
  keysUnavailable: 'auth.keys_unavailable',
} as const;

export function missingToken(): UnauthorizedException {
  return new UnauthorizedException(
    errorBody(401, AUTH_ERROR.missingToken, 'A bearer token is required'),
  );
}

export function invalidToken(reason: string): UnauthorizedException {
  return new UnauthorizedException(
    errorBody(401, AUTH_ERROR.invalidToken, `Invalid bearer token: ${reason}`),
  );
}

export function forbidden(message: string): ForbiddenException {
  return new ForbiddenException(errorBody(403, AUTH_ERROR.forbidden, message));
}

export function keysUnavailable(): ServiceUnavailableException {
  return new ServiceUnavailableException(
    errorBody(503, AUTH_ERROR.keysUnavailable, 'Token keys are unavailable; retry later'),
  );
}
