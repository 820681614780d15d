import type { Metadata } from 'next';
import { Suspense } from 'react';
import { getDb } from '@/db';
import { countAuditEventsCapped, listAuditEvents } from '@/db/queries/audit-events';
import { AuditTable, AuditTableSkeleton, type AuditPage } from '@/components/audit/audit-table';
import { Alert } from '@/components/ui/alert';
import { requirePermission } from '@/lib/auth/session';
import { parseAuditSearchParams, serializeAuditSearchParams } from '@/lib/audit/search-params';
import { zoneAbbreviation } from '@/lib/format/time-zone';
import { getBrowserTimeZone } from '@/lib/format/viewer-time-zone';

export const metadata: Metadata = { title: 'Events' };

const COUNT_CAP = 10_000;

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { org } = await requirePermission('audit:read');
  const { state, issues } = parseAuditSearchParams(await searchParams);
  const db = await getDb();
  const timeZone = (await getBrowserTimeZone()) ?? org.timeZone;

  const page: Promise<AuditPage> = listAuditEvents(db, { orgId: org.orgId, limit: state.size, cursor: state.cursor }).then((r) => ({
    rows: r.rows,
    nextHref: r.next ? serializeAuditSearchParams({ size: state.size, cursor: r.next }) : null,
  }));
  const total = await countAuditEventsCapped(db, org.orgId, COUNT_CAP);

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Audit log</h1>
          <p className="text-sm text-zinc-500 dark:text-zinc-400">
            {org.name} · newest first · times in {timeZone}
          </p>
        </div>
        <p className="text-sm text-zinc-500 dark:text-zinc-400" data-testid="total-count">
          {total.capped ? `More than ${total.count.toLocaleString('en-US')} events` : `${total.count.toLocaleString('en-US')} events`}
        </p>
      </div>
      {issues.length > 0 ? (
        <Alert tone="warning" data-testid="param-issues">
          <p className="font-medium">Some parts of this link could not be used:</p>
          <ul className="mt-1 list-disc pl-5">
            {issues.map((i, n) => (
              <li key={n}>{i.message}</li>
            ))}
          </ul>
        </Alert>
      ) : null}
      <Suspense fallback={<AuditTableSkeleton />}>
        <AuditTable page={page} timeZone={timeZone} zoneLabel={zoneAbbreviation(new Date(), timeZone)} />
      </Suspense>
    </div>
  );
}
