import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DbHandle } from '@/db/client';
import { analyzeEmbedded } from '@/lib/boot/embedded-analyze';
import { openMigratedDatabase } from '@/lib/boot/migrate';
import { rowsOf } from '@/db/rows';
import { createOrg, insertEvents } from './fixtures';

// PGlite has no autovacuum: without this the planner never learns how many events there are.
describe('embedded database statistics', () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await openMigratedDatabase({ pgliteDir: 'memory://' });
  });
  afterAll(() => handle.close());

  it('gives the planner statistics for audit_events, which nothing else would', async () => {
    const org = await createOrg(handle.db, 'stats');
    await insertEvents(handle.db, org.id, 300);
    const statsRows = async () =>
      rowsOf<{ n: number }>(await handle.db.execute(sql`select count(*)::int as n from pg_stats where tablename like 'audit_events%'`))[0]!.n;
    expect(await statsRows()).toBe(0);
    vi.spyOn(console, 'log').mockImplementation(() => {});
    await analyzeEmbedded(handle);
    expect(await statsRows()).toBeGreaterThan(0);
    const [plan] = rowsOf<{ 'QUERY PLAN': unknown }>(await handle.db.execute(sql`explain (format json) select 1 from audit_events where org_id = ${org.id}`));
    const raw = plan!['QUERY PLAN'];
    const rows = ((typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: { 'Plan Rows': number } }[])[0]!.Plan['Plan Rows'];
    expect(rows).toBeGreaterThanOrEqual(250);
    expect(rows).toBeLessThanOrEqual(350);
  });
});
