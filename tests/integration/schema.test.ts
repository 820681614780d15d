import { eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { migrateDatabase } from '@/lib/boot/migrate';
import { auditEvents, users } from '@/db/schema';
import { rowsOf } from '@/db/rows';
import { describeEachDatabase } from './databases';
import { createOrg, createUser } from './fixtures';

describeEachDatabase('schema and migrations', (ctx) => {
  it('applies the committed migrations idempotently', async () => {
    await migrateDatabase(ctx.handle); // second run: nothing to do, nothing breaks
    const tables = rowsOf<{ table_name: string }>(
      // Partitions of audit_events (monthly and default) are tables too, but not part of the schema's shape.
      await ctx.db.execute(sql`select c.relname as table_name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition order by 1`),
    ).map((r) => r.table_name);
    expect(tables).toEqual([
      'api_keys',
      'audit_chain_anchors',
      'audit_chain_heads',
      'audit_chain_verifications',
      'audit_checkpoints',
      'audit_events',
      'audit_facets',
      'audit_merkle_state',
      'audit_merkle_tiles',
      'idempotency_keys',
      'invitations',
      'login_throttle',
      'memberships',
      'organizations',
      'rate_limits',
      'saved_views',
      'stream_destinations',
      'user_sessions',
      'users',
    ]);
  });

  it('leads every audit_events index and key with org_id, on the parent and on every partition', async () => {
    const defs = rowsOf<{ indexdef: string }>(
      await ctx.db.execute(sql`select indexdef from pg_indexes where tablename = 'audit_events' or tablename in (select name from audit_events_partitions())`),
    ).map((r) => r.indexdef);
    expect(defs.length).toBeGreaterThanOrEqual(13);
    for (const def of defs) expect(def).toMatch(/\(org_id[,)]/);
  });

  it('keeps emails unique regardless of case and stores them lower-case', async () => {
    await createUser(ctx.db, 'unique@example.com');
    await expect(createUser(ctx.db, 'unique@example.com')).rejects.toThrow();
    await expect(createUser(ctx.db, 'Unique@Example.com')).rejects.toThrow();
    const [row] = await ctx.db.select().from(users).where(eq(users.email, 'unique@example.com'));
    expect(row?.email).toBe('unique@example.com');
  });

  it('rejects events with an upper-case or empty action and stores IPs as inet', async () => {
    const org = await createOrg(ctx.db, 'schema-org');
    // Raw inserts on purpose: these pin the table's own constraints, beneath recordAuditEvent's normalisation.
    const chain = { seq: 1, prevHash: '0'.repeat(64), hash: '0'.repeat(64) };
    const base = { orgId: org.id, occurredAt: new Date(), actorType: 'user' as const, actorLabel: 'x', source: 'web' as const, objectType: 'flow', ...chain };
    await expect(ctx.db.insert(auditEvents).values({ ...base, id: crypto.randomUUID(), action: 'Update' })).rejects.toThrow();
    await expect(ctx.db.insert(auditEvents).values({ ...base, id: crypto.randomUUID(), action: '' })).rejects.toThrow();
    await expect(ctx.db.insert(auditEvents).values({ ...base, id: crypto.randomUUID(), action: 'update', ip: 'not-an-ip' })).rejects.toThrow();
    await ctx.db.insert(auditEvents).values({ ...base, id: crypto.randomUUID(), action: 'update', ip: '2001:db8::1' });
    const inCidr = rowsOf<{ n: number }>(
      await ctx.db.execute(sql`select count(*)::int as n from audit_events where org_id = ${org.id} and ip << '2001:db8::/32'::inet`),
    );
    expect(inCidr[0]!.n).toBe(1);
  });
});
