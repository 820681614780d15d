import { and, eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { apiKeys, auditEvents, memberships, organizations, users } from '@/db/schema';
import { rowsOf } from '@/db/rows';
import { DEMO_PASSWORD, seedDemoIfEmpty } from '@/lib/seed/demo';
import { verifyCredentials } from '@/lib/auth/credentials';
import { describeEachDatabase } from './databases';

describeEachDatabase('demo seed and sign-in credentials', (ctx) => {
  const now = Date.UTC(2026, 10, 21, 12, 0, 0);

  it('seeds once on first start and never again', async () => {
    expect(await seedDemoIfEmpty(ctx.db, { events: 1500, now })).toBe(true);
    const count = async () => (await ctx.db.select({ n: sql<number>`count(*)::int` }).from(auditEvents))[0]!.n;
    const first = await count();
    expect(first).toBe(1500 + 200); // acme + globex's minimum share
    expect(await seedDemoIfEmpty(ctx.db, { events: 1500, now })).toBe(false);
    expect(await count()).toBe(first);
  });

  it('produces a realistic 90-day history with successes, failures and before/after snapshots', async () => {
    const [acme] = await ctx.db.select().from(organizations).where(eq(organizations.slug, 'acme'));
    const stats = await ctx.db
      .select({
        oldest: sql<string>`min(occurred_at)::text`,
        newest: sql<string>`max(occurred_at)::text`,
        failures: sql<number>`count(*) filter (where result = 'failure')::int`,
        updatesWithDiff: sql<number>`count(*) filter (where action = 'update' and before is not null and after is not null and cardinality(changed_fields) > 0)::int`,
        actions: sql<string[]>`array_agg(distinct action)`,
        types: sql<string[]>`array_agg(distinct object_type)`,
        actorTypes: sql<string[]>`array_agg(distinct actor_type::text)`,
      })
      .from(auditEvents)
      .where(eq(auditEvents.orgId, acme!.id));
    const s = stats[0]!;
    const days = (now - new Date(s.oldest).getTime()) / 86_400_000;
    expect(days).toBeGreaterThan(85);
    expect(days).toBeLessThanOrEqual(90);
    expect(new Date(s.newest).getTime()).toBeLessThanOrEqual(now);
    expect(s.failures).toBeGreaterThan(20);
    expect(s.updatesWithDiff).toBeGreaterThan(200);
    expect(s.actions).toEqual(
      expect.arrayContaining(['create', 'update', 'delete', 'login', 'login_failed', 'logout', 'publish', 'generate', 'send', 'export']),
    );
    expect(s.types).toEqual(
      expect.arrayContaining([
        'account',
        'ingress_route',
        'flow',
        'integration_template',
        'connector',
        'api_key',
        'security_group',
        'end_user',
        'member',
        'settings',
      ]),
    );
    expect([...s.actorTypes].sort()).toEqual(['api_key', 'system', 'user']);
  });

  it('stores argon2id hashes, never passwords, and signs in only with the right password', async () => {
    const all = await ctx.db.select().from(users);
    expect(all.length).toBeGreaterThanOrEqual(5);
    for (const u of all) {
      expect(u.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      expect(u.passwordHash).not.toContain(DEMO_PASSWORD);
    }
    expect(await verifyCredentials(ctx.db, { email: 'Alice@Acme.test ', password: DEMO_PASSWORD })).toMatchObject({ email: 'alice@acme.test' });
    expect(await verifyCredentials(ctx.db, { email: 'alice@acme.test', password: 'wrong' })).toBeNull();
    expect(await verifyCredentials(ctx.db, { email: 'nobody@acme.test', password: DEMO_PASSWORD })).toBeNull();
    expect(await verifyCredentials(ctx.db, { email: 'not an email', password: DEMO_PASSWORD })).toBeNull();
    expect(await verifyCredentials(ctx.db, { email: 'alice@acme.test' })).toBeNull();
  });

  it('gives the demo organizations the documented roles', async () => {
    const rows = await ctx.db.execute(sql`
      select u.email, o.slug, m.role::text as role from memberships m
      join users u on u.id = m.user_id join organizations o on o.id = m.org_id order by 1, 2`);
    const list = (Array.isArray(rows) ? rows : (rows as unknown as { rows: unknown[] }).rows) as { email: string; slug: string; role: string }[];
    expect(list.map((r) => `${r.email}:${r.slug}:${r.role}`)).toEqual([
      'alice@acme.test:acme:owner',
      'alice@acme.test:globex:auditor',
      'bob@acme.test:acme:admin',
      'carol@acme.test:acme:auditor',
      'dave@acme.test:acme:member',
      'gina@globex.test:globex:owner',
    ]);
    const [globexEvents] = await ctx.db
      .select({ n: sql<number>`count(*)::int` })
      .from(auditEvents)
      .innerJoin(organizations, and(eq(organizations.id, auditEvents.orgId), eq(organizations.slug, 'globex')));
    expect(globexEvents!.n).toBe(200);
  });

  it('tells one consistent story: the keys, members and join dates the log speaks of are in the tables', async () => {
    for (const slug of ['acme', 'globex']) {
      const [org] = await ctx.db.select().from(organizations).where(eq(organizations.slug, slug));
      const orgId = org!.id;
      const q = async <T>(query: ReturnType<typeof sql>) => rowsOf<T>(await ctx.db.execute(query));

      // Every key that acts in the log is on the API keys page, under its name, with the id the log gives it.
      const keys = await ctx.db.select().from(apiKeys).where(eq(apiKeys.orgId, orgId));
      const keyActors = await q<{ id: string; label: string; first: string; last: string }>(
        sql`select actor_id as id, actor_label as label, min(occurred_at)::text as first, max(occurred_at)::text as last
            from audit_events where org_id = ${orgId} and actor_type = 'api_key' group by 1, 2`,
      );
      expect(keyActors.map((k) => k.label).sort(), slug).toEqual(['CI deploy key', 'Terraform key']);
      for (const actor of keyActors) {
        const key = keys.find((k) => k.id === actor.id);
        expect(key?.name, `${slug}: ${actor.label}`).toBe(actor.label);
        // Created before its first use, last used at its newest entry, never used after a revocation.
        expect(key!.createdAt.getTime()).toBeLessThanOrEqual(new Date(actor.first).getTime());
        expect(key!.lastUsedAt?.getTime()).toBe(new Date(actor.last).getTime());
        if (key!.revokedAt) expect(new Date(actor.last).getTime()).toBeLessThan(key!.revokedAt.getTime());
      }
      // Each key's creation (and revocation) is in the log, by a member.
      for (const key of keys) {
        const made = await q<{ action: string; actor_label: string }>(
          sql`select action, actor_label from audit_events where org_id = ${orgId} and object_type = 'api_key' and object_id = ${key.id} order by occurred_at`,
        );
        expect(made.map((m) => m.action)).toEqual(key.revokedAt ? ['generate', 'delete'] : ['generate']);
      }

      // Every person acting in the log is a member, or was removed in the log and acts no more after it.
      const people = await q<{ label: string; first: string; last: string }>(
        sql`select actor_label as label, min(occurred_at)::text as first, max(occurred_at)::text as last
            from audit_events where org_id = ${orgId} and actor_type = 'user' group by 1`,
      );
      const members = await q<{ email: string; joined: string }>(
        sql`select u.email, m.created_at::text as joined from memberships m join users u on u.id = m.user_id where m.org_id = ${orgId}`,
      );
      expect(people.length).toBeGreaterThan(1);
      for (const person of people) {
        const member = members.find((m) => m.email === person.label);
        if (member) {
          // They joined (the membership's date) before they first appear, and that join is in the log.
          expect(new Date(member.joined).getTime(), person.label).toBeLessThanOrEqual(new Date(person.first).getTime());
          continue;
        }
        const [removal] = await q<{ at: string }>(
          sql`select occurred_at::text as at from audit_events where org_id = ${orgId} and object_type = 'member' and action = 'delete' and object_label = ${person.label}`,
        );
        expect(removal, `${slug}: ${person.label} acts but is neither a member nor removed`).toBeDefined();
        expect(new Date(person.last).getTime()).toBeLessThanOrEqual(new Date(removal!.at).getTime());
      }
      // Members joined on different days over the history (not all "today"), each join recorded except the founder's.
      const joinDays = new Set(members.map((m) => m.joined.slice(0, 10)));
      expect(joinDays.size).toBe(members.length);
      const joins = await q<{ object_label: string; occurred_at: string }>(
        sql`select object_label, occurred_at::text from audit_events where org_id = ${orgId} and object_type = 'member' and action = 'create'`,
      );
      for (const m of members) {
        const join = joins.find((j) => j.object_label === m.email);
        if (join) expect(new Date(join.occurred_at).getTime()).toBe(new Date(m.joined).getTime());
      }
      // The founder joined before the history; the one removed person's join is in it too.
      expect(joins.length).toBe(members.length);

      // No export claims more events than the organization had when it ran.
      const exports = await q<{ rows: number; before: number }>(
        sql`select (e.metadata->>'row_count')::int as rows, (select count(*)::int from audit_events x where x.org_id = e.org_id and x.occurred_at < e.occurred_at) as before
            from audit_events e where e.org_id = ${orgId} and e.action = 'export'`,
      );
      for (const e of exports) expect(e.rows).toBeLessThanOrEqual(e.before);
    }
    // The API keys page of the demo organization is not empty.
    const [acme] = await ctx.db.select().from(organizations).where(eq(organizations.slug, 'acme'));
    expect((await ctx.db.select().from(apiKeys).where(eq(apiKeys.orgId, acme!.id))).map((k) => k.name).sort()).toEqual([
      'Billing export key',
      'CI deploy key',
      'Terraform key',
    ]);
    expect((await ctx.db.select().from(memberships).where(eq(memberships.orgId, acme!.id))).length).toBe(4);
  });
});
