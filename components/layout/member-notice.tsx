'use client';

import { usePathname } from 'next/navigation';
import { Alert } from '@/components/ui/alert';

/**
 * On the account page (where "/" lands someone who may not read the audit log): why it is the only page.
 * Not on a 403, which the forbidden page explains itself.
 */
export function MemberNotice({ role, orgName }: { role: string | null; orgName: string | null }) {
  const pathname = usePathname();
  if (pathname !== '/account') return null;
  return (
    <Alert tone="info" className="mb-6" data-testid="member-notice">
      <p className="font-medium">{orgName ? `You are a ${role} of ${orgName}.` : 'You are not a member of any organization yet.'}</p>
      <p className="mt-1">
        The audit log is for owners, admins and auditors.{' '}
        {orgName ? 'Here you can manage your own account; ask an owner if you need to see the log.' : 'Ask an organization owner to add you.'}
      </p>
    </Alert>
  );
}
