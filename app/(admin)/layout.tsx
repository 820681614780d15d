import Link from 'next/link';
import { MemberNotice } from '@/components/layout/member-notice';
import { MobileMenu } from '@/components/layout/mobile-menu';
import { navItemsFor } from '@/components/layout/nav-items';
import { NavLinks } from '@/components/layout/nav-links';
import { OrgSwitcher } from '@/components/layout/org-switcher';
import { TimeZoneSync } from '@/components/layout/time-zone-sync';
import { Button } from '@/components/ui/button';
import { hasPermission } from '@/lib/auth/roles';
import { requireSession } from '@/lib/auth/session';
import { getBrowserTimeZone } from '@/lib/format/viewer-time-zone';
import { signOutAction } from './actions';

export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const ctx = await requireSession();
  const browserZone = await getBrowserTimeZone();
  const nav = navItemsFor(ctx.org?.role ?? null);
  const readsLog = Boolean(ctx.org && hasPermission(ctx.org.role, 'audit:read'));
  const orgs = ctx.orgs.map((o) => ({ orgId: o.orgId, name: o.name, role: o.role }));
  const signOut = (
    <form action={signOutAction}>
      <Button variant="outline" size="sm" type="submit">
        Sign out
      </Button>
    </form>
  );
  return (
    <div className="min-h-screen">
      {/* The first Tab stop: past the header and its menus straight to the page. */}
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:fixed focus:left-4 focus:top-3 focus:z-[60] focus:rounded-md focus:bg-zinc-900 focus:px-3 focus:py-2 focus:text-sm focus:font-medium focus:text-white focus:outline-2 focus:outline-offset-2 focus:outline-sky-600 dark:focus:bg-zinc-100 dark:focus:text-zinc-900"
      >
        Skip to content
      </a>
      <TimeZoneSync serverZone={browserZone} />
      <header className="relative border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-950">
        <div className="mx-auto flex h-14 max-w-[1600px] items-center gap-6 px-4">
          <Link href="/" className="shrink-0 font-semibold tracking-tight">
            Audit log
          </Link>
          <NavLinks items={nav} className="hidden lg:flex" />
          <div className="ml-auto hidden min-w-0 items-center gap-4 lg:flex">
            <OrgSwitcher orgs={orgs} currentId={ctx.org?.orgId ?? null} />
            <span className="hidden truncate text-sm text-zinc-600 xl:inline dark:text-zinc-400" data-testid="current-user">
              {ctx.user.email}
            </span>
            {signOut}
          </div>
          <MobileMenu items={nav} className="ml-auto lg:hidden">
            <OrgSwitcher orgs={orgs} currentId={ctx.org?.orgId ?? null} id="org-switcher-menu" />
            <p className="truncate text-sm text-zinc-600 dark:text-zinc-400">Signed in as {ctx.user.email}</p>
            {signOut}
          </MobileMenu>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="mx-auto max-w-[1600px] px-4 py-6 outline-none">
        {readsLog ? null : <MemberNotice role={ctx.org?.role ?? null} orgName={ctx.org?.name ?? null} />}
        {children}
      </main>
    </div>
  );
}
