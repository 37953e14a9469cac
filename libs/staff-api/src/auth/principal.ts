/** The staff roles Clement's services know; a token's other roles are ignored. */
export const STAFF_ROLES = [
  'agent',
  'strategy-admin',
  'auditor',
  'integrator',
  'platform-admin',
  // Handles data-protection requests: legal retention and erasure.
  'privacy-officer',
] as const;

/** Roles of other services' workload identities, never of people. */
export const MACHINE_ROLES = [
  // dispatch-service: resolves one contact point's address at send time.
  'contact-resolver',
  // The debtor portal: acts for the debtor it verified (offers, plans, promises, payments).
  'debtor-portal',
] as const;

export type StaffRole = (typeof STAFF_ROLES)[number];
export type MachineRole = (typeof MACHINE_ROLES)[number];
export type Role = StaffRole | MachineRole;

/** For routes any staff member may call: `@Roles(...ANY_STAFF_ROLE)`. */
export const ANY_STAFF_ROLE: readonly StaffRole[] = STAFF_ROLES;

/** Roles that act for no single tenant, so their tokens may carry no tenant claim. */
export const TENANTLESS_ROLES: readonly Role[] = ['platform-admin', 'contact-resolver'];

/** Who is calling, as proven by a verified bearer token. */
export interface Principal {
  readonly subject: string;
  /**
   * Null only for tenantless roles (platform admins, machine callers), who must name a tenant
   * explicitly (see `requireTenant`).
   */
  readonly tenantId: string | null;
  readonly roles: readonly Role[];
}

export function isStaffRole(value: unknown): value is StaffRole {
  return typeof value === 'string' && (STAFF_ROLES as readonly string[]).includes(value);
}

export function isKnownRole(value: unknown): value is Role {
  return (
    isStaffRole(value) ||
    (typeof value === 'string' && (MACHINE_ROLES as readonly string[]).includes(value))
  );
}
