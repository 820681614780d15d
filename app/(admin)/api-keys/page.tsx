import type { Metadata } from 'next';
import { getDb } from '@/lib/boot/app-db';
import { listApiKeys } from '@/db/queries/api-keys';
import { CreateApiKeyForm } from '@/components/admin/create-api-key-form';
import { PageHeader } from '@/components/admin/page-header';
import { RevokeApiKeyButton } from '@/components/admin/revoke-api-key-button';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { hasPermission } from '@/lib/auth/roles';
import { requirePermission } from '@/lib/auth/session';
import { formatMaybe } from '@/lib/format/dates';
import { getBrowserTimeZone } from '@/lib/format/viewer-time-zone';

export const metadata: Metadata = { title: 'API keys' };

export default async function ApiKeysPage() {
  const { org } = await requirePermission('audit:read');
  const keys = await listApiKeys(await getDb(), org.orgId);
  const zone = (await getBrowserTimeZone()) ?? org.timeZone;
  const canManage = hasPermission(org.role, 'apikeys:manage');
  return (
    <div className="space-y-6">
      <PageHeader title="API keys" description={`Keys let other systems send events to ${org.name}'s audit log (POST /api/v1/events) and read it.`} />
      {canManage ? <CreateApiKeyForm /> : null}
      <Table aria-label="API keys">
        <TableHeader>
          <tr>
            <TableHead>Name</TableHead>
            <TableHead>Prefix</TableHead>
            <TableHead>Created by</TableHead>
            <TableHead>Created</TableHead>
            <TableHead>Last used</TableHead>
            <TableHead>Status</TableHead>
            {canManage ? (
              <TableHead>
                <span className="sr-only">Actions</span>
              </TableHead>
            ) : null}
          </tr>
        </TableHeader>
        <TableBody>
          {keys.length === 0 ? (
            <tr>
              <TableCell colSpan={7} className="py-8 text-center text-zinc-600 dark:text-zinc-400">
                No API keys yet.
              </TableCell>
            </tr>
          ) : (
            keys.map((k) => (
              <TableRow key={k.id} data-api-key={k.name}>
                <TableCell>{k.name}</TableCell>
                <TableCell className="font-mono text-xs">{k.prefix}…</TableCell>
                <TableCell className="text-xs">{k.createdBy ?? '—'}</TableCell>
                <TableCell className="whitespace-nowrap font-mono text-xs">{formatMaybe(k.createdAt, zone)}</TableCell>
                <TableCell className="whitespace-nowrap font-mono text-xs">{formatMaybe(k.lastUsedAt, zone)}</TableCell>
                <TableCell data-testid="api-key-status">
                  {k.revokedAt ? (
                    <span className="text-zinc-600 dark:text-zinc-400">revoked</span>
                  ) : (
                    <span className="text-emerald-700 dark:text-emerald-400">active</span>
                  )}
                </TableCell>
                {canManage ? <TableCell>{k.revokedAt ? null : <RevokeApiKeyButton keyId={k.id} name={k.name} />}</TableCell> : null}
              </TableRow>
            ))
          )}
        </TableBody>
      </Table>
    </div>
  );
}
