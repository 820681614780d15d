import { signOutAction } from '@/app/(admin)/actions';
import { OrgSwitcher } from '@/components/layout/org-switcher';
import { Button } from '@/components/ui/button';
import { getSessionContext } from '@/lib/auth/session';

/** 403: signed in, but this role (or lack of membership) may not see the page. */
export default async function Forbidden() {
  const ctx = await getSessionContext();
  const org = ctx?.org;
  return (
    <main className="mx-auto flex min-h-[70vh] max-w-lg flex-col items-center justify-center gap-4 px-4 text-center">
      <p className="text-sm font-semibold text-red-600">403 · Not allowed</p>
      <h1 className="text-2xl font-semibold">You don&apos;t have access to the audit log</h1>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        {org
          ? `You are a ${org.role} of ${org.name}. Owners, admins and auditors can view audit events; ask an owner to change your role.`
          : 'You are not a member of any organization yet. Ask an organization owner to add you.'}
      </p>
      <div className="flex items-center gap-3">
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
