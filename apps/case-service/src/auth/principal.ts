/** The staff roles the case service knows; a token's other roles are ignored. */
export const STAFF_ROLES = [
  'agent',
  'strategy-admin',
  'auditor',
  'integrator',
  'platform-admin',
  // Handles data-protection requests: legal retention and erasure.
  'privacy-officer',
] as const;

export type StaffRole = (typeof STAFF_ROLES)[number];

/** For routes any staff member may call: `@Roles(...ANY_STAFF_ROLE)`. */
export const ANY_STAFF_ROLE: readonly StaffRole[] = STAFF_ROLES;

/** Who is calling, as proven by a verified bearer token. */
export interface Principal {
  readonly subject: string;
  /** Null only for platform admins, who must name a tenant explicitly (see `requireTenant`). */
  readonly tenantId: string | null;
  readonly roles: readonly StaffRole[];
}

export function isStaffRole(value: unknown): value is StaffRole {
  return typeof value === 'string' && (STAFF_ROLES as readonly string[]).includes(value);
}
