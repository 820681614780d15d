import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { auditEvents, userSessions } from '@/db/schema';
import { hashPassword } from '@/lib/auth/password';
import { originMismatch, REFUSED_ACTION_HEADER, REFUSED_PATH_HEADER } from '@/lib/auth/cross-origin';
import { recordCrossOriginRefusal } from '@/lib/auth/cross-origin-refusal';
import { signInWithPassword } from '@/lib/auth/sign-in';
import { endUserSession, listLiveSessions, liveSessionUser, sessionIsLive, startUserSession } from '@/lib/auth/user-sessions';
import { changeOwnPassword, signOutEverywhere } from '@/lib/operations/account';
import { removeMemberOperation } from '@/lib/operations/members';
import { executeAudited } from '@/lib/recording/operation';
import { actingAs } from './context';
import { addMember, createOrg, createUser } from './fixtures';
import { describeEachDatabase } from './databases';

describeEachDatabase('revocable sessions', (ctx) => {
  const request = (ip = '198.51.100.20') => ({ ip, userAgent: 'vitest-browser', requestId: `req-${Math.random()}` });
  const events = (orgId: string) => ctx.db.select().from(auditEvents).where(eq(auditEvents.orgId, orgId)).orderBy(auditEvents.occurredAt, auditEvents.id);

  async function signedIn(email: string, password: string) {
    const outcome = await signInWithPassword(ctx.db, { email, password }, request());
    if (!outcome.ok) throw new Error(`sign-in failed: ${outcome.reason}`);
    return outcome.sessionId;
  }

  async function personInTwoOrgs(email: string, password: string) {
    const a = await createOrg(ctx.db, `ses-a-${email.split('@')[0]}`);
    const b = await createOrg(ctx.db, `ses-b-${email.split('@')[0]}`);
    const user = await createUser(ctx.db, email, await hashPassword(password));
    await addMember(ctx.db, a.id, user.id, 'admin');
    await addMember(ctx.db, b.id, user.id, 'auditor');
    return { user, a, b };
  }

  it('starts a session row at sign-in that is live for its own user only, until it is ended', async () => {
    const { user } = await personInTwoOrgs('sid@example.com', 'session-pass-1');
    const other = await createUser(ctx.db, 'not-sid@example.com');
    const sessionId = await signedIn('sid@example.com', 'session-pass-1');
    const [row] = await ctx.db.select().from(userSessions).where(eq(userSessions.id, sessionId));
    expect(row).toMatchObject({ userId: user.id, ip: '198.51.100.20', userAgent: 'vitest-browser', revokedAt: null });
    expect(row!.expiresAt.getTime() - row!.createdAt.getTime()).toBeGreaterThan(7.9 * 3600_000);

    expect(await sessionIsLive(ctx.db, sessionId, user.id)).toBe(true);
    expect(await liveSessionUser(ctx.db, sessionId, user.id)).toEqual({ id: user.id, email: 'sid@example.com', name: 'sid' });
    expect(await sessionIsLive(ctx.db, sessionId, other.id)).toBe(false); // a session id under someone else's cookie
    expect(await sessionIsLive(ctx.db, undefined, user.id)).toBe(false); // a cookie from before sessions existed
    expect(await liveSessionUser(ctx.db, 'not-a-uuid', user.id)).toBeNull();
    // Past its end it is not live either.
    expect(await sessionIsLive(ctx.db, sessionId, user.id, new Date(Date.now() + 9 * 3600_000))).toBe(false);

    // Sign-out ends this session, not the user's others.
    const second = await signedIn('sid@example.com', 'session-pass-1');
    await endUserSession(ctx.db, user.id, sessionId);
    expect(await sessionIsLive(ctx.db, sessionId, user.id)).toBe(false);
    expect(await sessionIsLive(ctx.db, second, user.id)).toBe(true);
    expect((await listLiveSessions(ctx.db, user.id)).map((s) => s.id)).toEqual([second]);
  });

  it('a password change ends every other session of the user, in the same transaction as its entries', async () => {
    const { user, a, b } = await personInTwoOrgs('pw@example.com', 'old-session-pass');
    const here = await signedIn('pw@example.com', 'old-session-pass');
    const stolen = await signedIn('pw@example.com', 'old-session-pass');
    const laptop = await signedIn('pw@example.com', 'old-session-pass');

    const wrong = await changeOwnPassword(
      ctx.db,
      user,
      request(),
      { currentPassword: 'nope', newPassword: 'new-session-pass', confirmPassword: 'new-session-pass' },
      here,
    );
    expect(wrong.ok).toBe(false);
    expect(await sessionIsLive(ctx.db, stolen, user.id)).toBe(true); // a refused change ends nothing

    const changed = await changeOwnPassword(
      ctx.db,
      user,
      request(),
      { currentPassword: 'old-session-pass', newPassword: 'new-session-pass', confirmPassword: 'new-session-pass' },
      here,
    );
    expect(changed.ok).toBe(true);
    expect(await sessionIsLive(ctx.db, here, user.id)).toBe(true);
    expect(await sessionIsLive(ctx.db, stolen, user.id)).toBe(false);
    expect(await sessionIsLive(ctx.db, laptop, user.id)).toBe(false);
    for (const org of [a, b]) {
      const update = (await events(org.id)).find((e) => e.action === 'update' && e.result === 'success');
      expect(update).toMatchObject({ objectType: 'user', metadata: { sessions_ended: 2 } });
    }
  });

  it('removing a member ends all of their sessions; a refused removal ends none', async () => {
    const owner = await actingAs(ctx.db, 'remover@example.com', 'owner');
    const removed = await createUser(ctx.db, 'removed@example.com', await hashPassword('removed-pass-1'));
    await addMember(ctx.db, owner.org.orgId, removed.id, 'auditor');
    const one = await signedIn('removed@example.com', 'removed-pass-1');
    const two = await signedIn('removed@example.com', 'removed-pass-1');
    const ownerSession = await startUserSession(ctx.db, owner.user.id, owner.request);

    const refused = await executeAudited(ctx.db, removeMemberOperation, owner, { userId: owner.user.id }); // the last owner
    expect(refused.ok).toBe(false);
    expect(await sessionIsLive(ctx.db, ownerSession, owner.user.id)).toBe(true);

    expect((await executeAudited(ctx.db, removeMemberOperation, owner, { userId: removed.id })).ok).toBe(true);
    expect(await sessionIsLive(ctx.db, one, removed.id)).toBe(false);
    expect(await sessionIsLive(ctx.db, two, removed.id)).toBe(false);
    expect(await sessionIsLive(ctx.db, ownerSession, owner.user.id)).toBe(true);
    const entry = (await events(owner.org.orgId)).find((e) => e.action === 'delete' && e.result === 'success');
    expect(entry).toMatchObject({ objectId: removed.id, metadata: { sessions_ended: 2 } });
  });

  it('"sign out everywhere" ends every session and records a logout on session in each organization', async () => {
    const { user, a, b } = await personInTwoOrgs('everywhere@example.com', 'everywhere-pass');
    const sessions = [await signedIn('everywhere@example.com', 'everywhere-pass'), await signedIn('everywhere@example.com', 'everywhere-pass')];
    const result = await signOutEverywhere(ctx.db, user, request());
    expect(result).toMatchObject({ ok: true, data: { ended: 2 } });
    for (const id of sessions) expect(await sessionIsLive(ctx.db, id, user.id)).toBe(false);
    expect(await listLiveSessions(ctx.db, user.id)).toEqual([]);
    for (const org of [a, b]) {
      const logout = (await events(org.id)).filter((e) => e.action === 'logout');
      expect(logout).toHaveLength(1);
      expect(logout[0]).toMatchObject({ objectType: 'session', result: 'success', actorId: user.id, metadata: { sessions_ended: 2 } });
    }
  });

  it('records a refused cross-origin submission for the signed-in user in their current organization only', async () => {
    const admin = await actingAs(ctx.db, 'csrf-target@example.com', 'admin');
    const elsewhere = await createOrg(ctx.db, 'ses-elsewhere');
    await addMember(ctx.db, elsewhere.id, admin.user.id, 'owner');
    const headers = new Headers({
      origin: 'http://localhost:3001',
      host: '127.0.0.1:3000',
      [REFUSED_PATH_HEADER]: '/members',
      [REFUSED_ACTION_HEADER]: '1',
    });
    const mismatch = originMismatch(headers);
    expect(mismatch).toEqual({ origin: 'http://localhost:3001', host: '127.0.0.1:3000' });
    await recordCrossOriginRefusal(ctx.db, admin, headers, mismatch!);
    const [entry, ...rest] = await events(admin.org.orgId);
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({
      actorId: admin.user.id,
      result: 'failure',
      objectType: 'request',
      objectId: '/members',
      ip: admin.request.ip,
      metadata: { origin: 'http://localhost:3001', host: '127.0.0.1:3000', path: '/members', server_action: true },
    });
    expect(entry!.errorMessage).toMatch(/^cross_origin: /);
    expect(await events(elsewhere.id)).toEqual([]);
  });
});
