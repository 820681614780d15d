import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { Suspense } from 'react';
import { getDb } from '@/lib/boot/app-db';
import { countAuditEvents, listAuditEvents, listFacetOptions, type AuditCount } from '@/db/queries/audit-events';
import { getAuditEvent } from '@/db/queries/audit-event';
import { getChainHead } from '@/db/queries/chain-head';
import { listSavedViews } from '@/db/queries/saved-views';
import { ActiveFilters } from '@/components/audit/active-filters';
import { EventDetail, EventNotFound } from '@/components/audit/event-detail';
import { AuditTable, AuditTableSkeleton, type AuditPage } from '@/components/audit/audit-table';
import { ExportMenu } from '@/components/audit/export-menu';
import { FilterBar } from '@/components/audit/filter-bar';
import { LiveBar } from '@/components/audit/live-bar';
import { LiveTailProvider } from '@/components/audit/live-tail';
import { LiveToggle } from '@/components/audit/live-toggle';
import { QueryBox } from '@/components/audit/query-box';
import { SavedViews } from '@/components/audit/saved-views';
import { TotalCount } from '@/components/audit/total-count';
import { PendingRegion, ViewPendingProvider } from '@/components/audit/view-pending';
import { ViewToolbar } from '@/components/audit/view-toolbar';
import { Alert } from '@/components/ui/alert';
import { hasPermission } from '@/lib/auth/roles';
import { requirePermission } from '@/lib/auth/session';
import { describeFilters, describeSort } from '@/lib/view/describe-filters';
import { resolveQueryFilters } from '@/lib/view/query-filters';
import { actorTrail, recordTrail } from '@/lib/view/related-views';
import { DEFAULT_SORT, hrefWith, serializeAuditSearchParams, visibleColumns } from '@/lib/view/search-params';
import { readViewState } from '@/lib/view/view-state';
import { PDF_ROW_CAP } from '@/lib/exports/limits';
import { zoneAbbreviation } from '@/lib/format/time-zone';
import { getBrowserTimeZone } from '@/lib/format/viewer-time-zone';

export const metadata: Metadata = { title: 'Events' };

/** The export menu needs the count (PDF has a row cap), which streams in after the table starts. */
async function ExportMenuCounted({ count, query }: { count: Promise<AuditCount>; query: string }) {
  return <ExportMenu query={query} count={await count} pdfCap={PDF_ROW_CAP} />;
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { org, user } = await requirePermission('audit:read');
  const zone = (await getBrowserTimeZone()) ?? org.timeZone;
  const { state, issues, hadQuery } = readViewState(await searchParams, zone);
  // A query-box search lands on the canonical structured URL (unless it has problems to show).
  if (hadQuery && issues.length === 0) redirect(`/audit${serializeAuditSearchParams(state)}`);

  const displayZone = state.tz === 'utc' ? 'UTC' : zone;
  const now = new Date();
  const filters = resolveQueryFilters(state.filters, now, zone);
  const db = await getDb();
  // Read before the page: the live tail continues from here, so nothing recorded while the page loads is missed.
  const liveSince = (await getChainHead(db, org.orgId))?.seq ?? 0;
  const page: Promise<AuditPage> = listAuditEvents(db, {
    orgId: org.orgId,
    filters,
    sort: state.sort,
    limit: state.size,
    after: state.after,
    before: state.before,
    withSnapshots: visibleColumns(state).includes('data'),
  });
  const count = countAuditEvents(db, org.orgId, filters);
  const [options, views] = await Promise.all([listFacetOptions(db, org.orgId), listSavedViews(db, org.orgId, user.id)]);
  // "Copy link" pins the window: a colleague opening it later sees exactly these rows, not a newer 24 hours.
  const pinnedHref = `/audit${serializeAuditSearchParams({ ...state, filters: { ...state.filters, range: { from: filters.from, to: filters.to ?? now } } })}`;
  const summary = describeFilters(state.filters, zone);
  const detail = state.event ? await getAuditEvent(db, org.orgId, state.event) : null;
  // The record's whole history and the actor's whole trail: all time, nothing else filtered.
  const recordFilters = detail ? recordTrail(detail) : null;
  const recordHref = recordFilters ? hrefWith(state, { filters: recordFilters }) : null;
  const actorHref = detail ? hrefWith(state, { filters: actorTrail(detail) }) : null;
  const closeHref = hrefWith(state, { after: state.after, before: state.before });
  // The live tail follows the view's filters on its first newest-first page.
  const newestFirst = hrefWith(state, { sort: DEFAULT_SORT });
  const liveEligible = state.sort.column === DEFAULT_SORT.column && state.sort.dir === DEFAULT_SORT.dir && !state.after && !state.before;

  return (
    <ViewPendingProvider>
      <LiveTailProvider
        query={hrefWith({ ...state, cols: null, tz: 'local' }, { sort: DEFAULT_SORT }, '')}
        since={liveSince}
        eligible={liveEligible}
        liveHref={newestFirst}
      >
        <div className="space-y-4">
          <div className="flex flex-wrap items-end justify-between gap-2">
            <div>
              <h1 className="text-2xl font-semibold tracking-tight">Audit log</h1>
              <p className="text-sm text-zinc-600 dark:text-zinc-400">
                {org.name} · {describeSort(state.sort).toLowerCase()} · times in {displayZone}
              </p>
            </div>
            <PendingRegion>
              <Suspense fallback={<span className="text-sm text-zinc-600 dark:text-zinc-400">Counting…</span>}>
                <TotalCount count={count} />
              </Suspense>
            </PendingRegion>
          </div>
          <div className="flex flex-wrap items-start gap-2">
            <QueryBox state={state} />
            {/* On a phone the view tools are one row that scrolls sideways, so the events start near the top. */}
            <div className="flex max-w-full items-center gap-2 max-md:overflow-x-auto max-md:px-0.5 max-md:py-1">
              <LiveToggle />
              <SavedViews
                views={views}
                currentQuery={serializeAuditSearchParams(state)}
                canSave={hasPermission(org.role, 'views:save')}
                canManageShared={hasPermission(org.role, 'views:manage')}
              />
              <ViewToolbar state={state} pinnedHref={pinnedHref} />
              <Suspense fallback={null}>
                <ExportMenuCounted count={count} query={serializeAuditSearchParams(state)} />
              </Suspense>
            </div>
          </div>
          <FilterBar state={state} options={options} />
          <ActiveFilters state={state} />
          {issues.length > 0 ? (
            <Alert tone="warning" data-testid="param-issues">
              <p className="font-medium">Some parts of this link could not be used and were ignored:</p>
              <ul className="mt-1 list-disc pl-5">
                {issues.map((i, n) => (
                  <li key={n}>{i.message}</li>
                ))}
              </ul>
            </Alert>
          ) : null}
          <LiveBar />
          {/* Opening or closing the detail keeps the rows (and the focus on the one that opened it). */}
          <Suspense key={serializeAuditSearchParams({ ...state, event: null })} fallback={<AuditTableSkeleton />}>
            <AuditTable page={page} state={state} timeZone={displayZone} zoneLabel={zoneAbbreviation(now, displayZone)} emptyLines={summary} />
          </Suspense>
          {state.event ? (
            detail ? (
              <EventDetail event={detail} closeHref={closeHref} recordHref={recordHref} actorHref={actorHref} timeZone={displayZone} />
            ) : (
              <EventNotFound closeHref={closeHref} />
            )
          ) : null}
        </div>
      </LiveTailProvider>
    </ViewPendingProvider>
  );
}
