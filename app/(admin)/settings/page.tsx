import type { Metadata } from 'next';
import { getDb } from '@/lib/boot/app-db';
import { getOrganization } from '@/db/queries/tenancy';
import { PageHeader } from '@/components/admin/page-header';
import { RetentionChangeNotice } from '@/components/admin/retention-change-notice';
import { SettingsForm } from '@/components/admin/settings-form';
import { Alert } from '@/components/ui/alert';
import { hasPermission } from '@/lib/auth/roles';
import { requirePermission } from '@/lib/auth/session';
import { formatRetentionDue } from '@/lib/lifecycle/retention-policy';
import { getRetentionPolicy } from '@/lib/lifecycle/retention-settings';

export const metadata: Metadata = { title: 'Settings' };

export default async function SettingsPage() {
  const { org } = await requirePermission('audit:read');
  const row = await getOrganization(await getDb(), org.orgId);
  const canManage = hasPermission(org.role, 'settings:manage');
  const policy = getRetentionPolicy();
  const zones = Intl.supportedValuesOf('timeZone');
  if (!zones.includes('UTC')) zones.unshift('UTC');
  return (
    <div className="space-y-6">
      <PageHeader title="Organization settings" description="Each save is recorded in the audit log with the values before and after." />
      {!canManage ? <Alert tone="info">Only owners and admins can change these settings.</Alert> : null}
      {row && row.retentionPendingDays !== null && row.retentionPendingAt !== null ? (
        <RetentionChangeNotice
          from={row.retentionDays}
          to={row.retentionPendingDays}
          due={formatRetentionDue(row.retentionPendingAt)}
          canCancel={org.role === 'owner'}
        />
      ) : null}
      {row && row.retentionDays < policy.minDays ? (
        <Alert tone="warning" className="max-w-xl" data-testid="retention-below-minimum">
          This organization&apos;s retention period ({row.retentionDays} days) is below this server&apos;s minimum of {policy.minDays} days, so the retention
          job keeps {policy.minDays} days of entries.
        </Alert>
      ) : null}
      {row ? (
        <SettingsForm
          settings={{ name: row.name, timeZone: row.timeZone, retentionDays: row.retentionDays, legalHold: row.legalHold }}
          policy={policy}
          zones={zones}
          disabled={!canManage}
          canHold={org.role === 'owner'}
        />
      ) : null}
    </div>
  );
}
