import { sql } from 'drizzle-orm';
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

describeEachDatabase('sorting by user', (ctx) => {
  it('is case-insensitive and pages exactly across mixed-case ties, forward and back', async () => {
    const org = await createOrg(ctx.db, 'user-sort');
    const labels = ['System', 'alice@acme.test', 'CI deploy key', 'ALICE@acme.test', 'Alice@acme.test', 'bob@acme.test', 'system'];
    const rows: { id: string; occurredAt: Date; label: string }[] = [];
    for (const [n, label] of labels.entries()) {
      // Three events per label on two instants: ties on the lower-cased key and on the time.
      const made = await insertEvents(ctx.db, org.id, 3, { label, times: (i) => new Date(Date.UTC(2026, 10, 20, 12, 0, (n + i) % 2)) });
      rows.push(...made.map((e) => ({ id: e.id, occurredAt: e.occurredAt, label })));
    }
    const cmp = (x: (typeof rows)[number], y: (typeof rows)[number]) =>
      (x.label.toLowerCase() < y.label.toLowerCase() ? -1 : x.label.toLowerCase() > y.label.toLowerCase() ? 1 : 0) ||
      x.occurredAt.getTime() - y.occurredAt.getTime() ||
      (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
    const ascending = [...rows].sort(cmp).map((r) => r.id);
    const filters = { ...NO_FILTERS, from: null, to: null };

    for (const dir of ['asc', 'desc'] as const) {
      const expected = dir === 'asc' ? ascending : [...ascending].reverse();
      const seen: string[] = [];
      const pages: { first: Cursor | null; ids: string[] }[] = [];
      let cursor: Cursor | null = null;
      let last: Awaited<ReturnType<typeof listAuditEvents>> | null = null;
      do {
        last = await listAuditEvents(ctx.db, { orgId: org.id, filters, sort: { column: 'actor', dir }, limit: 4, after: cursor });
        seen.push(...last.rows.map((r) => r.id));
        pages.push({ first: last.prev, ids: last.rows.map((r) => r.id) });
        cursor = last.next;
      } while (cursor && pages.length < 20);
      expect(seen).toEqual(expected);
      // The cursor carries the lower-cased key.
      expect(pages.length).toBe(6);
      // Back from the last page, page by page, to the first: the same pages in reverse.
      let back = pages.at(-1)!.first;
      for (let p = pages.length - 2; p >= 0; p--) {
        const page: Awaited<ReturnType<typeof listAuditEvents>> = await listAuditEvents(ctx.db, {
          orgId: org.id,
          filters,
          sort: { column: 'actor', dir },
          limit: 4,
          before: back,
        });
        expect(page.rows.map((r) => r.id)).toEqual(pages[p]!.ids);
        back = page.prev;
      }
      expect(back).toBeNull();
    }
    const first = await listAuditEvents(ctx.db, { orgId: org.id, filters, sort: { column: 'actor', dir: 'asc' }, limit: 4 });
    expect(first.rows.map((r) => r.actorLabel.toLowerCase())).toEqual(Array(4).fill('alice@acme.test'));
    expect(first.next?.v).toBe('alice@acme.test');
    const order = [...new Set(ascending.map((id) => rows.find((r) => r.id === id)!.label.toLowerCase()))];
    expect(order).toEqual(['alice@acme.test', 'bob@acme.test', 'ci deploy key', 'system']);
  });

  it('has an index on the lower-cased user for the sort (on every closed partition, e.g. the default one)', async () => {
    const found = await ctx.db.execute(sql`select indexdef from pg_indexes where indexname = 'audit_events_default_org_actor_label_lower_idx'`);
    const list = (Array.isArray(found) ? found : (found as unknown as { rows: unknown[] }).rows) as { indexdef: string }[];
    expect(list[0]?.indexdef).toMatch(/\(org_id, lower\(actor_label\), occurred_at, id\)/);
  });
});
