import type { Db } from '@/db/client';
import { getUserByEmail, listMembershipsForUser } from '@/db/queries/tenancy';
import { recordAuditEvent, type AuditEntry } from '@/lib/recording/record';
import type { RequestContext } from '@/lib/recording/request-context';
import { credentialsSchema, verifyCredentials } from './credentials';
import { accountKey, activeLock, clearFailures, ipKey, registerFailure, THROTTLE } from './throttle';

export type SignInOutcome =
  { ok: true; user: { id: string; email: string; name: string } } | { ok: false; reason: 'invalid' } | { ok: false; reason: 'locked'; until: Date };

type SessionEvent = Pick<AuditEntry, 'action' | 'message' | 'result' | 'errorMessage' | 'metadata'>;

/** Records a sign-in event in every organization the account belongs to (it is each one's security event). */
export async function recordSessionEvent(db: Db, user: { id: string; email: string }, request: RequestContext, event: SessionEvent) {
  const orgs = await listMembershipsForUser(db, user.id);
  for (const org of orgs) {
    await recordAuditEvent(db, {
      orgId: org.orgId,
      actor: { type: 'user', id: user.id, label: user.email },
      source: 'web',
      ip: request.ip,
      userAgent: request.userAgent,
      requestId: request.requestId,
      objectType: 'session',
      objectId: user.id,
      objectLabel: user.email,
      module: 'Access',
      ...event,
    });
  }
}

/**
 * Password sign-in with throttling: 5 failures per account or 20 per address within 15 minutes lock
 * further attempts for 15 minutes. Every outcome for a known account is audited (login, login_failed,
 * lockout); the password itself is never recorded.
 */
export async function signInWithPassword(db: Db, raw: unknown, request: RequestContext): Promise<SignInOutcome> {
  const parsed = credentialsSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: 'invalid' };
  const { email } = parsed.data;
  const keys = [accountKey(email), ...(request.ip ? [ipKey(request.ip)] : [])];
  const known = await getUserByEmail(db, email);

  const lockedUntil = await activeLock(db, keys);
  if (lockedUntil) {
    if (known) {
      await recordSessionEvent(db, known, request, {
        action: 'login_failed',
        result: 'failure',
        message: `Sign-in refused for ${email}: too many failed attempts`,
        errorMessage: `Locked until ${lockedUntil.toISOString()}`,
        metadata: { attempted_email: email, locked_until: lockedUntil.toISOString() },
      });
    }
    return { ok: false, reason: 'locked', until: lockedUntil };
  }

  const user = await verifyCredentials(db, parsed.data);
  if (!user) {
    const accountLock = await registerFailure(db, accountKey(email), THROTTLE.accountLimit);
    const ipLock = request.ip ? await registerFailure(db, ipKey(request.ip), THROTTLE.ipLimit) : null;
    if (known) {
      await recordSessionEvent(db, known, request, {
        action: 'login_failed',
        result: 'failure',
        message: `Sign-in failed for ${email}`,
        errorMessage: 'Invalid email or password',
        metadata: { attempted_email: email, method: 'password' },
      });
      const lock = accountLock ?? ipLock;
      if (lock) {
        await recordSessionEvent(db, known, request, {
          action: 'lockout',
          result: 'success',
          message: `Locked sign-in for ${email} after ${accountLock ? THROTTLE.accountLimit : THROTTLE.ipLimit} failed attempts`,
          metadata: { attempted_email: email, locked_until: lock.toISOString(), scope: accountLock ? 'account' : 'ip' },
        });
      }
    }
    return { ok: false, reason: 'invalid' };
  }

  await clearFailures(db, accountKey(email));
  await recordSessionEvent(db, user, request, { action: 'login', message: 'Signed in', metadata: { method: 'password' } });
  return { ok: true, user };
}
