import { ROLES, type Role } from '@/db/vocabulary/roles';

export { ROLES, type Role };

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
  // Adding, pausing, replaying and deleting log-stream destinations (auditors see them, read-only).
  'streams:manage': ['owner', 'admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export function hasPermission(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}
