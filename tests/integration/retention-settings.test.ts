import { and, eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { auditEvents, organizations } from '@/db/schema';
import { updateSettingsOperation } from '@/lib/operations/settings';
import { executeAudited } from '@/lib/recording/operation';
import { actingAs } from './context';
import { describeEachDatabase } from './databases';

describeEachDatabase('retention settings: legal hold', (ctx) => {
  const holdOf = async (orgId: string) => (await ctx.db.select().from(organizations).where(eq(organizations.id, orgId)))[0]!.legalHold;
  const settingsEvents = (orgId: string) =>
    ctx.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, orgId), eq(auditEvents.objectType, 'settings')))
      .orderBy(auditEvents.seq);

  it('lets an owner place and lift a legal hold, recorded with before/after', async () => {
    const owner = await actingAs(ctx.db, 'hold-owner@example.com', 'owner');
    expect(await holdOf(owner.org.orgId)).toBe(false);
    // What the form posts with the box ticked: the hidden "off" overridden by the checkbox's "on".
    const on = await executeAudited(ctx.db, updateSettingsOperation, owner, { name: 'Held Inc', timeZone: 'UTC', retentionDays: '365', legalHold: 'on' });
    expect(on).toMatchObject({ ok: true, data: { legal_hold: true } });
    expect(await holdOf(owner.org.orgId)).toBe(true);
    const off = await executeAudited(ctx.db, updateSettingsOperation, owner, { name: 'Held Inc', timeZone: 'UTC', retentionDays: '365', legalHold: 'off' });
    expect(off.ok).toBe(true);
    expect(await holdOf(owner.org.orgId)).toBe(false);

    const [placed, lifted] = await settingsEvents(owner.org.orgId);
    expect(placed).toMatchObject({ result: 'success', before: { legal_hold: false }, after: { legal_hold: true } });
    expect(placed!.changedFields).toContain('legal_hold');
    expect(placed!.message).toContain('legal_hold');
    expect(lifted).toMatchObject({ before: { legal_hold: true }, after: { legal_hold: false } });
  });

  it('refuses a legal-hold change by an admin (recorded as a failure) but keeps the hold when an admin saves other settings', async () => {
    const owner = await actingAs(ctx.db, 'hold-owner2@example.com', 'owner');
    const admin = await actingAs(ctx.db, 'hold-admin@example.com', 'admin', owner.org.orgId);
    await executeAudited(ctx.db, updateSettingsOperation, owner, { name: 'Held', timeZone: 'UTC', retentionDays: '365', legalHold: 'on' });

    const refused = await executeAudited(ctx.db, updateSettingsOperation, admin, { name: 'Held', timeZone: 'UTC', retentionDays: '365', legalHold: 'off' });
    expect(refused).toMatchObject({ ok: false, error: 'Only owners can place or lift a legal hold.' });
    expect(await holdOf(owner.org.orgId)).toBe(true);
    const events = await settingsEvents(owner.org.orgId);
    expect(events.at(-1)).toMatchObject({
      result: 'failure',
      actorLabel: 'hold-admin@example.com',
      errorMessage: 'Only owners can place or lift a legal hold.',
    });

    // The admin's form has no enabled legal-hold field: absent means unchanged.
    const saved = await executeAudited(ctx.db, updateSettingsOperation, admin, { name: 'Held Renamed', timeZone: 'UTC', retentionDays: '400' });
    expect(saved).toMatchObject({ ok: true, data: { legal_hold: true, retention_days: 400 } });
    expect(await holdOf(owner.org.orgId)).toBe(true);
  });

  it('rejects anything but on/off', async () => {
    const owner = await actingAs(ctx.db, 'hold-owner3@example.com', 'owner');
    const result = await executeAudited(ctx.db, updateSettingsOperation, owner, { name: 'X', timeZone: 'UTC', retentionDays: '365', legalHold: 'yes' });
    expect(result).toMatchObject({ ok: false, fieldErrors: { legalHold: ['Legal hold is on or off.'] } });
  });
});
