import type { Metadata } from 'next';
import { getDb } from '@/lib/boot/app-db';
import { listApiKeys } from '@/db/queries/api-keys';
import { CreateApiKeyForm } from '@/components/admin/create-api-key-form';
import { PageHeader } from '@/components/admin/page-header';
import { RevokeApiKeyButton } from '@/components/admin/revoke-api-key-button';
import { STACKED, StackedCell, Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
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
      <Table aria-label="API keys" className={STACKED.table} wrapperClassName={STACKED.wrapper}>
        <TableHeader className={STACKED.header}>
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
        <TableBody className={STACKED.body}>
          {keys.length === 0 ? (
            <tr className="max-md:block">
              <TableCell colSpan={7} className="py-8 text-center text-zinc-600 max-md:block dark:text-zinc-400">
                No API keys yet.
              </TableCell>
            </tr>
          ) : (
            keys.map((k) => (
              <TableRow key={k.id} data-api-key={k.name} className={STACKED.row}>
                <StackedCell label="Name" className="max-md:font-medium">
                  {k.name}
                </StackedCell>
                <StackedCell label="Prefix" className="font-mono text-xs">
                  {k.prefix}…
                </StackedCell>
                <StackedCell label="Created by" className="text-xs break-all">
                  {k.createdBy ?? '—'}
                </StackedCell>
                <StackedCell label="Created" className="whitespace-nowrap font-mono text-xs">
                  {formatMaybe(k.createdAt, zone)}
                </StackedCell>
                <StackedCell label="Last used" className="whitespace-nowrap font-mono text-xs">
                  {formatMaybe(k.lastUsedAt, zone)}
                </StackedCell>
                <StackedCell label="Status" data-testid="api-key-status">
                  {k.revokedAt ? (
                    <span className="text-zinc-600 dark:text-zinc-400">revoked</span>
                  ) : (
                    <span className="text-emerald-700 dark:text-emerald-400">active</span>
                  )}
                </StackedCell>
                {canManage ? (
                  <TableCell className="max-md:block max-md:px-0 max-md:pt-1.5 max-md:pb-0 max-md:empty:hidden">
                    {k.revokedAt ? null : <RevokeApiKeyButton keyId={k.id} name={k.name} />}
                  </TableCell>
                ) : null}
              </TableRow>
            ))
          )}
        </TableBody>
      </Table>
    </div>
  );
}
