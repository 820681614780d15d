import { Alert } from '@/components/ui/alert';
import { hasPermission } from '@/lib/auth/roles';
import type { SessionContext } from '@/lib/auth/session';

/** For someone who may not read the audit log (a member, or no organization yet): why they only see their account. */
export function MemberNotice({ ctx }: { ctx: SessionContext }) {
  const org = ctx.org;
  if (org && hasPermission(org.role, 'audit:read')) return null;
  return (
    <Alert tone="info" className="mb-6" data-testid="member-notice">
      <p className="font-medium">{org ? `You are a ${org.role} of ${org.name}.` : 'You are not a member of any organization yet.'}</p>
      <p className="mt-1">
        The audit log is for owners, admins and auditors.{' '}
        {org ? 'Here you can manage your own account; ask an owner if you need to see the log.' : 'Ask an organization owner to add you.'}
      </p>
    </Alert>
  );
}
