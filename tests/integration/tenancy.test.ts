import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { countAuditEvents, listAuditEvents, NO_FILTERS } from '@/db/queries/audit-events';
import { DEFAULT_SORT } from '@/lib/view/search-params';
import { listMembershipsForUser } from '@/db/queries/tenancy';
import { describeEachDatabase } from './databases';
import { addMember, createOrg, createUser, insertEvents } from './fixtures';

const all = { ...NO_FILTERS, from: null, to: null };
const sort = DEFAULT_SORT;

describeEachDatabase('tenancy: every read is scoped by organization', (ctx) => {
  it('lists, pages and counts only the given organization’s events', async () => {
    const a = await createOrg(ctx.db, 'tenant-a');
    const b = await createOrg(ctx.db, 'tenant-b');
    await insertEvents(ctx.db, a.id, 30, { label: 'a@example.com' });
    await insertEvents(ctx.db, b.id, 12, { label: 'b@example.com' });

    const pageA = await listAuditEvents(ctx.db, { orgId: a.id, filters: all, sort, limit: 100 });
    expect(pageA.rows).toHaveLength(30);
    expect(new Set(pageA.rows.map((r) => r.actorLabel))).toEqual(new Set(['a@example.com']));
    expect(await countAuditEvents(ctx.db, b.id, all)).toEqual({ count: 12, exact: true });

    // A cursor taken from org A's page does not open a window into org B.
    const firstA = await listAuditEvents(ctx.db, { orgId: a.id, filters: all, sort, limit: 5 });
    const viaForeignCursor = await listAuditEvents(ctx.db, { orgId: b.id, filters: all, sort, limit: 100, after: firstA.next });
    expect(viaForeignCursor.rows.every((r) => r.actorLabel === 'b@example.com')).toBe(true);

    const independent = await ctx.db.execute(sql`select count(*)::int as n from audit_events where org_id = ${b.id}`);
    const n = Array.isArray(independent) ? independent[0]!.n : (independent as unknown as { rows: { n: number }[] }).rows[0]!.n;
    expect((await countAuditEvents(ctx.db, b.id, all)).count).toBe(n);
  });

  it('counts exactly while small and reports an estimate, flagged as such, beyond the cap', async () => {
    const c = await createOrg(ctx.db, 'tenant-c');
    await insertEvents(ctx.db, c.id, 25);
    const estimate = await countAuditEvents(ctx.db, c.id, all, 10);
    expect(estimate.exact).toBe(false);
    expect(estimate.count).toBeGreaterThan(10);
    expect(await countAuditEvents(ctx.db, c.id, all, 25)).toEqual({ count: 25, exact: true });
  });

  it('lists a user’s organizations from memberships only', async () => {
    const x = await createOrg(ctx.db, 'tenant-x');
    const y = await createOrg(ctx.db, 'tenant-y');
    await createOrg(ctx.db, 'tenant-z');
    const user = await createUser(ctx.db, 'multi@example.com');
    await addMember(ctx.db, x.id, user.id, 'admin');
    await addMember(ctx.db, y.id, user.id, 'member');
    const orgs = await listMembershipsForUser(ctx.db, user.id);
    expect(orgs.map((o) => [o.slug, o.role])).toEqual([
      ['tenant-x', 'admin'],
      ['tenant-y', 'member'],
    ]);
  });
});
