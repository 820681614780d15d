import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { countRateHit } from '@/db/queries/rate-limits';
import { createUserSession } from '@/db/queries/user-sessions';
import { auditEvents, organizations, rateLimits, userSessions } from '@/db/schema';
import { verifyChain } from '@/lib/chain/verify';
import { uuidv7 } from '@/lib/ids';
import { forgetEndedAccessState } from '@/lib/lifecycle/housekeeping';
import { applyRetention, runRetention } from '@/lib/lifecycle/retention';
import { cancelRetentionChangeOperation, createUpdateSettingsOperation } from '@/lib/operations/settings';
import { executeAudited, type OperationContext } from '@/lib/recording/operation';
import { recordAuditEvents } from '@/lib/recording/record';
import { seqsOf } from './chain-helpers';
import { actingAs } from './context';
import { describeEachDatabase } from './databases';
import { createUser } from './fixtures';

const DAY = 86_400_000;
// The defaults, passed explicitly so the test does not depend on the environment.
const POLICY = { minDays: 365, delayDays: 7 };
const updateSettings = createUpdateSettingsOperation(POLICY);
const FLOOR = { minDays: POLICY.minDays };

describeEachDatabase('retention changes: owner-only shortening, delay, floor', (ctx) => {
  const orgRow = async (orgId: string) => (await ctx.db.select().from(organizations).where(eq(organizations.id, orgId)))[0]!;
  const settingsEvents = (orgId: string) =>
    ctx.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, orgId), eq(auditEvents.objectType, 'settings')))
      .orderBy(auditEvents.seq);
  const setRetention = (orgId: string, retentionDays: number) => ctx.db.update(organizations).set({ retentionDays }).where(eq(organizations.id, orgId));
  const save = (who: OperationContext, retentionDays: number, name = who.org.name) =>
    executeAudited(ctx.db, updateSettings, who, { name, timeZone: 'UTC', retentionDays: String(retentionDays) });

  /** Entries `ages` days before `now`, chained in array order (seq i + 1 is ages[i]). */
  async function insertAged(db: Db, orgId: string, ages: number[], now: Date) {
    await recordAuditEvents(
      db,
      ages.map((age, i) => {
        const at = new Date(now.getTime() - age * DAY);
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

  async function ownerAndAdmin(slug: string, retentionDays: number) {
    const owner = await actingAs(ctx.db, `${slug}-owner@example.com`, 'owner');
    const admin = await actingAs(ctx.db, `${slug}-admin@example.com`, 'admin', owner.org.orgId);
    await setRetention(owner.org.orgId, retentionDays);
    return { owner, admin, orgId: owner.org.orgId };
  }

  it("refuses an admin's shortening (recorded as a failure) but applies an admin's lengthening at once", async () => {
    const { admin, orgId } = await ownerAndAdmin('short-admin', 400);
    const refused = await save(admin, 365);
    expect(refused).toMatchObject({
      ok: false,
      error: 'Only owners can shorten the retention period.',
      fieldErrors: { retentionDays: ['Only owners can shorten this; admins may lengthen it.'] },
    });
    expect(await orgRow(orgId)).toMatchObject({ retentionDays: 400, retentionPendingDays: null, retentionPendingAt: null });
    expect((await settingsEvents(orgId)).at(-1)).toMatchObject({
      result: 'failure',
      actorLabel: 'short-admin-admin@example.com',
      errorMessage: 'Only owners can shorten the retention period.',
    });

    expect(await save(admin, 500)).toMatchObject({ ok: true, data: { retention_days: 500, retention_pending_days: null } });
    expect((await orgRow(orgId)).retentionDays).toBe(500);
  });

  it("schedules an owner's shortening instead of applying it; the job applies it only once it is due", async () => {
    const now = new Date();
    const owner = await actingAs(ctx.db, 'short-owner@example.com', 'owner');
    const orgId = owner.org.orgId;
    // Ages at the time of the save: all inside 400 days even a week later; the first two fall outside 365 then.
    await insertAged(ctx.db, orgId, [380, 370, 10], now);
    await setRetention(orgId, 400);

    const saved = await save(owner, 365);
    expect(saved).toMatchObject({ ok: true, data: { retention_days: 400, retention_pending_days: 365 } });
    const org = await orgRow(orgId);
    expect(org).toMatchObject({ retentionDays: 400, retentionPendingDays: 365 });
    const due = org.retentionPendingAt!;
    expect(due.getTime() - now.getTime()).toBeGreaterThanOrEqual(7 * DAY);
    expect(due.getTime() - now.getTime()).toBeLessThan(7 * DAY + 60_000);
    const [scheduled] = await settingsEvents(orgId);
    expect(scheduled).toMatchObject({
      result: 'success',
      before: { retention_days: 400, retention_pending_days: null, retention_pending_at: null },
      after: { retention_days: 400, retention_pending_days: 365, retention_pending_at: due.toISOString() },
    });
    expect([...scheduled!.changedFields].sort()).toEqual(['retention_pending_at', 'retention_pending_days']);
    expect(scheduled!.message).toMatch(/retention 400 → 365 days scheduled for \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);

    // A minute before it is due: the current 400 days apply, nothing goes, nothing is recorded.
    const before = await seqsOf(ctx.db, orgId);
    expect(await applyRetention(ctx.db, orgId, new Date(due.getTime() - 60_000), FLOOR)).toMatchObject({ removed: 0, retentionDays: 400, changed: null });
    expect(await seqsOf(ctx.db, orgId)).toEqual(before);
    expect(await orgRow(orgId)).toMatchObject({ retentionDays: 400, retentionPendingDays: 365 });

    // Once due: the period becomes current in the same run that removes what it no longer keeps.
    const after = new Date(due.getTime() + 60_000);
    const results = await runRetention(ctx.db, { now: after, ...FLOOR });
    expect(results.find((r) => r.orgId === orgId)).toMatchObject({
      removed: 2,
      throughSeq: 2,
      retentionDays: 365,
      changed: { from: 400, to: 365, dueAt: due },
    });
    expect(await orgRow(orgId)).toMatchObject({ retentionDays: 365, retentionPendingDays: null, retentionPendingAt: null });
    const took = (await settingsEvents(orgId)).at(-1)!;
    expect(took).toMatchObject({
      actorType: 'system',
      actorLabel: 'Retention job',
      source: 'system',
      action: 'update',
      before: { retention_days: 400, retention_pending_days: 365 },
      after: { retention_days: 365, retention_pending_days: null, retention_pending_at: null },
    });
    expect(took.message).toMatch(/^Scheduled retention change took effect: 400 → 365 days/);
    const [removal] = await ctx.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, orgId), eq(auditEvents.objectType, 'audit_log')));
    expect(removal!.message).toBe('Removed 2 entries older than 365 days (through #2)');
    expect(removal!.seq).toBeGreaterThan(took.seq);
    expect(await verifyChain(ctx.db, orgId)).toMatchObject({ ok: true });

    // The next run has nothing due and nothing old: no trace.
    const settled = await seqsOf(ctx.db, orgId);
    expect(await applyRetention(ctx.db, orgId, after, FLOOR)).toMatchObject({ removed: 0, changed: null });
    expect(await seqsOf(ctx.db, orgId)).toEqual(settled);
  });

  it('lets an owner cancel a scheduled shortening (audited); an admin may not, but lengthening replaces it', async () => {
    const { owner, admin, orgId } = await ownerAndAdmin('cancel', 400);
    expect((await save(owner, 370)).ok).toBe(true);
    const due = (await orgRow(orgId)).retentionPendingAt!;
    // Saving the same value again keeps the date it already has.
    expect((await save(owner, 370)).ok).toBe(true);
    expect((await orgRow(orgId)).retentionPendingAt).toEqual(due);

    const denied = await executeAudited(ctx.db, cancelRetentionChangeOperation, admin, {});
    expect(denied).toMatchObject({ ok: false, error: 'Only owners can cancel a scheduled retention change.' });
    expect((await orgRow(orgId)).retentionPendingDays).toBe(370);

    const cancelled = await executeAudited(ctx.db, cancelRetentionChangeOperation, owner, {});
    expect(cancelled).toMatchObject({ ok: true, data: { retention_days: 400, retention_pending_days: null, retention_pending_at: null } });
    expect(await orgRow(orgId)).toMatchObject({ retentionDays: 400, retentionPendingDays: null, retentionPendingAt: null });
    const events = await settingsEvents(orgId);
    expect(events.at(-2)).toMatchObject({ result: 'failure', actorLabel: 'cancel-admin@example.com' });
    expect(events.at(-1)).toMatchObject({
      result: 'success',
      action: 'update',
      actorLabel: 'cancel-owner@example.com',
      before: { retention_pending_days: 370, retention_pending_at: due.toISOString() },
      after: { retention_days: 400, retention_pending_days: null, retention_pending_at: null },
    });
    expect(events.at(-1)!.message).toMatch(/^Cancelled the scheduled retention change \(400 → 370 days on /);
    // Past the old due time the job keeps applying 400 days.
    expect(await applyRetention(ctx.db, orgId, new Date(due.getTime() + DAY), FLOOR)).toMatchObject({ retentionDays: 400, changed: null });
    expect((await executeAudited(ctx.db, cancelRetentionChangeOperation, owner, {})).ok).toBe(false); // nothing left to cancel

    // An admin's lengthening while a shortening waits cancels the shortening.
    expect((await save(owner, 380)).ok).toBe(true);
    expect(await save(admin, 450)).toMatchObject({ ok: true, data: { retention_days: 450, retention_pending_days: null } });
    expect(await orgRow(orgId)).toMatchObject({ retentionDays: 450, retentionPendingDays: null, retentionPendingAt: null });
    expect((await settingsEvents(orgId)).at(-1)!.message).toContain('the scheduled shorter retention period was cancelled');
    // Saving other settings leaves a waiting shortening alone.
    expect((await save(owner, 400)).ok).toBe(true);
    expect((await save(admin, 450, 'Renamed Inc')).ok).toBe(true);
    expect(await orgRow(orgId)).toMatchObject({ name: 'Renamed Inc', retentionDays: 450, retentionPendingDays: 400 });
  });

  it('refuses a period below the floor for owners and admins alike, with a field error, recorded', async () => {
    const { owner, admin, orgId } = await ownerAndAdmin('floor', 400);
    for (const who of [owner, admin]) {
      const refused = await save(who, 30);
      expect(refused).toMatchObject({
        ok: false,
        error: 'The retention period must be at least 365 days.',
        fieldErrors: { retentionDays: ['Keep at least 365 days (the minimum set for this server).'] },
      });
    }
    expect(await orgRow(orgId)).toMatchObject({ retentionDays: 400, retentionPendingDays: null });
    const failures = (await settingsEvents(orgId)).filter((e) => e.result === 'failure');
    expect(failures.map((e) => [e.actorLabel, e.errorMessage])).toEqual([
      ['floor-owner@example.com', 'The retention period must be at least 365 days.'],
      ['floor-admin@example.com', 'The retention period must be at least 365 days.'],
    ]);
    // A floor from configuration binds whatever it is set to.
    const lower = createUpdateSettingsOperation({ minDays: 30, delayDays: 7 });
    expect(await executeAudited(ctx.db, lower, owner, { name: 'Keep Inc', timeZone: 'UTC', retentionDays: '30' })).toMatchObject({
      ok: true,
      data: { retention_days: 400, retention_pending_days: 30 },
    });
  });

  it('treats an organization already below the floor as the floor, without rewriting its value', async () => {
    const now = new Date(Date.UTC(2026, 10, 20, 12));
    const { owner, admin, orgId } = await ownerAndAdmin('below', 30);
    await insertAged(ctx.db, orgId, [400, 200, 40, 5], now);
    const result = await applyRetention(ctx.db, orgId, now, FLOOR);
    expect(result).toMatchObject({ removed: 1, throughSeq: 1, retentionDays: 365 });
    expect((await orgRow(orgId)).retentionDays).toBe(30);
    expect(await seqsOf(ctx.db, orgId)).toEqual([2, 3, 4, 5]);

    // Its settings still save with the value unchanged; moving it anywhere below the floor is refused.
    expect(await save(admin, 30, 'Still Works')).toMatchObject({ ok: true, data: { name: 'Still Works', retention_days: 30 } });
    expect(await save(owner, 100)).toMatchObject({ ok: false, fieldErrors: { retentionDays: [expect.stringContaining('365')] } });
    expect(await save(admin, 365)).toMatchObject({ ok: true, data: { retention_days: 365 } });
  });

  it('runs alongside settings saves and appenders; every call completes and the chain stays whole', async () => {
    const { owner, admin, orgId } = await ownerAndAdmin('busy', 400);
    const now = new Date();
    await insertAged(ctx.db, orgId, [500, 450, 420], now);
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 6; i += 1) {
      work.push(save(i % 2 ? owner : admin, 400 + ((i * 37) % 60)));
      work.push(applyRetention(ctx.db, orgId, new Date(now.getTime() + i * DAY), FLOOR));
      work.push(insertAged(ctx.db, orgId, [1], now));
    }
    const settled = await Promise.allSettled(work);
    expect(settled.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(await verifyChain(ctx.db, orgId)).toMatchObject({ ok: true });
  });

  it('forgets rate-limit windows and sessions that ended over two days ago, keeping the rest', async () => {
    const now = new Date(Date.UTC(2026, 10, 20, 12));
    const old = new Date(now.getTime() - 3 * DAY);
    await countRateHit(ctx.db, 'hk:old', 60_000, old);
    await countRateHit(ctx.db, 'hk:recent', 60_000, new Date(now.getTime() - DAY));
    const user = await createUser(ctx.db, 'housekeeping@example.com');
    const [expired, live, revokedLongAgo, revokedToday] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const session = (id: string, expiresAt: Date) => createUserSession(ctx.db, { id, userId: user.id, expiresAt, ip: null, userAgent: null });
    await session(expired, old);
    for (const id of [live, revokedLongAgo, revokedToday]) await session(id, new Date(now.getTime() + DAY));
    await ctx.db.update(userSessions).set({ revokedAt: old }).where(eq(userSessions.id, revokedLongAgo));
    await ctx.db.update(userSessions).set({ revokedAt: now }).where(eq(userSessions.id, revokedToday));

    await forgetEndedAccessState(ctx.db, now);
    const keys = (
      await ctx.db
        .select({ key: rateLimits.key })
        .from(rateLimits)
        .where(sql`${rateLimits.key} like 'hk:%'`)
    ).map((r) => r.key);
    expect(keys).toEqual(['hk:recent']);
    const ids = (await ctx.db.select({ id: userSessions.id }).from(userSessions).where(eq(userSessions.userId, user.id))).map((r) => r.id);
    expect(ids.sort()).toEqual([live, revokedToday].sort());
  });
});
