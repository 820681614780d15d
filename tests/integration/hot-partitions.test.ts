import { eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { beforeAll, expect, it } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { countAuditEvents, listAuditEvents } from '@/db/queries/audit-events';
import { compactStep, listMissingIndexes } from '@/db/queries/audit-event-partitions';
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
import { describeEachDatabase, describeOnServer } from './databases';
import { createOrg } from './fixtures';

// Far from the real date, so the migration's own partitions (around today) never meet these.
const OPEN_DAY = new Date('2031-05-10T00:00:00Z');
const NOW = new Date('2031-05-10T18:00:00Z');
const AFTER_CLOSE = new Date('2031-05-11T02:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

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

/** The bounded partitions' names, oldest first; and the tables a compaction left (scratch, or set aside). */
async function partitionNames(db: Db): Promise<string[]> {
  const result = await db.execute(sql`select name from audit_events_partitions() where not is_default order by lo`);
  return rowsOf<{ name: string }>(result).map((r) => r.name);
}

async function scratchTables(db: Db): Promise<string[]> {
  const result = await db.execute(
    sql`select relname::text as t from pg_class where (relname like 'audit\_events\_compact\_%' or relname like 'audit\_events\_retired\_%') and relkind = 'r' order by 1`,
  );
  return rowsOf<{ t: string }>(result).map((r) => r.t);
}

/** Every row of an organization as stored (the chain's fields included), in seq order. */
async function rowsAsStored(db: Db, orgId: string): Promise<unknown[]> {
  const result = await db.execute(sql`select id, seq, occurred_at, hash, prev_hash, message, metadata from audit_events where org_id = ${orgId} order by seq`);
  return rowsOf<Record<string, unknown>>(result).map((r) => JSON.stringify(r));
}

/** The hourly partitions' names of the UTC day starting at `day`, hours `from` … `to`. */
function hourNames(day: Date, from: number, to: number): string[] {
  const d = day.toISOString().slice(0, 10).replaceAll('-', '');
  return Array.from({ length: to - from + 1 }, (_, i) => `audit_events_p${d}${String(from + i).padStart(2, '0')}`);
}

/**
 * The test's own days among those a run compacted: a run at a test's date (years ahead) also compacts the real
 * days the migration and earlier runs split into hours, and the days of the 24 hours each run creates ahead.
 */
const within = (names: string[], prefix: string) => names.filter((n) => n.startsWith(prefix));

/** Index names on a table, as the catalog has them. */
async function indexCount(db: Db, table: string): Promise<number> {
  const result = await db.execute(sql`select count(*)::int as n from pg_index where indrelid = ${table}::regclass and indisvalid`);
  return rowsOf<{ n: number }>(result)[0]!.n;
}

/** Every row of an organization, whatever its time (a count over all time). */
const allTime = resolveQueryFilters({ ...defaultFilters(), range: { from: new Date('2000-01-01T00:00:00Z'), to: null } }, NOW, 'UTC');

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
  let otherId = '';
  beforeAll(async () => {
    orgId = (await createOrg(ctx.db, 'hot-acme')).id;
    otherId = (await createOrg(ctx.db, 'hot-other')).id;
    await ensureFuturePartitions(ctx.db, OPEN_DAY, 47); // every hour of 2031-05-10 and 2031-05-11, lean
    await ensureMonthPartitions(ctx.db, new Date('2031-04-01T00:00:00Z'), 0); // April 2031, fully indexed
    await recordAuditEvents(ctx.db, entries(orgId, 400, new Date(OPEN_DAY.getTime() + HOUR), 16 * HOUR));
    await recordAuditEvents(ctx.db, entries(otherId, 30, new Date(OPEN_DAY.getTime() + 2 * HOUR), 10 * HOUR));
  });

  it('converts what the migration found: the lean day holding now ends within the hour, hourly partitions after it', async () => {
    // (The test's own partitions lie years ahead.)
    const now = Date.now();
    const result = await ctx.db.execute(
      sql`select name, lo, hi from audit_events_partitions() where not is_default and hi > now() and lo < now() + interval '2 days' order by lo`,
    );
    const ahead = rowsOf<{ name: string; lo: string | Date; hi: string | Date }>(result).map((r) => ({
      name: r.name,
      lo: new Date(r.lo).getTime(),
      hi: new Date(r.hi).getTime(),
    }));
    const [current, ...rest] = ahead;
    expect(current!.lo).toBeLessThanOrEqual(now);
    expect(current!.hi - now).toBeLessThanOrEqual(HOUR + 60_000); // the migration ran moments ago
    expect(current!.hi % HOUR).toBe(0);
    expect(rest.length).toBeGreaterThanOrEqual(22);
    for (const [i, p] of rest.entries()) {
      expect(p.hi - p.lo).toBe(HOUR);
      expect(p.lo).toBe(i === 0 ? current!.hi : rest[i - 1]!.hi);
      expect(await indexCount(ctx.db, p.name)).toBe(3);
    }
  });

  it('keeps only the primary key, (org_id, seq) and (org_id, id) on the parent; open hours lean, months and default full', async () => {
    const parent = rowsOf<{ i: string }>(
      await ctx.db.execute(sql`select indexrelid::regclass::text as i from pg_index where indrelid = 'audit_events'::regclass order by 1`),
    );
    expect(parent.map((r) => r.i)).toEqual(['audit_events_org_event_idx', 'audit_events_org_seq_idx', 'audit_events_pkey']);
    expect(await indexCount(ctx.db, 'audit_events_p2031051003')).toBe(3);
    expect((await listMissingIndexes(ctx.db, 'audit_events_p2031051003')).length).toBeGreaterThan(0);
    expect(await listMissingIndexes(ctx.db, 'audit_events_p203104')).toEqual([]);
    expect(await listMissingIndexes(ctx.db, 'audit_events_default')).toEqual([]);
    // TRUNCATE of an hourly partition is refused like TRUNCATE of the table.
    await expect(ctx.db.execute(sql`truncate audit_events_p2031051003`)).rejects.toThrow();
    expect(await partitionOf(ctx.db, orgId)).toEqual(hourNames(OPEN_DAY, 1, 16));
  });

  it('answers filters, sorts, free text and paging the same on open hours, closed hours and the compacted day', async () => {
    const before = await snapshot(ctx.db, orgId);
    const otherBefore = await snapshot(ctx.db, otherId);
    const stored = await rowsAsStored(ctx.db, orgId);
    expect(before['default 24 hours count']).toBe(400);
    expect(otherBefore['default 24 hours count']).toBe(30);
    expect((before['free text (word prefix) time desc'] as string[]).length).toBeGreaterThan(0);
    expect((before['action delete time desc'] as string[]).length).toBe(100);

    // 18:00: the hours that ended by 17:50 are closed (indexed), 17:00 is still open; the day is not compacted yet.
    const run = await runPartitionJob(ctx.db, NOW);
    expect(run.closed).toEqual(expect.arrayContaining(hourNames(OPEN_DAY, 0, 16)));
    expect(run.closed).not.toContain('audit_events_p2031051017');
    expect(within(run.compacted, 'audit_events_p2031')).toEqual([]);
    expect(await listMissingIndexes(ctx.db, 'audit_events_p2031051005')).toEqual([]);
    expect((await listMissingIndexes(ctx.db, 'audit_events_p2031051017')).length).toBeGreaterThan(0);
    expect(await snapshot(ctx.db, orgId)).toEqual(before);

    // The day ended over an hour ago: its 24 hours become one fully indexed daily partition.
    const later = await runPartitionJob(ctx.db, AFTER_CLOSE);
    expect(within(later.compacted, 'audit_events_p2031')).toEqual(['audit_events_p20310510']);
    expect(await partitionOf(ctx.db, orgId)).toEqual(['audit_events_p20310510']);
    const names = await partitionNames(ctx.db);
    for (const hour of hourNames(OPEN_DAY, 0, 23)) expect(names).not.toContain(hour);
    expect(names).toContain('audit_events_p2031051100'); // the next day's hours stay
    expect(await listMissingIndexes(ctx.db, 'audit_events_p20310510')).toEqual([]);
    expect(await indexCount(ctx.db, 'audit_events_p20310510')).toBe(13);
    expect(await scratchTables(ctx.db)).toEqual([]);
    expect(await rowsAsStored(ctx.db, orgId)).toEqual(stored);
    expect(await snapshot(ctx.db, orgId)).toEqual(before);
    expect(await snapshot(ctx.db, otherId)).toEqual(otherBefore);
    for (const org of [orgId, otherId]) expect(await verifyChain(ctx.db, org)).toMatchObject({ ok: true });
    // Still append-only: the compacted partition refuses UPDATE, DELETE and TRUNCATE like the table.
    await expect(ctx.db.execute(sql`update audit_events set message = 'x' where org_id = ${orgId}`)).rejects.toThrow();
    await expect(ctx.db.execute(sql`delete from audit_events_p20310510`)).rejects.toThrow();
    await expect(ctx.db.execute(sql`truncate audit_events_p20310510`)).rejects.toThrow();
    // Nothing left to do: a second run closes and compacts nothing.
    expect(await runPartitionJob(ctx.db, AFTER_CLOSE)).toMatchObject({ closed: [], compacted: [] });
    expect(await scratchTables(ctx.db)).toEqual([]);
  });

  it('keeps rows that reach a day after its compaction copied it, and finishes a compaction interrupted anywhere', async () => {
    const org = await createOrg(ctx.db, 'hot-late');
    const day = new Date('2031-05-11T00:00:00Z');
    await recordAuditEvents(ctx.db, entries(org.id, 40, new Date(day.getTime() + 3 * HOUR), 5 * HOUR));
    // Interrupted after the scratch table was complete: rows arrive afterwards, then a fresh run swaps.
    for (const step of ['copy', 'add-keys', 'validate-keys'] as const) await compactStep(ctx.db, step, '2031-05-11');
    expect(await compactStep(ctx.db, 'ready', '2031-05-11')).toBe('true');
    await recordAuditEvents(ctx.db, entries(org.id, 7, new Date(day.getTime() + 20 * HOUR), HOUR));
    const stored = await rowsAsStored(ctx.db, org.id);
    expect(stored).toHaveLength(47);
    const run = await runPartitionJob(ctx.db, new Date(day.getTime() + DAY + 2 * HOUR));
    expect(within(run.compacted, 'audit_events_p2031')).toEqual(['audit_events_p20310511']);
    expect(await rowsAsStored(ctx.db, org.id)).toEqual(stored);

    // Interrupted after the copy alone: rows arrive, and the next run finishes it, late rows included.
    const next = new Date('2031-05-12T00:00:00Z');
    await ensureFuturePartitions(ctx.db, next, 23);
    await recordAuditEvents(ctx.db, entries(org.id, 10, new Date(next.getTime() + HOUR), 2 * HOUR));
    expect(await compactStep(ctx.db, 'copy', '2031-05-12')).toBe('audit_events_compact_20310512');
    await recordAuditEvents(ctx.db, entries(org.id, 3, new Date(next.getTime() + 22 * HOUR), HOUR));
    const all = await rowsAsStored(ctx.db, org.id);
    expect(within((await runPartitionJob(ctx.db, new Date(next.getTime() + DAY + 2 * HOUR))).compacted, 'audit_events_p2031')).toEqual([
      'audit_events_p20310512',
    ]);
    expect(await rowsAsStored(ctx.db, org.id)).toEqual(all);
    expect(await seqsOf(ctx.db, org.id)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(await verifyChain(ctx.db, org.id)).toMatchObject({ ok: true });

    // Interrupted right after the swap: the old hours are set aside, not attached; the next run drops them.
    const third = new Date('2031-03-10T00:00:00Z'); // before the other tests' days: this run compacts no day of theirs
    await ensureFuturePartitions(ctx.db, third, 23);
    await recordAuditEvents(ctx.db, entries(org.id, 2, new Date('2031-03-10T05:00:00Z'), HOUR));
    for (const step of ['copy', 'add-keys', 'validate-keys', 'swap'] as const) await compactStep(ctx.db, step, '2031-03-10');
    expect(await scratchTables(ctx.db)).toContain('audit_events_retired_p2031031005');
    expect(await partitionOf(ctx.db, org.id)).toContain('audit_events_p20310310');
    await runPartitionJob(ctx.db, new Date(third.getTime() + DAY + 2 * HOUR));
    expect(await scratchTables(ctx.db)).toEqual([]);
    expect(await seqsOf(ctx.db, org.id)).toEqual(Array.from({ length: 62 }, (_, i) => i + 1));

    // A scratch table of a day no longer to compact is dropped by the next run.
    await ctx.db.transaction(async (tx) => {
      await tx.execute(sql`set local role audit_owner`);
      await tx.execute(sql`create table audit_events_compact_20310510 (like audit_events)`);
    });
    expect(await scratchTables(ctx.db)).toEqual(['audit_events_compact_20310510']);
    await runPartitionJob(ctx.db, new Date(next.getTime() + DAY + 2 * HOUR));
    expect(await scratchTables(ctx.db)).toEqual([]);
  });

  it('loses no entry appended while the compaction swaps, and takes entries into hours, a compacted day and an older month', async () => {
    const org = await createOrg(ctx.db, 'hot-race');
    const day = new Date('2031-05-13T00:00:00Z');
    await ensureFuturePartitions(ctx.db, day, 23);
    await recordAuditEvents(ctx.db, entries(org.id, 30, new Date(day.getTime() + HOUR), 20 * HOUR));
    for (const step of ['copy', 'add-keys', 'validate-keys'] as const) await compactStep(ctx.db, step, '2031-05-13');
    const other = ctx.url ? await openDatabase({ url: ctx.url }) : null;
    try {
      const [run] = await Promise.all([
        runPartitionJob(other?.db ?? ctx.db, new Date(day.getTime() + DAY + 2 * HOUR)),
        recordAuditEvents(ctx.db, entries(org.id, 12, new Date(day.getTime() + 23 * HOUR), HOUR / 2)),
      ]);
      expect(within(run.compacted, 'audit_events_p2031')).toEqual(['audit_events_p20310513']);
    } finally {
      await other?.close();
    }
    await recordAuditEvents(ctx.db, entries(org.id, 4, new Date('2031-05-13T12:00:00Z'), HOUR)); // the compacted day
    await recordAuditEvents(ctx.db, entries(org.id, 5, new Date('2031-04-15T10:00:00Z'), HOUR)); // backfill, indexed month
    await recordAuditEvents(ctx.db, entries(org.id, 2, new Date('2031-05-14T03:00:00Z'), HOUR)); // an open hour
    expect(await partitionOf(ctx.db, org.id)).toEqual(['audit_events_p203104', 'audit_events_p20310513', 'audit_events_p2031051403']);
    expect(await seqsOf(ctx.db, org.id)).toEqual(Array.from({ length: 53 }, (_, i) => i + 1));
    expect(await verifyChain(ctx.db, org.id)).toMatchObject({ ok: true });
  });

  it('closes and compacts once when two instances run the job at the same time, readers seeing every row throughout', async () => {
    const org = await createOrg(ctx.db, 'hot-twice');
    await ensureFuturePartitions(ctx.db, new Date('2031-06-01T00:00:00Z'), 71);
    await recordAuditEvents(ctx.db, entries(org.id, 50, new Date('2031-06-01T05:00:00Z'), 2 * DAY));
    const stored = await rowsAsStored(ctx.db, org.id);
    const other = ctx.url ? await openDatabase({ url: ctx.url }) : null;
    try {
      const at = new Date('2031-06-03T12:00:00Z');
      // A reader counting the organization's rows all along sees every one of them, never fewer nor more.
      const seen = new Set<number>();
      let reading = true;
      let reads = 0;
      const reader = (async () => {
        for (; reading; reads += 1) seen.add((await countAuditEvents(ctx.db, org.id, allTime)).count);
      })();
      const [a, b] = await Promise.all([runPartitionJob(ctx.db, at), runPartitionJob(other?.db ?? ctx.db, at)]).finally(() => {
        reading = false;
      });
      await reader;
      expect([...seen]).toEqual([50]);
      expect(reads).toBeGreaterThan(3);
      const closed = [...a.closed, ...b.closed];
      const compacted = within([...a.compacted, ...b.compacted], 'audit_events_p203106').sort();
      expect(new Set(closed).size).toBe(closed.length); // never both on one partition
      // The loser of the lock finds the work done on its next run.
      const again = await runPartitionJob(ctx.db, at);
      expect([...compacted, ...within(again.compacted, 'audit_events_p203106')].sort()).toEqual(['audit_events_p20310601', 'audit_events_p20310602']);
      for (const name of ['audit_events_p20310601', 'audit_events_p20310602', 'audit_events_p2031060310']) {
        expect(await listMissingIndexes(ctx.db, name)).toEqual([]);
      }
      expect((await listMissingIndexes(ctx.db, 'audit_events_p2031060312')).length).toBeGreaterThan(0);
      const invalid = rowsOf<{ n: number }>(await ctx.db.execute(sql`select count(*)::int as n from pg_index where not indisvalid`))[0]!.n;
      expect(invalid).toBe(0);
      expect(await rowsAsStored(ctx.db, org.id)).toEqual(stored);
    } finally {
      await other?.close();
    }
  });

  it('drops whole hourly, daily and monthly partitions by retention, and keeps one holding an organization on legal hold', async () => {
    const old = await createOrg(ctx.db, 'hot-old');
    const held = await createOrg(ctx.db, 'hot-held');
    await ctx.db.update(organizations).set({ retentionDays: 30 }).where(eq(organizations.id, old.id));
    await ctx.db.update(organizations).set({ retentionDays: 30, legalHold: true }).where(eq(organizations.id, held.id));
    await ensureMonthPartitions(ctx.db, new Date('2030-12-01T00:00:00Z'), 0); // December 2030, fully indexed
    await ensureFuturePartitions(ctx.db, new Date('2031-01-10T00:00:00Z'), 47); // the hours of 2031-01-10 and 2031-01-11
    await recordAuditEvents(ctx.db, entries(old.id, 3, new Date('2030-12-20T01:00:00Z'), HOUR));
    await recordAuditEvents(ctx.db, entries(old.id, 6, new Date('2031-01-10T01:00:00Z'), HOUR));
    await recordAuditEvents(ctx.db, entries(held.id, 2, new Date('2031-01-11T01:00:00Z'), HOUR));
    await recordAuditEvents(ctx.db, entries(old.id, 2, new Date('2031-01-11T01:20:00Z'), HOUR / 3)); // beside the held rows
    expect(within((await runPartitionJob(ctx.db, new Date('2031-01-11T12:00:00Z'))).compacted, 'audit_events_p2031')).toEqual(['audit_events_p20310110']);
    await recordAuditEvents(ctx.db, entries(old.id, 2, new Date('2031-05-11T05:00:00Z'), HOUR));

    const results = await runRetention(ctx.db, { now: AFTER_CLOSE, minDays: 30 });
    const names = await partitionNames(ctx.db);
    for (const gone of ['audit_events_p203012', 'audit_events_p20310110']) expect(names).not.toContain(gone);
    expect(names).toContain('audit_events_p2031011101');
    const mine = results.find((r) => r.orgId === old.id)!;
    expect(mine).toMatchObject({ removed: 11, throughSeq: 11 });
    expect(mine.droppedPartitions).toEqual(expect.arrayContaining(['audit_events_p203012', 'audit_events_p20310110']));
    expect(await seqsOf(ctx.db, held.id)).toEqual([1, 2]);
    await expect(ctx.db.execute(sql`select audit_drop_partition('audit_events_p2031011101')`)).rejects.toThrow();
    for (const org of [old, held]) expect(await verifyChain(ctx.db, org.id)).toMatchObject({ ok: true });
  });
});

describeOnServer('hot partitions, compaction behind a long reader', (ctx) => {
  it('gives up on the swap while a reader holds audit_events, keeps the prepared copy, and swaps on a later run', async () => {
    const org = await createOrg(ctx.db, 'hot-reader');
    const day = new Date('2031-07-10T00:00:00Z');
    await ensureFuturePartitions(ctx.db, day, 23);
    await recordAuditEvents(ctx.db, entries(org.id, 30, new Date(day.getTime() + HOUR), 20 * HOUR));
    const stored = await rowsAsStored(ctx.db, org.id);
    // The day's hours closed beforehand (closing builds indexes CONCURRENTLY, which waits for the reader: it blocks no one).
    expect((await runPartitionJob(ctx.db, new Date(day.getTime() + DAY + HOUR / 2))).compacted).not.toContain('audit_events_p20310710');
    const at = new Date(day.getTime() + DAY + HOUR + 5 * 60_000);
    const reader = postgres(ctx.url!, { max: 1, onnotice: () => {} });
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let started = () => {};
    const reading = new Promise<void>((resolve) => (started = resolve));
    const transaction = reader.begin(async (tx) => {
      await tx`select count(*) from audit_events`; // an export's transaction: AccessShare on audit_events until it ends
      started();
      await held;
    });
    try {
      await reading;
      // Creating the hour now due ahead and the swap both give up on their lock (after 1 s and 5 s) instead of queueing.
      const blocked = await runPartitionJob(ctx.db, at);
      expect(blocked.created).toEqual([]);
      expect(blocked.compacted).not.toContain('audit_events_p20310710');
      expect(await compactStep(ctx.db, 'ready', '2031-07-10')).toBe('true');
      expect(await rowsAsStored(ctx.db, org.id)).toEqual(stored);
    } finally {
      release();
      await transaction;
      await reader.end();
    }
    const later = await runPartitionJob(ctx.db, at);
    expect(later.created).toEqual(['audit_events_p2031071201']);
    expect(later.compacted).toContain('audit_events_p20310710');
    expect(await partitionOf(ctx.db, org.id)).toEqual(['audit_events_p20310710']);
    expect(await rowsAsStored(ctx.db, org.id)).toEqual(stored);
    expect(await verifyChain(ctx.db, org.id)).toMatchObject({ ok: true });
  });
});
