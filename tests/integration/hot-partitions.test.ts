import { eq, sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { countAuditEvents, listAuditEvents } from '@/db/queries/audit-events';
import { listMissingIndexes } from '@/db/queries/audit-event-partitions';
import { organizations } from '@/db/schema';
import { verifyChain } from '@/lib/chain/verify';
import { uuidv7 } from '@/lib/ids';
import { runPartitionJob } from '@/lib/lifecycle/partition-close';
import { ensureFuturePartitions, ensureMonthPartitions } from '@/lib/lifecycle/partitions';
import { runRetention } from '@/lib/lifecycle/retention';
import { recordAuditEvents, type AuditEntry } from '@/lib/recording/record';
import type { Cursor } from '@/lib/view/cursor';
import { defaultFilters, SORT_COLUMNS, type Sort } from '@/lib/view/search-params';
import type { AuditFilters } from '@/lib/view/filters';
import { resolveQueryFilters } from '@/lib/view/query-filters';
import { seqsOf } from './chain-helpers';
import { rowsOf } from './context';
import { describeEachDatabase } from './databases';
import { createOrg } from './fixtures';

// Far from the real date, so the migration's own partitions (around today) never meet these.
const OPEN_DAY = new Date('2031-05-10T00:00:00Z');
const NOW = new Date('2031-05-10T18:00:00Z');
const AFTER_CLOSE = new Date('2031-05-11T02:00:00Z');
const HOUR = 3_600_000;

const ACTIONS = ['create', 'update', 'delete', 'login'] as const;
const TYPES = ['flow', 'connector', 'member'] as const;
const ACTORS = ['ana@acme.test', 'Bob@acme.test', 'carla@acme.test', 'dmitri@acme.test', 'eve@acme.test'] as const;

/** `n` varied entries between `from` and `from + spanMs`, some sharing an instant (ties the keyset must order). */
function entries(orgId: string, n: number, from: Date, spanMs: number): AuditEntry[] {
  return Array.from({ length: n }, (_, i) => {
    const at = new Date(from.getTime() + Math.floor((i * spanMs) / n / 2) * 2);
    return {
      orgId,
      id: uuidv7(at),
      occurredAt: at,
      actor: { type: 'user' as const, id: `u${i % ACTORS.length}`, label: ACTORS[i % ACTORS.length]! },
      source: i % 7 === 0 ? ('api' as const) : ('web' as const),
      result: i % 11 === 0 ? ('failure' as const) : ('success' as const),
      action: ACTIONS[i % ACTIONS.length]!,
      objectType: TYPES[i % TYPES.length]!,
      objectId: `obj-${i % 17}`,
      objectLabel: i % 13 === 0 ? `Invoice sync ${i}` : `Flow ${i % 29}`,
      ip: `203.0.113.${i % 50}`,
      message: i % 9 === 0 ? `Rotated webhook secret for zebra-${i}` : `Changed flow ${i}`,
      before: { plan: 'free', limits: { rate: i } },
      after: { plan: i % 5 === 0 ? 'pro' : 'free', limits: { rate: i + (i % 3) } },
    };
  });
}

async function partitionOf(db: Db, orgId: string): Promise<string[]> {
  const result = await db.execute(sql`select distinct tableoid::regclass::text as t from audit_events where org_id = ${orgId} order by 1`);
  return rowsOf<{ t: string }>(result).map((r) => r.t);
}

/** Index names on a table, as the catalog has them. */
async function indexCount(db: Db, table: string): Promise<number> {
  const result = await db.execute(sql`select count(*)::int as n from pg_index where indrelid = ${table}::regclass and indisvalid`);
  return rowsOf<{ n: number }>(result)[0]!.n;
}

type Case = { name: string; filters: Partial<AuditFilters> };
const open = { from: OPEN_DAY, to: null };
const CASES: Case[] = [
  { name: 'default 24 hours', filters: {} },
  { name: 'action delete', filters: { include: { ...defaultFilters().include, action: ['delete'] } } },
  { name: 'actor and type', filters: { range: open, include: { ...defaultFilters().include, actor: ['Bob@acme.test'], type: ['flow', 'member'] } } },
  { name: 'not failure', filters: { range: open, exclude: { ...defaultFilters().exclude, result: ['failure'] } } },
  { name: 'free text (word prefix)', filters: { range: open, text: ['zebra-1'] } },
  { name: 'free text (label)', filters: { range: open, text: ['invoice sync'] } },
  { name: 'changed field', filters: { range: open, fields: ['plan'] } },
  { name: 'CIDR', filters: { range: open, ip: '203.0.113.8/29' } },
];

/** Every case's full result (every page, each sort both ways): what a user could see of the day. */
async function snapshot(db: Db, orgId: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const c of CASES) {
    const filters = resolveQueryFilters({ ...defaultFilters(), ...c.filters }, NOW, 'UTC');
    out[`${c.name} count`] = (await countAuditEvents(db, orgId, filters)).count;
    const sorts: Sort[] =
      c.name === 'default 24 hours'
        ? SORT_COLUMNS.flatMap((column) => (['asc', 'desc'] as const).map((dir) => ({ column, dir })))
        : [{ column: 'time', dir: 'desc' }];
    for (const sort of sorts) {
      const ids: string[] = [];
      let after: Cursor | null = null;
      for (let guard = 0; guard < 100; guard += 1) {
        const page: Awaited<ReturnType<typeof listAuditEvents>> = await listAuditEvents(db, { orgId, filters, sort, limit: 40, after });
        ids.push(...page.rows.map((r) => r.id));
        if (!page.next) break;
        after = page.next;
      }
      out[`${c.name} ${sort.column} ${sort.dir}`] = ids;
    }
  }
  return out;
}

describeEachDatabase('hot partitions', (ctx) => {
  let orgId = '';
  beforeAll(async () => {
    orgId = (await createOrg(ctx.db, 'hot-acme')).id;
    await ensureFuturePartitions(ctx.db, OPEN_DAY, 2); // 2031-05-10 … 2031-05-12, lean
    await ensureMonthPartitions(ctx.db, new Date('2031-04-01T00:00:00Z'), 0); // April 2031, fully indexed
    await recordAuditEvents(ctx.db, entries(orgId, 400, new Date(OPEN_DAY.getTime() + HOUR), 16 * HOUR));
  });

  it('keeps only the primary key, (org_id, seq) and (org_id, id) on the parent; open days lean, months and default full', async () => {
    const parent = rowsOf<{ i: string }>(
      await ctx.db.execute(sql`select indexrelid::regclass::text as i from pg_index where indrelid = 'audit_events'::regclass order by 1`),
    );
    expect(parent.map((r) => r.i)).toEqual(['audit_events_org_event_idx', 'audit_events_org_seq_idx', 'audit_events_pkey']);
    expect(await indexCount(ctx.db, 'audit_events_p20310510')).toBe(3);
    expect((await listMissingIndexes(ctx.db, 'audit_events_p20310510')).length).toBeGreaterThan(0);
    expect(await listMissingIndexes(ctx.db, 'audit_events_p203104')).toEqual([]);
    expect(await listMissingIndexes(ctx.db, 'audit_events_default')).toEqual([]);
    // TRUNCATE of a daily partition is refused like TRUNCATE of the table.
    await expect(ctx.db.execute(sql`truncate audit_events_p20310510`)).rejects.toThrow();
    expect(await partitionOf(ctx.db, orgId)).toEqual(['audit_events_p20310510']);
  });

  it('answers filters, sorts, free text and paging the same before and after the day is closed', async () => {
    const before = await snapshot(ctx.db, orgId);
    expect(before['default 24 hours count']).toBe(400);
    expect((before['free text (word prefix) time desc'] as string[]).length).toBeGreaterThan(0);
    expect((before['action delete time desc'] as string[]).length).toBe(100);

    const run = await runPartitionJob(ctx.db, AFTER_CLOSE);
    expect(run.closed).toContain('audit_events_p20310510');
    expect(run.closed).not.toContain('audit_events_p20310511'); // still open
    expect(await listMissingIndexes(ctx.db, 'audit_events_p20310510')).toEqual([]);
    expect((await listMissingIndexes(ctx.db, 'audit_events_p20310511')).length).toBeGreaterThan(0);
    expect(await snapshot(ctx.db, orgId)).toEqual(before);
    // Nothing left to close: a second run builds nothing.
    expect((await runPartitionJob(ctx.db, AFTER_CLOSE)).closed).toEqual([]);
  });

  it('takes entries into an open day and into a closed older month, one unbroken chain', async () => {
    const org = await createOrg(ctx.db, 'hot-ingest');
    await recordAuditEvents(ctx.db, entries(org.id, 20, new Date('2031-05-11T03:00:00Z'), HOUR)); // open day
    await recordAuditEvents(ctx.db, entries(org.id, 5, new Date('2031-04-15T10:00:00Z'), HOUR)); // backfill, indexed month
    await recordAuditEvents(ctx.db, entries(org.id, 3, new Date('2031-05-10T23:00:00Z'), HOUR / 2)); // the closed day
    expect(await partitionOf(ctx.db, org.id)).toEqual(['audit_events_p203104', 'audit_events_p20310510', 'audit_events_p20310511']);
    expect(await seqsOf(ctx.db, org.id)).toEqual(Array.from({ length: 28 }, (_, i) => i + 1));
    expect(await verifyChain(ctx.db, org.id)).toMatchObject({ ok: true });
  });

  it('closes once when two instances run the job at the same time', async () => {
    await ensureFuturePartitions(ctx.db, new Date('2031-06-01T00:00:00Z'), 3);
    const other = ctx.url ? await openDatabase({ url: ctx.url }) : null;
    try {
      const at = new Date('2031-06-03T12:00:00Z');
      const [a, b] = await Promise.all([runPartitionJob(ctx.db, at), runPartitionJob(other?.db ?? ctx.db, at)]);
      const closed = [...a.closed, ...b.closed];
      for (const name of ['audit_events_p20310511', 'audit_events_p20310601', 'audit_events_p20310602']) {
        expect(await listMissingIndexes(ctx.db, name)).toEqual([]);
      }
      expect(new Set(closed).size).toBe(closed.length); // never both on one partition
      expect((await listMissingIndexes(ctx.db, 'audit_events_p20310603')).length).toBeGreaterThan(0);
      const invalid = rowsOf<{ n: number }>(await ctx.db.execute(sql`select count(*)::int as n from pg_index where not indisvalid`))[0]!.n;
      expect(invalid).toBe(0);
    } finally {
      await other?.close();
    }
  });

  it('drops whole daily partitions by retention, and keeps one holding an organization on legal hold', async () => {
    const old = await createOrg(ctx.db, 'hot-old');
    const held = await createOrg(ctx.db, 'hot-held');
    await ctx.db.update(organizations).set({ retentionDays: 30 }).where(eq(organizations.id, old.id));
    await ctx.db.update(organizations).set({ retentionDays: 30, legalHold: true }).where(eq(organizations.id, held.id));
    await ensureFuturePartitions(ctx.db, new Date('2031-01-10T00:00:00Z'), 1); // 2031-01-10, 2031-01-11
    await recordAuditEvents(ctx.db, entries(old.id, 6, new Date('2031-01-10T01:00:00Z'), HOUR));
    await recordAuditEvents(ctx.db, entries(held.id, 2, new Date('2031-01-11T01:00:00Z'), HOUR));
    await recordAuditEvents(ctx.db, entries(old.id, 2, new Date('2031-05-11T05:00:00Z'), HOUR));

    const results = await runRetention(ctx.db, { now: AFTER_CLOSE, minDays: 30 });
    const names = rowsOf<{ name: string }>(await ctx.db.execute(sql`select name from audit_events_partitions()`)).map((r) => r.name);
    expect(names).not.toContain('audit_events_p20310110');
    expect(names).toContain('audit_events_p20310111');
    expect(results.find((r) => r.orgId === old.id)).toMatchObject({ removed: 6, throughSeq: 6, droppedPartitions: ['audit_events_p20310110'] });
    expect(await seqsOf(ctx.db, held.id)).toEqual([1, 2]);
    await expect(ctx.db.execute(sql`select audit_drop_partition('audit_events_p20310111')`)).rejects.toThrow();
    for (const org of [old, held]) expect(await verifyChain(ctx.db, org.id)).toMatchObject({ ok: true });
  });
});
