import { and, eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { auditEvents, memberships } from '@/db/schema';
import { inviteMemberOperation } from '@/lib/operations/invitations';
import { updateSettingsOperation } from '@/lib/operations/settings';
import { executeAudited } from '@/lib/recording/operation';
import { RATE_RULES } from '@/lib/rate-limits';
import { actingAs } from './context';
import { describeEachDatabase } from './databases';

// A member attacking admin actions: every denied attempt is recorded, whatever bytes it carried, within bounds.
describeEachDatabase('failure entries under attack', (ctx) => {
  const failuresOf = (orgId: string) =>
    ctx.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, orgId), eq(auditEvents.result, 'failure')))
      .orderBy(auditEvents.occurredAt, auditEvents.seq);

  it('records a denied attempt whose fields hold NUL bytes and lone surrogates (cleaned)', async () => {
    const member = await actingAs(ctx.db, 'nul-member@example.com', 'member');
    const result = await executeAudited(ctx.db, inviteMemberOperation, member, { email: 'x\u0000@example.com', role: 'own\ud800er' });
    expect(result.ok).toBe(false);
    const [entry] = await failuresOf(member.org.orgId);
    expect(entry).toBeDefined();
    expect(entry!.metadata).toMatchObject({ request: { params: { email: 'x\uFFFD@example.com', role: 'own\uFFFDer' } } });
  });

  it('refuses NUL in an allowed action as invalid input, records it, and changes nothing', async () => {
    const owner = await actingAs(ctx.db, 'nul-owner@example.com', 'owner');
    const result = await executeAudited(ctx.db, updateSettingsOperation, owner, { name: 'Evil\u0000Corp', timeZone: 'UTC', retentionDays: '400' });
    expect(result).toMatchObject({ ok: false, fieldErrors: { name: [expect.stringMatching(/NUL/)] } });
    const [entry] = await failuresOf(owner.org.orgId);
    expect(entry!.errorMessage).toMatch(/^Validation failed: name/);
  });

  it('stores a few KB of a 900 KB junk field, with a truncation marker', async () => {
    const member = await actingAs(ctx.db, 'junk-member@example.com', 'member');
    await executeAudited(ctx.db, inviteMemberOperation, member, { email: 'j@example.com', role: 'admin', junk: 'A'.repeat(900_000) });
    const [entry] = await failuresOf(member.org.orgId);
    const stored = JSON.stringify(entry!.metadata);
    expect(stored.length).toBeLessThan(6_000);
    expect(stored).toContain('[truncated 899500 characters]');
    expect(entry!.metadata).toMatchObject({ request: { truncated: true } });
  });

  it('rate-limits denied attempts per user: the limit is recorded once per window, then attempts are refused', async () => {
    const member = await actingAs(ctx.db, 'flood-member@example.com', 'member');
    const max = RATE_RULES.deniedByUser.max;
    const results = [];
    for (let i = 0; i < max + 5; i++) results.push(await executeAudited(ctx.db, inviteMemberOperation, member, { email: `f${i}@example.com`, role: 'admin' }));
    expect(results.slice(0, max).every((r) => !r.ok && r.error.startsWith('Permission denied'))).toBe(true);
    expect(results.slice(max).every((r) => !r.ok && r.error.startsWith('Too many failed attempts'))).toBe(true);
    const failures = await failuresOf(member.org.orgId);
    expect(failures).toHaveLength(max + 1);
    expect(failures.filter((f) => f.errorMessage === 'rate_limited')).toHaveLength(1);
    expect(await ctx.db.select().from(memberships).where(eq(memberships.orgId, member.org.orgId))).toHaveLength(1);
  });
});
