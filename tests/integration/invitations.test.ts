import { and, eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { auditEvents, invitations, memberships } from '@/db/schema';
import { getUserByEmail } from '@/db/queries/tenancy';
import { verifyCredentials } from '@/lib/auth/credentials';
import { acceptInvitation } from '@/lib/operations/accept-invitation';
import { inviteMemberOperation, revokeInvitationOperation } from '@/lib/operations/invitations';
import { executeAudited } from '@/lib/recording/operation';
import { actingAs } from './context';
import { describeEachDatabase } from './databases';

const PASSWORD = 'chosen-by-carl-1';
const newAccount = (name: string, password = PASSWORD) => ({ kind: 'new-account' as const, input: { name, password, confirmPassword: password } });
const tokenOf = (path: string) => path.split('/').pop()!;

describeEachDatabase('invitations: no organization mints credentials for an identity it does not own', (ctx) => {
  const membersOf = async (orgId: string) => (await ctx.db.select().from(memberships).where(eq(memberships.orgId, orgId))).map((m) => m.userId);

  it('the cross-tenant takeover of the last round fails: a second organization cannot be joined without its own link', async () => {
    const bob = await actingAs(ctx.db, 'bob@acme-inv.test', 'admin');
    const gina = await actingAs(ctx.db, 'gina@globex-inv.test', 'owner');

    // Bob invites carl and (holding the link) opens it himself: he gets an Acme account for carl, nothing more.
    const bobInvite = await executeAudited(ctx.db, inviteMemberOperation, bob, { email: 'carl@globex-inv.test', role: 'member' });
    if (!bobInvite.ok) throw new Error(bobInvite.error);
    expect(Object.keys(bobInvite.data)).not.toContain('oneTimePassword');
    expect(await acceptInvitation(ctx.db, tokenOf(bobInvite.data.path), newAccount('Carl'), bob.request)).toMatchObject({ ok: true });
    const carl = (await getUserByEmail(ctx.db, 'carl@globex-inv.test'))!;

    // Gina invites the same address: her reply is shaped exactly like one for a new address (no account leak).
    const ginaInvite = await executeAudited(ctx.db, inviteMemberOperation, gina, { email: 'carl@globex-inv.test', role: 'admin' });
    const freshInvite = await executeAudited(ctx.db, inviteMemberOperation, gina, { email: 'nobody-yet@globex-inv.test', role: 'admin' });
    if (!ginaInvite.ok || !freshInvite.ok) throw new Error('invite failed');
    expect(Object.keys(ginaInvite.data).sort()).toEqual(Object.keys(freshInvite.data).sort());
    const [ginaEntry] = await ctx.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, gina.org.orgId), eq(auditEvents.objectLabel, 'carl@globex-inv.test')));
    expect(JSON.stringify(ginaEntry)).not.toMatch(/exist|new_account/);

    // Bob signs in as carl (he knows that password) but has no Globex link: carl is not in Globex.
    expect(await verifyCredentials(ctx.db, { email: 'carl@globex-inv.test', password: PASSWORD })).not.toBeNull();
    expect(await membersOf(gina.org.orgId)).not.toContain(carl.id);
    // Bob's own (used) link cannot be replayed into anything either.
    expect(await acceptInvitation(ctx.db, tokenOf(bobInvite.data.path), { kind: 'signed-in', user: carl }, bob.request)).toMatchObject({ ok: false });

    // Whoever holds Gina's link cannot set a password for the existing account: it must sign in as carl.
    expect(await acceptInvitation(ctx.db, tokenOf(ginaInvite.data.path), newAccount('Mallory', 'mallory-pass-123'), gina.request)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/already exists: sign in/),
    });
    expect(await verifyCredentials(ctx.db, { email: 'carl@globex-inv.test', password: 'mallory-pass-123' })).toBeNull();
    // A different signed-in account cannot use it either (and the refusal is recorded in Globex).
    const other = { id: bob.user.id, email: bob.user.email, name: bob.user.name };
    expect(await acceptInvitation(ctx.db, tokenOf(ginaInvite.data.path), { kind: 'signed-in', user: other }, bob.request)).toMatchObject({ ok: false });
    const refused = await ctx.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, gina.org.orgId), eq(auditEvents.result, 'failure')));
    expect(refused.map((e) => e.message)).toContain('Failed to accept an invitation');
    expect(await membersOf(gina.org.orgId)).not.toContain(carl.id);
  });

  it('a link works once, as the invited account, within its lifetime; revoked and expired links do not', async () => {
    const owner = await actingAs(ctx.db, 'owner@inv-once.test', 'owner');
    const invite = await executeAudited(ctx.db, inviteMemberOperation, owner, { email: 'dana@inv-once.test', role: 'auditor' });
    if (!invite.ok) throw new Error(invite.error);
    const token = tokenOf(invite.data.path);
    expect(await acceptInvitation(ctx.db, token, newAccount('Dana'), owner.request)).toMatchObject({ ok: true });
    const dana = (await getUserByEmail(ctx.db, 'dana@inv-once.test'))!;
    expect(await membersOf(owner.org.orgId)).toContain(dana.id);
    const [joined] = await ctx.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, owner.org.orgId), eq(auditEvents.actorId, dana.id)));
    expect(joined).toMatchObject({
      action: 'create',
      objectType: 'member',
      result: 'success',
      message: 'dana@inv-once.test accepted the invitation and joined as auditor',
    });
    expect(await acceptInvitation(ctx.db, token, { kind: 'signed-in', user: dana }, owner.request)).toMatchObject({ ok: false });

    const revoked = await executeAudited(ctx.db, inviteMemberOperation, owner, { email: 'eve@inv-once.test', role: 'member' });
    if (!revoked.ok) throw new Error(revoked.error);
    expect((await executeAudited(ctx.db, revokeInvitationOperation, owner, { invitationId: revoked.data.invitationId })).ok).toBe(true);
    expect(await acceptInvitation(ctx.db, tokenOf(revoked.data.path), newAccount('Eve'), owner.request)).toMatchObject({ ok: false });

    const expired = await executeAudited(ctx.db, inviteMemberOperation, owner, { email: 'finn@inv-once.test', role: 'member' });
    if (!expired.ok) throw new Error(expired.error);
    await ctx.db
      .update(invitations)
      .set({ expiresAt: sql`now() - interval '1 minute'` })
      .where(eq(invitations.id, expired.data.invitationId));
    expect(await acceptInvitation(ctx.db, tokenOf(expired.data.path), newAccount('Finn'), owner.request)).toMatchObject({ ok: false });
    expect(await getUserByEmail(ctx.db, 'finn@inv-once.test')).toBeNull();
  });

  it('two accepts of one link at once: exactly one wins', async () => {
    const owner = await actingAs(ctx.db, 'owner@inv-race.test', 'owner');
    const invite = await executeAudited(ctx.db, inviteMemberOperation, owner, { email: 'gil@inv-race.test', role: 'member' });
    if (!invite.ok) throw new Error(invite.error);
    const token = tokenOf(invite.data.path);
    const results = await Promise.all([
      acceptInvitation(ctx.db, token, newAccount('Gil'), owner.request),
      acceptInvitation(ctx.db, token, newAccount('Gil2'), owner.request),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect((await membersOf(owner.org.orgId)).length).toBe(2);
  });
});
