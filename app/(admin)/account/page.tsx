import type { Metadata } from 'next';
import { ChangePasswordForm } from '@/components/admin/change-password-form';
import { PageHeader } from '@/components/admin/page-header';
import { SessionList } from '@/components/admin/session-list';
import { SignOutEverywhereButton } from '@/components/admin/sign-out-everywhere-button';
import { getDb } from '@/lib/boot/app-db';
import { requireSession } from '@/lib/auth/session';
import { listLiveSessions } from '@/lib/auth/user-sessions';
import { getBrowserTimeZone } from '@/lib/format/viewer-time-zone';

export const metadata: Metadata = { title: 'Your account' };

export default async function AccountPage() {
  const { user, org, sessionId } = await requireSession();
  const sessions = await listLiveSessions(await getDb(), user.id);
  const zone = (await getBrowserTimeZone()) ?? org?.timeZone ?? 'UTC';
  return (
    <div className="space-y-8">
      <PageHeader
        title="Your account"
        description={`Signed in as ${user.email}. Password changes and sign-outs are recorded in the audit log of each of your organizations.`}
      />
      <section className="space-y-3" aria-labelledby="password-heading">
        <h2 id="password-heading" className="text-base font-semibold">
          Password
        </h2>
        <p className="text-sm text-zinc-500 dark:text-zinc-400">Changing it signs out every other browser; this one stays signed in.</p>
        <ChangePasswordForm />
      </section>
      <section className="space-y-3" aria-labelledby="sessions-heading">
        <h2 id="sessions-heading" className="text-base font-semibold">
          Where you are signed in
        </h2>
        <SessionList sessions={sessions} currentId={sessionId} zone={zone} />
        <SignOutEverywhereButton />
      </section>
    </div>
  );
}
