import Link from 'next/link';
import { NavLinks } from '@/components/layout/nav-links';
import { OrgSwitcher } from '@/components/layout/org-switcher';
import { TimeZoneSync } from '@/components/layout/time-zone-sync';
import { Button } from '@/components/ui/button';
import { requireSession } from '@/lib/auth/session';
import { getBrowserTimeZone } from '@/lib/format/viewer-time-zone';
import { signOutAction } from './actions';

const NAV = [
  { href: '/audit', label: 'Events' },
  { href: '/members', label: 'Members' },
  { href: '/api-keys', label: 'API keys' },
  { href: '/settings', label: 'Settings' },
  { href: '/integrity', label: 'Integrity' },
  { href: '/account', label: 'Account' },
] as const;

export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const ctx = await requireSession();
  const browserZone = await getBrowserTimeZone();
  return (
    <div className="min-h-screen">
      <TimeZoneSync serverZone={browserZone} />
      <header className="border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-950">
        <div className="mx-auto flex h-14 max-w-[1600px] items-center gap-6 px-4">
          <Link href="/audit" className="font-semibold tracking-tight">
            Audit log
          </Link>
          <NavLinks items={NAV} />
          <div className="ml-auto flex items-center gap-4">
            <OrgSwitcher orgs={ctx.orgs.map((o) => ({ orgId: o.orgId, name: o.name, role: o.role }))} currentId={ctx.org?.orgId ?? null} />
            <span className="hidden text-sm text-zinc-500 sm:inline dark:text-zinc-400" data-testid="current-user">
              {ctx.user.email}
            </span>
            <form action={signOutAction}>
              <Button variant="outline" size="sm" type="submit">
                Sign out
              </Button>
            </form>
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-[1600px] px-4 py-6">{children}</main>
    </div>
  );
}
