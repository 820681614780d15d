import Link from 'next/link';
import { homePathFor } from '@/components/layout/nav-items';
import { Button } from '@/components/ui/button';
import { hasPermission } from '@/lib/auth/roles';
import { getSessionContext } from '@/lib/auth/session';

/**
 * 403: signed in, but this role (or lack of membership) may not see the page. Rendered inside the admin
 * layout, whose header already has the organization switcher and sign-out; this offers the page they can use.
 */
export default async function Forbidden() {
  const ctx = await getSessionContext();
  const org = ctx?.org;
  const readsLog = Boolean(org && hasPermission(org.role, 'audit:read'));
  const home = homePathFor(org?.role ?? null);
  return (
    <div className="mx-auto flex min-h-[60vh] max-w-lg flex-col items-center justify-center gap-4 px-4 text-center">
      <p className="text-sm font-semibold text-red-700 dark:text-red-400">403 · Not allowed</p>
      <h1 className="text-2xl font-semibold text-balance">{readsLog ? 'This page is for owners and admins' : "You don't have access to the audit log"}</h1>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        {org
          ? readsLog
            ? `You are an ${org.role} of ${org.name}: you can read the audit log, but this page needs an owner or admin.`
            : `You are a ${org.role} of ${org.name}. Owners, admins and auditors can view audit events; ask an owner to change your role.`
          : 'You are not a member of any organization yet. Ask an organization owner to add you.'}
      </p>
      {ctx ? (
        <Button size="sm" asChild>
          <Link href={home}>{home === '/audit' ? 'Go to the audit log' : 'Go to your account'}</Link>
        </Button>
      ) : null}
    </div>
  );
}
