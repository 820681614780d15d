import { expect, it } from 'vitest';
import { listAuditEvents, NO_FILTERS } from '@/db/queries/audit-events';
import { DEFAULT_SORT } from '@/lib/view/search-params';
import type { Cursor } from '@/lib/view/cursor';
import { describeEachDatabase } from './databases';
import { createOrg, insertEvents } from './fixtures';

describeEachDatabase('keyset paging', (ctx) => {
  it('walks every event exactly once, newest first, even when many share a timestamp', async () => {
    const org = await createOrg(ctx.db, 'paging');
    // 53 events on only 4 distinct instants: ties everywhere, broken by event id.
    const rows = await insertEvents(ctx.db, org.id, 53, { times: (i) => new Date(Date.UTC(2026, 10, 20, 12, 0, i % 4)) });
    const expected = [...rows].sort((x, y) => y.occurredAt.getTime() - x.occurredAt.getTime() || (y.id > x.id ? 1 : y.id < x.id ? -1 : 0)).map((r) => r.id);

    const seen: string[] = [];
    let cursor: Cursor | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof listAuditEvents>> = await listAuditEvents(ctx.db, {
        orgId: org.id,
        filters: { ...NO_FILTERS, from: null, to: null },
        sort: DEFAULT_SORT,
        limit: 7,
        after: cursor,
      });
      seen.push(...page.rows.map((r) => r.id));
      cursor = page.next;
      pages++;
    } while (cursor && pages < 50);

    expect(pages).toBe(8);
    expect(seen).toEqual(expected);
  });
});
