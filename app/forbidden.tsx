import Link from 'next/link';
import { signOutAction } from '@/app/(admin)/actions';
import { homePathFor } from '@/components/layout/nav-items';
import { OrgSwitcher } from '@/components/layout/org-switcher';
import { Button } from '@/components/ui/button';
import { hasPermission } from '@/lib/auth/roles';
import { getSessionContext } from '@/lib/auth/session';

/** 403: signed in, but this role (or lack of membership) may not see the page. Offers the page they can use. */
export default async function Forbidden() {
  const ctx = await getSessionContext();
  const org = ctx?.org;
  const readsLog = Boolean(org && hasPermission(org.role, 'audit:read'));
  const home = homePathFor(org?.role ?? null);
  return (
    <main className="mx-auto flex min-h-[70vh] max-w-lg flex-col items-center justify-center gap-4 px-4 text-center">
      <p className="text-sm font-semibold text-red-700 dark:text-red-400">403 · Not allowed</p>
      <h1 className="text-2xl font-semibold">{readsLog ? 'This page is for owners and admins' : "You don't have access to the audit log"}</h1>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        {org
          ? readsLog
            ? `You are an ${org.role} of ${org.name}: you can read the audit log, but this page needs an owner or admin.`
            : `You are a ${org.role} of ${org.name}. Owners, admins and auditors can view audit events; ask an owner to change your role.`
          : 'You are not a member of any organization yet. Ask an organization owner to add you.'}
      </p>
      <div className="flex flex-wrap items-center justify-center gap-3">
        {ctx ? (
          <Button size="sm" asChild>
            <Link href={home}>{home === '/audit' ? 'Go to the audit log' : 'Go to your account'}</Link>
          </Button>
        ) : null}
        {ctx && ctx.orgs.length > 1 ? <OrgSwitcher orgs={ctx.orgs} currentId={org?.orgId ?? null} /> : null}
        {ctx ? (
          <form action={signOutAction}>
            <Button variant="outline" size="sm" type="submit">
              Sign out
            </Button>
          </form>
        ) : null}
      </div>
    </main>
  );
}
