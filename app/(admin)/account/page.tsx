import type { Metadata } from 'next';
import { ChangePasswordForm } from '@/components/admin/change-password-form';
import { PageHeader } from '@/components/admin/page-header';
import { requireSession } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'Your account' };

export default async function AccountPage() {
  const { user } = await requireSession();
  return (
    <div className="space-y-6">
      <PageHeader
        title="Your account"
        description={`Signed in as ${user.email}. Password changes are recorded in the audit log of each of your organizations.`}
      />
      <ChangePasswordForm />
    </div>
  );
}
