import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/lib/boot/app-db';
import { AcceptInvitationForm, CreateAccountForm } from '@/components/auth/accept-invitation-form';
import { getSessionContext } from '@/lib/auth/session';
import { findInvitation } from '@/lib/operations/accept-invitation';

export const metadata: Metadata = { title: 'Invitation' };

export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const [invitation, session] = await Promise.all([findInvitation(await getDb(), token), getSessionContext()]);
  return (
    <main className="flex min-h-screen items-center justify-center bg-zinc-50 px-4 dark:bg-zinc-950">
      <div className="w-full max-w-sm space-y-6 rounded-xl border border-zinc-200 bg-white p-8 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
        {!invitation ? (
          <div className="space-y-2">
            <h1 className="text-xl font-semibold">Invitation not valid</h1>
            <p className="text-sm text-zinc-600 dark:text-zinc-300">
              This link was used, revoked or has expired. Ask the person who invited you for a new one.
            </p>
          </div>
        ) : (
          <>
            <div className="space-y-1">
              <h1 className="text-xl font-semibold">Join {invitation.orgName}</h1>
              <p className="text-sm text-zinc-600 dark:text-zinc-300">
                <span className="font-mono text-xs">{invitation.email}</span> is invited as <strong>{invitation.role}</strong>.
              </p>
            </div>
            {session ? (
              <AcceptInvitationForm token={token} signedInAs={session.user.email} invitedEmail={invitation.email} />
            ) : (
              <>
                <CreateAccountForm token={token} />
                <p className="text-sm text-zinc-600 dark:text-zinc-300">
                  Already have an account for {invitation.email}?{' '}
                  <Link className="underline" href={`/login?callbackUrl=${encodeURIComponent(`/invite/${token}`)}`}>
                    Sign in to accept
                  </Link>
                  .
                </p>
              </>
            )}
          </>
        )}
      </div>
    </main>
  );
}
