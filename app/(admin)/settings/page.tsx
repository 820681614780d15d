import type { Metadata } from 'next';
import { getDb } from '@/lib/boot/app-db';
import { getOrganization } from '@/db/queries/tenancy';
import { PageHeader } from '@/components/admin/page-header';
import { SettingsForm } from '@/components/admin/settings-form';
import { Alert } from '@/components/ui/alert';
import { hasPermission } from '@/lib/auth/roles';
import { requirePermission } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'Settings' };

export default async function SettingsPage() {
  const { org } = await requirePermission('audit:read');
  const row = await getOrganization(await getDb(), org.orgId);
  const canManage = hasPermission(org.role, 'settings:manage');
  const zones = Intl.supportedValuesOf('timeZone');
  if (!zones.includes('UTC')) zones.unshift('UTC');
  return (
    <div className="space-y-6">
      <PageHeader title="Organization settings" description="Each save is recorded in the audit log with the values before and after." />
      {!canManage ? <Alert tone="info">Only owners and admins can change these settings.</Alert> : null}
      {row ? (
        <SettingsForm
          settings={{ name: row.name, timeZone: row.timeZone, retentionDays: row.retentionDays, legalHold: row.legalHold }}
          zones={zones}
          disabled={!canManage}
          canHold={org.role === 'owner'}
        />
      ) : null}
    </div>
  );
}
