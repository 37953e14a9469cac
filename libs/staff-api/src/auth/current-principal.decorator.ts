import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Principal } from './principal';

/** Where `JwtAuthGuard` leaves the verified principal on the request. */
export const PRINCIPAL_KEY = 'principal';

export interface RequestWithPrincipal {
  [PRINCIPAL_KEY]?: Principal;
}

export function principalOf(request: RequestWithPrincipal): Principal {
  const principal = request[PRINCIPAL_KEY];
  if (!principal) {
    // A wiring bug, not a client error: the route lacks @StaffApi() / JwtAuthGuard.
    throw new Error('no principal on the request: is the route guarded by JwtAuthGuard?');
  }
  return principal;
}

/** The caller of a `@StaffApi()` route: `handle(@CurrentPrincipal() principal: Principal)`. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal =>
    principalOf(context.switchToHttp().getRequest<RequestWithPrincipal>()),
);
