export { AUTH_CONFIG, AuthModule } from './auth.module';
export {
  assertValidAuthConfig,
  type AuthConfig,
  AuthConfigError,
  MIN_SHARED_SECRET_LENGTH,
} from './auth.config';
export { AUTH_ERROR } from './auth-errors';
export { CurrentPrincipal, principalOf } from './current-principal.decorator';
export { JwtAuthGuard } from './jwt-auth.guard';
export {
  ANY_STAFF_ROLE,
  isKnownRole,
  isStaffRole,
  MACHINE_ROLES,
  type MachineRole,
  type Principal,
  type Role,
  STAFF_ROLES,
  type StaffRole,
  TENANTLESS_ROLES,
} from './principal';
export { requireTenant } from './require-tenant';
export { Roles, ROLES_KEY } from './roles.decorator';
export { BEARER_AUTH_NAME, StaffApi } from './staff-api.decorator';
export {
  createTokenVerifier,
  InvalidTokenError,
  JoseTokenVerifier,
  KeySetUnavailableError,
  principalFromClaims,
  TOKEN_VERIFIER,
  type TokenVerifier,
} from './token-verifier';
export { StaffApiServiceConfig } from './staff-api-service-config';
