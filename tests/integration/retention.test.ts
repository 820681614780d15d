import { eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { auditChainAnchors, organizations } from '@/db/schema';
import { verifyChain } from '@/lib/chain/verify';
import { recordAuditEvents } from '@/lib/recording/record';
import { applyRetention, runRetention } from '@/lib/lifecycle/retention';
import { runRetentionOnce } from '@/lib/lifecycle/retention-schedule';
import { uuidv7 } from '@/lib/ids';
import { seqsOf } from './chain-helpers';
import { rowsOf } from './context';
import { describeEachDatabase } from './databases';
import { createOrg, insertEvents } from './fixtures';

const DAY = 86_400_000;
const NOW = new Date(Date.UTC(2026, 10, 20, 12));
const daysAgo = (d: number, now = NOW) => new Date(now.getTime() - d * DAY);
// These organizations keep 30 days: below the default floor (AUDIT_RETENTION_MIN_DAYS), so the runs pass their own.
const FLOOR = { minDays: 30 };

async function countWhere(db: Db, orgId: string, extra = sql`true`): Promise<number> {
  const [row] = rowsOf<{ n: string | number }>(await db.execute(sql`select count(*) as n from audit_events where org_id = ${orgId} and ${extra}`));
  return Number(row!.n);
}

async function systemEntries(db: Db, orgId: string) {
  return rowsOf<{
    seq: string | number;
    message: string;
    metadata: Record<string, unknown>;
    actor_label: string;
    source: string;
    action: string;
    object_type: string;
  }>(
    await db.execute(sql`select seq, message, metadata, actor_label, source::text, action, object_type from audit_events
      where org_id = ${orgId} and actor_type = 'system' and object_type = 'audit_log' order by seq`),
  );
}

async function setRetention(db: Db, orgId: string, retentionDays: number, legalHold = false) {
  await db.update(organizations).set({ retentionDays, legalHold }).where(eq(organizations.id, orgId));
}

/** Entries at the given ages (days before NOW), chained in array order: seq i + 1 is ages[i]. */
async function insertAged(db: Db, orgId: string, ages: number[]) {
  await recordAuditEvents(
    db,
    ages.map((age, i) => {
      const at = daysAgo(age);
      return {
        orgId,
        id: uuidv7(at),
        occurredAt: at,
        actor: { type: 'user' as const, id: 'u1', label: 'a@example.com' },
        source: 'api' as const,
        action: 'update',
        objectType: 'flow',
        message: `aged ${i}`,
      };
    }),
  );
}

describeEachDatabase('retention', (ctx) => {
  it('removes exactly the entries older than the period, anchors the chain and records one system entry', async () => {
    const org = await createOrg(ctx.db, 'ret-basic');
    await setRetention(ctx.db, org.id, 30);
    // 60 entries one day apart, oldest first: ages 59 … 0 days.
    await insertEvents(ctx.db, org.id, 60, { times: (i) => daysAgo(59 - i) });
    const cutoff = daysAgo(30);
    const expected = await countWhere(ctx.db, org.id, sql`occurred_at < ${cutoff.toISOString()}::timestamptz`);
    expect(expected).toBe(29);

    const result = await applyRetention(ctx.db, org.id, NOW, FLOOR);
    expect(result).toMatchObject({ removed: expected, throughSeq: 29, legalHold: false });
    expect(result!.cutoff.toISOString()).toBe(cutoff.toISOString());
    expect(await countWhere(ctx.db, org.id, sql`occurred_at < ${cutoff.toISOString()}::timestamptz and actor_type <> 'system'`)).toBe(0);
    expect(await seqsOf(ctx.db, org.id)).toEqual(Array.from({ length: 32 }, (_, i) => 30 + i)); // 30…60 kept, 61 = the system entry

    const [entry, ...more] = await systemEntries(ctx.db, org.id);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      message: 'Removed 29 entries older than 30 days (through #29)',
      actor_label: 'Retention job',
      source: 'system',
      action: 'delete',
      object_type: 'audit_log',
    });
    expect(entry!.metadata).toEqual({ removed: 29, through_seq: 29, cutoff: cutoff.toISOString() });
    expect(Number(entry!.seq)).toBe(61);

    const anchors = await ctx.db.select().from(auditChainAnchors).where(eq(auditChainAnchors.orgId, org.id));
    expect(anchors).toHaveLength(1);
    expect(anchors[0]!.seq).toBe(29);
    expect(await verifyChain(ctx.db, org.id)).toMatchObject({ ok: true, count: 32, verifiedThrough: { seq: 61 } });
  });

  it('running twice is harmless: the second run removes nothing and records nothing', async () => {
    const org = await createOrg(ctx.db, 'ret-twice');
    await setRetention(ctx.db, org.id, 30);
    await insertAged(ctx.db, org.id, [40, 35, 10]);
    expect(await applyRetention(ctx.db, org.id, NOW, FLOOR)).toMatchObject({ removed: 2, throughSeq: 2 });
    const before = await seqsOf(ctx.db, org.id);
    expect(await applyRetention(ctx.db, org.id, NOW, FLOOR)).toMatchObject({ removed: 0, throughSeq: null });
    expect(await seqsOf(ctx.db, org.id)).toEqual(before);
    expect(await systemEntries(ctx.db, org.id)).toHaveLength(1);
    expect(await verifyChain(ctx.db, org.id)).toMatchObject({ ok: true });

    // Later runs move the anchor forward and verification follows it (the first system entry ages out too).
    const later = new Date(NOW.getTime() + 45 * DAY);
    expect(await applyRetention(ctx.db, org.id, later, FLOOR)).toMatchObject({ removed: 2, throughSeq: 4 });
    expect(await seqsOf(ctx.db, org.id)).toEqual([5]);
    const anchors = await ctx.db.select().from(auditChainAnchors).where(eq(auditChainAnchors.orgId, org.id));
    expect(anchors.map((a) => a.seq)).toEqual([4]);
    expect(await verifyChain(ctx.db, org.id)).toMatchObject({ ok: true, count: 1 });
  });

  it('removes only a prefix of the chain: a late-arriving old entry waits for everything before it', async () => {
    const org = await createOrg(ctx.db, 'ret-late');
    await setRetention(ctx.db, org.id, 30);
    // seq 1, 2 old; 3 recent; 4 old but ingested late; 5 recent.
    await insertAged(ctx.db, org.id, [50, 40, 5, 45, 2]);
    expect(await applyRetention(ctx.db, org.id, NOW, FLOOR)).toMatchObject({ removed: 2, throughSeq: 2 });
    expect(await seqsOf(ctx.db, org.id)).toEqual([3, 4, 5, 6]);
    expect(await verifyChain(ctx.db, org.id)).toMatchObject({ ok: true });

    // Once seq 3 is old enough, 3 and 4 go together; 5 (2 days old at NOW) stays until it is old too.
    const later = new Date(NOW.getTime() + 26 * DAY);
    expect(await applyRetention(ctx.db, org.id, later, FLOOR)).toMatchObject({ removed: 2, throughSeq: 4 });
    expect(await seqsOf(ctx.db, org.id)).toEqual([5, 6, 7]);
    expect(await verifyChain(ctx.db, org.id)).toMatchObject({ ok: true });
  });

  it('skips organizations on legal hold, leaves other organizations untouched and handles empty ones', async () => {
    const held = await createOrg(ctx.db, 'ret-held');
    const target = await createOrg(ctx.db, 'ret-target');
    const bystander = await createOrg(ctx.db, 'ret-bystander');
    await createOrg(ctx.db, 'ret-empty');
    await setRetention(ctx.db, held.id, 30, true);
    await setRetention(ctx.db, target.id, 30);
    await setRetention(ctx.db, bystander.id, 3650);
    for (const org of [held, target, bystander]) await insertAged(ctx.db, org.id, [400, 100, 40, 1]);

    const results = await runRetention(ctx.db, { now: NOW, ...FLOOR });
    const bySlug = new Map(results.map((r) => [r.slug, r]));
    expect(bySlug.get('ret-held')).toMatchObject({ legalHold: true, removed: 0 });
    expect(bySlug.get('ret-target')).toMatchObject({ removed: 3, throughSeq: 3 });
    expect(bySlug.get('ret-bystander')).toMatchObject({ removed: 0 });
    expect(bySlug.get('ret-empty')).toMatchObject({ removed: 0 });
    expect(await seqsOf(ctx.db, held.id)).toEqual([1, 2, 3, 4]);
    expect(await seqsOf(ctx.db, bystander.id)).toEqual([1, 2, 3, 4]);
    expect(await seqsOf(ctx.db, target.id)).toEqual([4, 5]);
    expect(await systemEntries(ctx.db, held.id)).toEqual([]);
    expect(await systemEntries(ctx.db, bystander.id)).toEqual([]);
    for (const org of [held, target, bystander]) expect(await verifyChain(ctx.db, org.id)).toMatchObject({ ok: true });

    // Lifting the hold lets the next run catch up.
    await setRetention(ctx.db, held.id, 30, false);
    expect(await applyRetention(ctx.db, held.id, NOW, FLOOR)).toMatchObject({ removed: 3, throughSeq: 3 });
    expect(await verifyChain(ctx.db, held.id)).toMatchObject({ ok: true });
  });

  it('waits for a concurrent run instead of removing twice', async () => {
    const org = await createOrg(ctx.db, 'ret-concurrent');
    await setRetention(ctx.db, org.id, 30);
    await insertAged(ctx.db, org.id, [60, 50, 40, 1]);
    const results = await Promise.all([applyRetention(ctx.db, org.id, NOW, FLOOR), applyRetention(ctx.db, org.id, NOW, FLOOR)]);
    expect(results.map((r) => r!.removed).sort()).toEqual([0, 3]);
    expect(await systemEntries(ctx.db, org.id)).toHaveLength(1);
    expect(await verifyChain(ctx.db, org.id)).toMatchObject({ ok: true, count: 2 });
  });

  it('never starts a second scheduled run in the same process while one is going', async () => {
    const getDb = async () => ctx.db;
    expect(await Promise.all([runRetentionOnce(getDb), runRetentionOnce(getDb)])).toEqual([true, false]);
    expect(await runRetentionOnce(getDb)).toBe(true); // and runs again once the first has finished
  });
});
