import type { Metadata } from 'next';
import { getDb } from '@/lib/boot/app-db';
import { listMembers } from '@/db/queries/tenancy';
import { listPendingInvitations } from '@/db/queries/invitations';
import { InviteMemberForm } from '@/components/admin/invite-member-form';
import { PendingInvitations } from '@/components/admin/pending-invitations';
import { MemberRowActions } from '@/components/admin/member-row-actions';
import { PageHeader } from '@/components/admin/page-header';
import { STACKED, StackedCell, Table, TableBody, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { hasPermission } from '@/lib/auth/roles';
import { requirePermission } from '@/lib/auth/session';
import { formatInZone } from '@/lib/format/time-zone';
import { getBrowserTimeZone } from '@/lib/format/viewer-time-zone';

export const metadata: Metadata = { title: 'Members' };

export default async function MembersPage() {
  const { org, user } = await requirePermission('audit:read');
  const db = await getDb();
  const [members, invitations] = await Promise.all([listMembers(db, org.orgId), listPendingInvitations(db, org.orgId, new Date())]);
  const zone = (await getBrowserTimeZone()) ?? org.timeZone;
  const canManage = hasPermission(org.role, 'members:manage');
  return (
    <div className="space-y-6">
      <PageHeader title="Members" description={`People who can sign in to ${org.name}, and what they may do. Every change is recorded in the audit log.`} />
      {canManage ? <InviteMemberForm canGrantOwner={org.role === 'owner'} /> : null}
      <PendingInvitations
        canManage={canManage}
        rows={invitations.map((i) => ({ id: i.id, email: i.email, role: i.role, expires: formatInZone(i.expiresAt, zone) }))}
      />
      <Table aria-label="Members" className={STACKED.table} wrapperClassName={STACKED.wrapper}>
        <TableHeader className={STACKED.header}>
          <tr>
            <TableHead>Name</TableHead>
            <TableHead>Email</TableHead>
            <TableHead>Role</TableHead>
            <TableHead>Member since</TableHead>
            {canManage ? <TableHead>Change</TableHead> : null}
          </tr>
        </TableHeader>
        <TableBody className={STACKED.body}>
          {members.map((m) => (
            <TableRow key={m.userId} data-member={m.email} className={STACKED.row}>
              <StackedCell label="Name" className="max-md:font-medium">
                <span>
                  {m.name}
                  {m.userId === user.id ? <span className="ml-2 text-xs font-normal text-zinc-600 dark:text-zinc-400">(you)</span> : null}
                </span>
              </StackedCell>
              <StackedCell label="Email" className="font-mono text-xs break-all">
                {m.email}
              </StackedCell>
              <StackedCell label="Role" data-testid="member-role">
                {m.role}
              </StackedCell>
              <StackedCell label="Member since" className="whitespace-nowrap font-mono text-xs">
                {formatInZone(m.joinedAt, zone)}
              </StackedCell>
              {canManage ? (
                <StackedCell label="Change" className="max-md:pt-1.5">
                  <MemberRowActions userId={m.userId} email={m.email} role={m.role} />
                </StackedCell>
              ) : null}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
