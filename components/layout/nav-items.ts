import { hasPermission, type Permission, type Role } from '@/lib/auth/roles';

/** The header's pages, each with the permission its page requires (keep in step with the page's requirePermission). */
export const NAV_ITEMS = [
  { href: '/audit', label: 'Events', permission: 'audit:read' },
  { href: '/members', label: 'Members', permission: 'audit:read' },
  { href: '/api-keys', label: 'API keys', permission: 'audit:read' },
  { href: '/streams', label: 'Streams', permission: 'audit:read' },
  { href: '/settings', label: 'Settings', permission: 'audit:read' },
  { href: '/integrity', label: 'Integrity', permission: 'integrity:verify' },
  { href: '/account', label: 'Account', permission: null },
] as const satisfies readonly { href: string; label: string; permission: Permission | null }[];

export type NavItem = { href: string; label: string };

/** The pages this role may open: a link that always ends in a 403 is not shown. */
export function navItemsFor(role: Role | null): NavItem[] {
  return NAV_ITEMS.filter((i) => i.permission === null || (role !== null && hasPermission(role, i.permission))).map(({ href, label }) => ({ href, label }));
}

/** Where "/" and sign-in land: the audit log for those who may read it, otherwise the user's own account. */
export function homePathFor(role: Role | null): string {
  return role !== null && hasPermission(role, 'audit:read') ? '/audit' : '/account';
}
