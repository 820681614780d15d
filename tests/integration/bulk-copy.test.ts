import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { listAuditEvents } from '@/db/queries/audit-events';
import { createCsvCopyReader } from '@/lib/exports/csv-copy';
import { readViewState } from '@/lib/view/view-state';
import { resolveQueryFilters } from '@/lib/view/query-filters';
import { rowsOf } from './context';
import { describeOnServer } from './databases';
import { createOrg, insertEvents } from './fixtures';

const NOW = new Date('2026-11-21T12:00:00Z');
const EVENTS = 3_000;

// Server only: the failure this pins (COPY_IN_PROGRESS) is postgres.js queuing a query onto a pooled connection
// that is streaming a COPY; PGlite has one session, no pool and no COPY read path.
describeOnServer('long COPY work runs on connections of its own', (ctx) => {
  let orgId = '';
  beforeAll(async () => {
    orgId = (await createOrg(ctx.db, 'bulk-copy')).id;
    await insertEvents(ctx.db, orgId, EVENTS);
  });

  it('page queries never fail while several CSV exports stream COPY batches, and the COPYs run on the long-work pool', async () => {
    const { state } = readViewState(new URLSearchParams('from=2026-11-01T00:00:00Z'), 'UTC');
    const filters = resolveQueryFilters(state.filters, NOW, 'UTC');
    let exporting = true;
    const applications = new Set<string>();

    const exportAll = async () => {
      const reader = createCsvCopyReader(ctx.db, { orgId, filters, sort: state.sort, batchSize: 50, zone: 'UTC' });
      expect(reader).not.toBeNull();
      let rows = 0;
      for (let b = await reader!.next(); b; b = await reader!.next()) rows += b.rows;
      return rows;
    };
    const pageFailures: unknown[] = [];
    let pages = 0;
    const loadPages = async () => {
      while (exporting) {
        try {
          await listAuditEvents(ctx.db, { orgId, filters, sort: state.sort, limit: 50 });
          await ctx.db.execute(sql`select count(*) from audit_events where org_id = ${orgId}`);
          pages++;
        } catch (error) {
          pageFailures.push(error);
        }
      }
    };
    const watch = async () => {
      const admin = ctx.db;
      while (exporting) {
        const running = rowsOf<{ application_name: string }>(
          await admin.execute(
            sql`select application_name from pg_stat_activity where datname = current_database() and query ilike 'copy (%' and state = 'active'`,
          ),
        );
        for (const r of running) applications.add(r.application_name.trim());
        await new Promise((r) => setTimeout(r, 20));
      }
    };

    const pageLoops = Array.from({ length: 4 }, loadPages);
    const watcher = watch();
    const exported = await Promise.all(Array.from({ length: 6 }, exportAll)).finally(() => (exporting = false));
    await Promise.all([...pageLoops, watcher]);

    expect(exported).toEqual(Array(6).fill(EVENTS));
    expect(pageFailures).toEqual([]);
    expect(pages).toBeGreaterThan(0);
    expect([...applications]).toEqual(['audit-log bulk']);
  });
});
