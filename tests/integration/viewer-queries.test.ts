import { sql, type SQL } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { countAuditEvents, listAuditEvents, listFacetOptions } from '@/db/queries/audit-events';
import { resolveQueryFilters } from '@/lib/view/query-filters';
import { rowsOf } from '@/db/rows';
import { ensureDemoTenants, generateDemoEvents } from '@/lib/seed/demo';
import { recordAuditEvent } from '@/lib/recording/record';
import type { Cursor } from '@/lib/view/cursor';
import { parseQuery } from '@/lib/view/query-language';
import { actorTrail } from '@/lib/view/related-views';
import { readViewState } from '@/lib/view/view-state';
import { defaultFilters, SORT_COLUMNS, type Sort } from '@/lib/view/search-params';
import type { AuditFilters } from '@/lib/view/filters';
import { describeEachDatabase } from './databases';
import { createOrg } from './fixtures';

const NOW = new Date('2026-11-21T12:00:00Z');

type Case = { name: string; filters: Partial<AuditFilters>; sql: SQL };

describeEachDatabase('viewer queries agree with independent SQL', (ctx) => {
  let orgId = '';
  let otherOrg = '';
  beforeAll(async () => {
    const { orgIds, userIds } = await ensureDemoTenants(ctx.db);
    orgId = orgIds.acme!;
    otherOrg = orgIds.globex!;
    await generateDemoEvents(ctx.db, { orgId, slug: 'acme', userIds, count: 1500, now: NOW.getTime(), seed: 7 });
    await generateDemoEvents(ctx.db, { orgId: otherOrg, slug: 'globex', userIds, count: 300, now: NOW.getTime(), seed: 8 });
  });

  const count = async (where: SQL) =>
    rowsOf<{ n: number }>(await ctx.db.execute(sql`select count(*)::int as n from audit_events where org_id = ${orgId} and ${where}`))[0]!.n;
  const day = 86_400_000;
  const cases: Case[] = [
    { name: 'default 24 hours', filters: {}, sql: sql`occurred_at >= ${new Date(NOW.getTime() - day).toISOString()}::timestamptz` },
    {
      name: '7 days, action update',
      filters: { range: { preset: '7d' }, include: { ...defaultFilters().include, action: ['update'] } },
      sql: sql`occurred_at >= ${new Date(NOW.getTime() - 7 * day).toISOString()}::timestamptz and action = 'update'`,
    },
    {
      name: '30 days, delete or create, not failure',
      filters: {
        range: { preset: '30d' },
        include: { ...defaultFilters().include, action: ['delete', 'create'] },
        exclude: { ...defaultFilters().exclude, result: ['failure'] },
      },
      sql: sql`occurred_at >= ${new Date(NOW.getTime() - 30 * day).toISOString()}::timestamptz and action in ('delete','create') and result <> 'failure'`,
    },
    {
      name: 'custom range, actor and type',
      filters: {
        range: { from: new Date('2026-10-01T00:00:00Z'), to: new Date('2026-11-01T00:00:00Z') },
        include: { ...defaultFilters().include, actor: ['bob@acme.test'], type: ['flow', 'connector'] },
      },
      sql: sql`occurred_at >= '2026-10-01T00:00:00Z' and occurred_at < '2026-11-01T00:00:00Z' and actor_label = 'bob@acme.test' and object_type in ('flow','connector')`,
    },
    { name: 'all time, IPv4 CIDR', filters: { range: { from: null, to: null }, ip: '203.0.113.0/24' }, sql: sql`ip <<= '203.0.113.0/24'` },
    { name: 'all time, IPv6 CIDR', filters: { range: { from: null, to: null }, ip: '2001:db8::/32' }, sql: sql`ip <<= '2001:db8::/32'` },
    {
      name: 'all time, changed field (parent matches child)',
      filters: { range: { from: null, to: null }, fields: ['limits'] },
      sql: sql`exists (select 1 from jsonb_array_elements(changes) c where c->>'path' like 'limits.%' or c->>'path' = 'limits')`,
    },
    {
      name: 'all time, free text',
      filters: { range: { from: null, to: null }, text: ['invoice'] },
      sql: sql`(message ilike '%invoice%' or actor_label ilike '%invoice%' or coalesce(object_label,'') ilike '%invoice%' or coalesce(object_id,'') ilike '%invoice%' or metadata::text ilike '%invoice%')`,
    },
    {
      name: 'all time, module and project, system source excluded',
      filters: {
        range: { from: null, to: null },
        include: { ...defaultFilters().include, module: ['Networking'], project: ['payments'] },
        exclude: { ...defaultFilters().exclude, source: ['system'] },
      },
      sql: sql`module = 'Networking' and project = 'payments' and source <> 'system'`,
    },
    {
      name: 'all time, project is not payments (NULL projects count as not)',
      filters: { range: { from: null, to: null }, exclude: { ...defaultFilters().exclude, project: ['payments'] } },
      sql: sql`(project is null or project <> 'payments')`,
    },
    {
      name: 'this week in Berlin, result failure',
      filters: { range: { preset: 'this_week' }, include: { ...defaultFilters().include, result: ['failure'] } },
      sql: sql`occurred_at >= '2026-11-15T23:00:00Z' and result = 'failure'`,
    },
    {
      name: 'query language',
      filters: {
        ...parseQuery('action:update -actor:bob@acme.test type:ingress_route field:limits.rate created:>=2026-09-01', 'Europe/Berlin').filters,
        range: { from: new Date('2026-08-31T22:00:00Z'), to: null },
      },
      sql: sql`action = 'update' and actor_label <> 'bob@acme.test' and object_type = 'ingress_route' and changed_fields @> array['limits.rate'] and occurred_at >= '2026-08-31T22:00:00Z'`,
    },
  ];

  it.each(cases)('count and every page match for: $name', async (c) => {
    const filters = resolveQueryFilters({ ...defaultFilters(), ...c.filters }, NOW, 'Europe/Berlin');
    const expected = await count(c.sql);
    expect(await countAuditEvents(ctx.db, orgId, filters)).toEqual({ count: expected, exact: true });
    const expectedIds = rowsOf<{ id: string }>(
      await ctx.db.execute(sql`select id::text from audit_events where org_id = ${orgId} and ${c.sql} order by occurred_at desc, id desc`),
    ).map((r) => r.id);
    const seen: string[] = [];
    let after: Cursor | null = null;
    for (let i = 0; i < 100; i++) {
      const page: Awaited<ReturnType<typeof listAuditEvents>> = await listAuditEvents(ctx.db, {
        orgId,
        filters,
        sort: { column: 'time', dir: 'desc' },
        limit: 200,
        after,
      });
      seen.push(...page.rows.map((r) => r.id));
      after = page.next;
      if (!after) break;
    }
    expect(seen).toEqual(expectedIds);
  });

  it('sorts by every column, both ways, and pages forward then back without gaps or repeats', async () => {
    const filters = resolveQueryFilters({ ...defaultFilters(), range: { preset: '7d' } }, NOW, 'UTC');
    const exprs: Record<Sort['column'], string> = {
      time: '',
      actor: 'lower(actor_label)',
      ip: "coalesce(ip, '0.0.0.0'::inet)",
      action: 'action',
      type: 'object_type',
      object: "coalesce(object_id, '')",
      result: 'result::text',
      source: 'source::text',
    };
    for (const column of SORT_COLUMNS) {
      for (const dir of ['asc', 'desc'] as const) {
        const order = [exprs[column], 'occurred_at', 'id']
          .filter(Boolean)
          .map((e) => `${e} ${dir}`)
          .join(', ');
        const expected = rowsOf<{ id: string }>(
          await ctx.db.execute(
            sql`select id::text from audit_events where org_id = ${orgId} and occurred_at >= ${filters.from!.toISOString()}::timestamptz order by ${sql.raw(order)}`,
          ),
        ).map((r) => r.id);
        const pages: string[][] = [];
        let after: Cursor | null = null;
        do {
          const page: Awaited<ReturnType<typeof listAuditEvents>> = await listAuditEvents(ctx.db, { orgId, filters, sort: { column, dir }, limit: 25, after });
          pages.push(page.rows.map((r) => r.id));
          after = page.next;
        } while (after);
        expect(pages.flat(), `${column} ${dir}`).toEqual(expected);
        // Back from the last page: `before` yields the same pages in reverse.
        const lastPage = await listAuditEvents(ctx.db, {
          orgId,
          filters,
          sort: { column, dir },
          limit: 25,
          after: pages.length > 1 ? await cursorBefore(column, dir, pages) : null,
        });
        expect(lastPage.rows.map((r) => r.id)).toEqual(pages[pages.length - 1]);
        let prev = lastPage.prev;
        for (let i = pages.length - 2; i >= 0 && prev; i--) {
          const page = await listAuditEvents(ctx.db, { orgId, filters, sort: { column, dir }, limit: 25, before: prev });
          expect(
            page.rows.map((r) => r.id),
            `${column} ${dir} back to page ${i}`,
          ).toEqual(pages[i]);
          prev = page.prev;
        }
        expect(prev).toBeNull();
      }
    }

    async function cursorBefore(column: Sort['column'], dir: 'asc' | 'desc', pages: string[][]) {
      let after: Cursor | null = null;
      for (let i = 0; i < pages.length - 1; i++) after = (await listAuditEvents(ctx.db, { orgId, filters, sort: { column, dir }, limit: 25, after })).next;
      return after;
    }
  });

  it('offers every value ever recorded as filter options, per organization', async () => {
    const options = await listFacetOptions(ctx.db, orgId);
    const distinct = async (col: string) =>
      rowsOf<{ v: string }>(
        await ctx.db.execute(sql`select distinct ${sql.raw(col)} as v from audit_events where org_id = ${orgId} and ${sql.raw(col)} is not null order by 1`),
      ).map((r) => r.v);
    expect(options.action).toEqual(await distinct('action'));
    expect(options.actor).toEqual(await distinct('actor_label'));
    expect(options.type).toEqual(await distinct('object_type'));
    expect(options.project).toEqual(await distinct('project'));
    expect(options.result).toEqual(['failure', 'success']);
    expect(options.actor).not.toContain('gina@globex.test');
  });

  it('treats % and _ in a search as text, not wildcards', async () => {
    const org = await createOrg(ctx.db, 'escape-org');
    for (const message of ['Raised quota to 100%', 'Renamed user_name field', 'Raised quota to 1000', 'Renamed userXname']) {
      await recordAuditEvent(ctx.db, {
        orgId: org.id,
        actor: { type: 'system', id: null, label: 'sys' },
        source: 'system',
        action: 'update',
        objectType: 'settings',
        message,
      });
    }
    const search = async (text: string) =>
      (await countAuditEvents(ctx.db, org.id, resolveQueryFilters({ ...defaultFilters(), range: { from: null, to: null }, text: [text] }, NOW, 'UTC'))).count;
    expect(await search('100%')).toBe(1);
    expect(await search('%')).toBe(1);
    expect(await search('user_name')).toBe(1);
    expect(await search('_')).toBe(1);
    // "_" is literal inside a term too ("userXname" would match a wildcard)...
    expect(await search('Renamed user_')).toBe(1);
    // ...and a term is found from the start of a word (drizzle/0017): "r_name" begins inside "user_name".
    expect(await search('r_name')).toBe(0);
    expect(await search('quota')).toBe(2);
  });

  it('filters by actor id from the URL and the query language, and excludes by it', async () => {
    const [top] = rowsOf<{ id: string }>(
      await ctx.db.execute(
        sql`select actor_id as id from audit_events where org_id = ${orgId} and actor_id is not null group by actor_id order by count(*) desc, actor_id limit 1`,
      ),
    );
    const actorId = top!.id;
    const viaUrl = readViewState(new URLSearchParams({ range: 'all', actor_id: actorId }), 'UTC');
    const viaQuery = readViewState(new URLSearchParams({ range: 'all', q: `actorid:${actorId}` }), 'UTC');
    expect([...viaUrl.issues, ...viaQuery.issues]).toEqual([]);
    expect(viaQuery.state.filters).toEqual(viaUrl.state.filters);
    const filters = resolveQueryFilters(viaUrl.state.filters, NOW, 'UTC');
    const expected = await count(sql`actor_id = ${actorId}`);
    expect(expected).toBeGreaterThan(0);
    expect(await countAuditEvents(ctx.db, orgId, filters)).toEqual({ count: expected, exact: true });
    const page = await listAuditEvents(ctx.db, { orgId, filters, sort: { column: 'time', dir: 'desc' }, limit: 200 });
    expect(page.rows.length).toBe(Math.min(expected, 200));
    expect(new Set(page.rows.map((r) => r.actorId))).toEqual(new Set([actorId]));
    // Excluding an id keeps events without one (system events): "not this user".
    const excluded = readViewState(new URLSearchParams({ range: 'all', 'not.actor_id': actorId }), 'UTC');
    expect((await countAuditEvents(ctx.db, orgId, resolveQueryFilters(excluded.state.filters, NOW, 'UTC'))).count).toBe(
      await count(sql`(actor_id is null or actor_id <> ${actorId})`),
    );
  });

  it('"All events by this user" follows the account across a changed email, and never into another organization', async () => {
    const org = await createOrg(ctx.db, 'renamed-actor-org');
    const actor = { type: 'user' as const, id: 'u_renamed' };
    await recordAuditEvent(ctx.db, {
      orgId: org.id,
      actor: { ...actor, label: 'old@acme.test' },
      source: 'web',
      action: 'update',
      objectType: 'flow',
      message: 'before',
    });
    await recordAuditEvent(ctx.db, {
      orgId: org.id,
      actor: { ...actor, label: 'new@acme.test' },
      source: 'web',
      action: 'update',
      objectType: 'flow',
      message: 'after',
    });
    await recordAuditEvent(ctx.db, {
      orgId: org.id,
      actor: { type: 'user', id: 'u_other', label: 'old@acme.test' },
      source: 'web',
      action: 'update',
      objectType: 'flow',
      message: 'someone else',
    });
    await recordAuditEvent(ctx.db, {
      orgId: otherOrg,
      actor: { ...actor, label: 'new@acme.test' },
      source: 'web',
      action: 'update',
      objectType: 'flow',
      message: 'other tenant',
    });
    const trail = resolveQueryFilters(actorTrail({ actorId: 'u_renamed', actorLabel: 'new@acme.test', objectType: 'flow', objectId: null }), NOW, 'UTC');
    const { rows } = await listAuditEvents(ctx.db, { orgId: org.id, filters: trail, sort: { column: 'time', dir: 'desc' }, limit: 50 });
    expect(rows.map((r) => r.message).sort()).toEqual(['after', 'before']);
  });
});
