import { eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { organizations } from '@/db/schema';
import { verifyChain } from '@/lib/chain/verify';
import { listPartitions } from '@/db/queries/audit-event-partitions';
import { ensureFuturePartitions, ensureMonthPartitions } from '@/lib/lifecycle/partitions';
import { recordAuditEvents } from '@/lib/recording/record';
import { runRetention } from '@/lib/lifecycle/retention';
import { uuidv7 } from '@/lib/ids';
import { seqsOf } from './chain-helpers';
import { rowsOf } from './context';
import { describeEachDatabase } from './databases';
import { createOrg } from './fixtures';

const NOW = new Date(Date.UTC(2026, 10, 20, 12));
// These organizations keep 30 days: below the default floor (AUDIT_RETENTION_MIN_DAYS), so the runs pass their own.
const MIN_DAYS = 30;

/** Entries at the given instants, chained in array order. */
async function insertAt(db: Db, orgId: string, times: Date[]) {
  await recordAuditEvents(
    db,
    times.map((at, i) => ({
      orgId,
      id: uuidv7(at),
      occurredAt: at,
      actor: { type: 'user' as const, id: 'u1', label: 'p@example.com' },
      source: 'api' as const,
      action: 'update',
      objectType: 'flow',
      message: `at ${i}`,
    })),
  );
}

const day = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d, 12));

/** Child tables of audit_events as the catalog sees them (pg_inherits + pg_class). */
async function partitionNames(db: Db): Promise<string[]> {
  const result = await db.execute(sql`select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'audit_events'::regclass and c.relispartition order by 1`);
  return rowsOf<{ relname: string }>(result).map((r) => r.relname);
}

async function partitionOf(db: Db, orgId: string): Promise<string[]> {
  const result = await db.execute(sql`select distinct tableoid::regclass::text as t from audit_events where org_id = ${orgId} order by 1`);
  return rowsOf<{ t: string }>(result).map((r) => r.t);
}

describeEachDatabase('retention by partition', (ctx) => {
  it('is a partitioned table with a default partition and lean hourly partitions created ahead', async () => {
    const [kind] = rowsOf<{ relkind: string }>(await ctx.db.execute(sql`select relkind::text from pg_class where relname = 'audit_events'`));
    expect(kind!.relkind).toBe('p');
    // Far from the real date, where the migration created none.
    const ahead = new Date(Date.UTC(2032, 2, 30, 15));
    expect(await ensureFuturePartitions(ctx.db, ahead, 3)).toEqual([
      'audit_events_p2032033015',
      'audit_events_p2032033016',
      'audit_events_p2032033017',
      'audit_events_p2032033018',
    ]);
    const names = await partitionNames(ctx.db);
    expect(names).toContain('audit_events_default');
    expect(await ensureFuturePartitions(ctx.db, ahead, 3)).toEqual([]); // idempotent
    // A month partly covered by hours is not created over them.
    expect(await ensureMonthPartitions(ctx.db, ahead, 0)).toEqual([]);
    // TRUNCATE of a single partition is refused like TRUNCATE of the table (statement triggers are not inherited).
    await expect(ctx.db.execute(sql`truncate audit_events_p2032033016`)).rejects.toThrow();
    await expect(ctx.db.execute(sql`truncate audit_events_default`)).rejects.toThrow();
  });

  it('drops whole months whose every row may go, deletes rows elsewhere, and keeps the chain verifiable', async () => {
    await ensureMonthPartitions(ctx.db, day(2020, 1, 1), 3); // 2020-01 … 2020-04
    await ensureMonthPartitions(ctx.db, day(2021, 1, 1), 1); // 2021-01, 2021-02
    const p = await createOrg(ctx.db, 'part-p');
    const held = await createOrg(ctx.db, 'part-held');
    const late = await createOrg(ctx.db, 'part-late');
    await ctx.db.update(organizations).set({ retentionDays: 30 }).where(eq(organizations.id, p.id));
    await ctx.db.update(organizations).set({ legalHold: true }).where(eq(organizations.id, held.id));
    await ctx.db.update(organizations).set({ retentionDays: 30 }).where(eq(organizations.id, late.id));
    // p: 3 entries in each of Jan, Feb, Mar 2020, then 2 recent. held: 2 entries in Mar 2020.
    await insertAt(ctx.db, p.id, [...[1, 2, 3].flatMap((m) => [day(2020, m, 5), day(2020, m, 10), day(2020, m, 15)]), day(2026, 11, 18), day(2026, 11, 19)]);
    await insertAt(ctx.db, held.id, [day(2020, 3, 20), day(2020, 3, 21)]);
    // late: Jan 2021 entries, a recent one, then an old entry ingested late into Feb 2021 (seq 4 > the prefix).
    await insertAt(ctx.db, late.id, [day(2021, 1, 5), day(2021, 1, 6), day(2026, 11, 18), day(2021, 2, 3)]);
    expect(await partitionOf(ctx.db, p.id)).toEqual(['audit_events_p202001', 'audit_events_p202002', 'audit_events_p202003', 'audit_events_p202611']);
    const oldOfP = Number(
      rowsOf<{ n: string | number }>(
        await ctx.db.execute(
          sql`select count(*) as n from audit_events where org_id = ${p.id} and occurred_at < ${new Date(NOW.getTime() - 30 * 86_400_000).toISOString()}::timestamptz`,
        ),
      )[0]!.n,
    );

    const results = await runRetention(ctx.db, { now: NOW, minDays: MIN_DAYS });
    const names = await partitionNames(ctx.db);
    // Jan and Feb 2020 held only p's removable rows; Apr 2020 was empty and before every cutoff: gone.
    for (const gone of ['audit_events_p202001', 'audit_events_p202002', 'audit_events_p202004', 'audit_events_p202101']) expect(names).not.toContain(gone);
    // Mar 2020 also holds the legal-hold organization's rows; Feb 2021 holds a late entry that must wait.
    for (const kept of ['audit_events_p202003', 'audit_events_p202102', 'audit_events_p202611']) expect(names).toContain(kept);

    const r = results.find((x) => x.orgId === p.id)!;
    expect(r).toMatchObject({ removed: oldOfP, throughSeq: 9, droppedPartitions: ['audit_events_p202001', 'audit_events_p202002'] });
    expect(await seqsOf(ctx.db, p.id)).toEqual([10, 11, 12]); // March's 3 rows went by DELETE; 12 is the system entry
    const [event] = rowsOf<{ message: string; metadata: Record<string, unknown> }>(
      await ctx.db.execute(sql`select message, metadata from audit_events where org_id = ${p.id} and actor_type = 'system'`),
    );
    expect(event!.message).toBe('Removed 9 entries older than 30 days (through #9)');
    expect(event!.metadata).toMatchObject({ removed: 9, through_seq: 9, dropped_partitions: ['audit_events_p202001', 'audit_events_p202002'] });

    expect(await seqsOf(ctx.db, held.id)).toEqual([1, 2]);
    expect(results.find((x) => x.orgId === late.id)).toMatchObject({ removed: 2, throughSeq: 2, droppedPartitions: ['audit_events_p202101'] });
    expect(await seqsOf(ctx.db, late.id)).toEqual([3, 4, 5]);
    for (const org of [p, held, late]) expect(await verifyChain(ctx.db, org.id)).toMatchObject({ ok: true });

    // Twice is harmless: nothing more to drop or delete, nothing recorded.
    const again = await runRetention(ctx.db, { now: NOW, minDays: MIN_DAYS });
    expect(again.filter((x) => x.removed > 0)).toEqual([]);
    expect(await seqsOf(ctx.db, p.id)).toEqual([10, 11, 12]);
    expect((await listPartitions(ctx.db)).map((x) => x.name).sort()).toEqual(names.filter((n) => n !== 'audit_events_default'));
  });
});
