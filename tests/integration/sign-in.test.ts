import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { auditEvents } from '@/db/schema';
import { changeOwnPassword } from '@/lib/operations/account';
import { hashPassword } from '@/lib/auth/password';
import { signInWithPassword } from '@/lib/auth/sign-in';
import { addressDelayFor, addressDelayMs, THROTTLE } from '@/lib/auth/throttle';
import { describeEachDatabase } from './databases';
import { addMember, createOrg, createUser } from './fixtures';

describeEachDatabase('sign-in events, throttling and password change', (ctx) => {
  const request = (ip: string) => ({ ip, userAgent: 'vitest', requestId: `req-${Math.random()}` });

  async function userInTwoOrgs(email: string, password: string) {
    const a = await createOrg(ctx.db, `si-a-${email.split('@')[0]}`);
    const b = await createOrg(ctx.db, `si-b-${email.split('@')[0]}`);
    const user = await createUser(ctx.db, email, await hashPassword(password));
    await addMember(ctx.db, a.id, user.id, 'admin');
    await addMember(ctx.db, b.id, user.id, 'auditor');
    return { user, a, b };
  }
  const events = (orgId: string) => ctx.db.select().from(auditEvents).where(eq(auditEvents.orgId, orgId)).orderBy(auditEvents.occurredAt, auditEvents.id);

  it('records login and login_failed (attempted email, never the password) in each of the user’s organizations', async () => {
    const { a, b } = await userInTwoOrgs('sam@example.com', 'right-password-1');
    expect(await signInWithPassword(ctx.db, { email: 'sam@example.com', password: 'wrong-password-9' }, request('198.51.100.1'))).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect(await signInWithPassword(ctx.db, { email: 'SAM@example.com', password: 'right-password-1' }, request('198.51.100.1'))).toMatchObject({ ok: true });
    for (const org of [a, b]) {
      const rows = await events(org.id);
      expect(rows.map((r) => [r.action, r.result, r.ip])).toEqual([
        ['login_failed', 'failure', '198.51.100.1'],
        ['login', 'success', '198.51.100.1'],
      ]);
      expect(rows[0]!.metadata).toMatchObject({ attempted_email: 'sam@example.com' });
      expect(JSON.stringify(rows)).not.toContain('wrong-password-9');
    }
  });

  it('locks an account after repeated failures, records the lockout, and refuses even the right password', async () => {
    const { a } = await userInTwoOrgs('lee@example.com', 'right-password-2');
    for (let i = 0; i < THROTTLE.accountLimit; i++) {
      // Different addresses: the per-account limit is what trips.
      await signInWithPassword(ctx.db, { email: 'lee@example.com', password: `nope-${i}` }, request(`192.0.2.${10 + i}`));
    }
    const locked = await signInWithPassword(ctx.db, { email: 'lee@example.com', password: 'right-password-2' }, request('192.0.2.99'));
    expect(locked).toMatchObject({ ok: false, reason: 'locked' });
    const actions = (await events(a.id)).map((e) => e.action);
    expect(actions.filter((x) => x === 'login_failed')).toHaveLength(THROTTLE.accountLimit + 1);
    expect(actions.filter((x) => x === 'lockout')).toHaveLength(1);
    expect(actions).not.toContain('login');
  });

  it('slows down (never locks) an address that tries many accounts, growing the delay through the database, and records it', async () => {
    const ip = '203.0.113.200';
    // Kim signed in from this address earlier today: her organization hears about the slowdown.
    const { user, a, b } = await userInTwoOrgs('kim@example.com', 'right-password-3');
    expect(await signInWithPassword(ctx.db, { email: user.email, password: 'right-password-3' }, request(ip))).toMatchObject({ ok: true });
    const quiet = await createOrg(ctx.db, 'si-quiet');

    const waits: number[] = [];
    const wait = async (ms: number) => void waits.push(ms);
    let last;
    for (let i = 0; i < THROTTLE.addressFreeFailures; i++) {
      last = await signInWithPassword(ctx.db, { email: `spray${i}@example.com`, password: 'x' }, request(ip), wait);
    }
    expect(waits).toEqual([]); // the free failures cost nothing
    expect(last).toEqual({ ok: false, reason: 'invalid', slowed: true });
    // The next attempt waits; each failure doubles the wait, read back from the database (shared by every instance).
    expect(await addressDelayMs(ctx.db, ip)).toBe(THROTTLE.addressFirstDelayMs);
    await signInWithPassword(ctx.db, { email: 'spray-x@example.com', password: 'x' }, request(ip), wait);
    await signInWithPassword(ctx.db, { email: 'spray-y@example.com', password: 'x' }, request(ip), wait);
    expect(waits).toEqual([THROTTLE.addressFirstDelayMs, 2 * THROTTLE.addressFirstDelayMs]);
    expect(await addressDelayMs(ctx.db, ip)).toBe(4 * THROTTLE.addressFirstDelayMs);
    expect(addressDelayFor(THROTTLE.addressFreeFailures + 50)).toBe(THROTTLE.addressMaxDelayMs);
    // Another address is not slowed.
    expect(await addressDelayMs(ctx.db, '203.0.113.201')).toBe(0);

    // Slowed, not locked: the right password still works from the busy address (after its wait).
    expect(await signInWithPassword(ctx.db, { email: user.email, password: 'right-password-3' }, request(ip), wait)).toMatchObject({ ok: true });
    expect(waits).toHaveLength(3);

    // Recorded once, in the organizations that signed in from there; no attempted emails.
    for (const org of [a, b]) {
      const lockouts = (await events(org.id)).filter((e) => e.action === 'lockout');
      expect(lockouts).toHaveLength(1);
      expect(lockouts[0]).toMatchObject({
        actorType: 'system',
        ip,
        objectType: 'session',
        metadata: { scope: 'address', failures: THROTTLE.addressFreeFailures },
      });
      expect(JSON.stringify(lockouts)).not.toContain('spray');
    }
    expect(await events(quiet.id)).toEqual([]);
  });

  it('changes a password atomically with its (redacted) audit entries', async () => {
    const { user, a, b } = await userInTwoOrgs('pat@example.com', 'old-password-123');
    const req = request('198.51.100.77');
    const wrong = await changeOwnPassword(ctx.db, user, req, { currentPassword: 'nope', newPassword: 'new-password-456', confirmPassword: 'new-password-456' });
    expect(wrong).toMatchObject({ ok: false, fieldErrors: { currentPassword: ['Not your current password.'] } });
    const short = await changeOwnPassword(ctx.db, user, req, { currentPassword: 'old-password-123', newPassword: 'short', confirmPassword: 'short' });
    expect(short.ok).toBe(false);
    expect(
      (
        await changeOwnPassword(ctx.db, user, req, {
          currentPassword: 'old-password-123',
          newPassword: 'new-password-456',
          confirmPassword: 'new-password-456',
        })
      ).ok,
    ).toBe(true);

    expect(await signInWithPassword(ctx.db, { email: 'pat@example.com', password: 'old-password-123' }, request('198.51.100.78'))).toMatchObject({ ok: false });
    expect(await signInWithPassword(ctx.db, { email: 'pat@example.com', password: 'new-password-456' }, request('198.51.100.78'))).toMatchObject({ ok: true });
    for (const org of [a, b]) {
      const rows = (await events(org.id)).filter((e) => e.objectType === 'user');
      expect(rows.map((r) => r.result)).toEqual(['failure', 'failure', 'success']);
      expect(rows[2]!.changes).toEqual([{ path: 'password_hash', before: '[REDACTED]', after: '[REDACTED]' }]);
      expect(JSON.stringify(rows)).not.toMatch(/argon2id|new-password-456|old-password-123/);
    }
  });
});
