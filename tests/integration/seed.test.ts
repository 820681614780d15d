import { and, eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { auditEvents, organizations, users } from '@/db/schema';
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
});
