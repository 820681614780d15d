import { redirect } from 'next/navigation';
import { homePathFor } from '@/components/layout/nav-items';
import { requireSession } from '@/lib/auth/session';

/** The landing page after sign-in: the audit log, or for a member (who may not read it) their own account. */
export default async function Home() {
  const ctx = await requireSession();
  redirect(homePathFor(ctx.org?.role ?? null));
}
