/** Membership roles, most to least privileged. */
export const ROLES = ['owner', 'admin', 'auditor', 'member'] as const;
export type Role = (typeof ROLES)[number];

/** What each role may do; checked on the server in every page, action and route handler. */
export const PERMISSIONS = {
  'audit:read': ['owner', 'admin', 'auditor'],
  'members:manage': ['owner', 'admin'],
  'apikeys:manage': ['owner', 'admin'],
  'settings:manage': ['owner', 'admin'],
  // Saving, renaming and deleting one's own views; sharing one with the whole organization.
  'views:save': ['owner', 'admin', 'auditor'],
  // Renaming or deleting views that others shared.
  'views:manage': ['owner', 'admin'],
  // Running a hash-chain verification and signing a checkpoint of the chain head.
  'integrity:verify': ['owner', 'admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export function hasPermission(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
