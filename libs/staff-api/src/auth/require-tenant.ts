import { ForbiddenException } from '@nestjs/common';
import { errorBody } from '../http/error-body';
import { AUTH_ERROR } from './auth-errors';
import type { Principal } from './principal';

/**
 * The tenant every tenant-scoped query needs. Tenantless tokens (platform admins, machine callers)
 * carry none, so they are refused here until they act through a token that names the tenant.
 */
export function requireTenant(principal: Principal): string {
  if (principal.tenantId === null) {
    throw new ForbiddenException(
      errorBody(403, AUTH_ERROR.tenantRequired, 'This operation needs a tenant-scoped token'),
    );
  }
  return principal.tenantId;
}
