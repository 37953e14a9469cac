import { SetMetadata } from '@nestjs/common';
import type { Role } from './principal';

export const ROLES_KEY = 'clement:staff-roles';

/**
 * The roles allowed to call a handler (or every handler of a controller); holding any one of
 * them is enough. A handler's `@Roles` replaces its controller's.
 */
export const Roles = (...roles: [Role, ...Role[]]): MethodDecorator & ClassDecorator =>
  SetMetadata(ROLES_KEY, roles);
