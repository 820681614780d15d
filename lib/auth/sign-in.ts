import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '@/db/client';
import { getUserByEmail, listMembershipsForUser } from '@/db/queries/tenancy';
import { listOrgIdsSignedInFrom } from '@/db/queries/user-sessions';
import { recordAuditEvent, type AuditEntry } from '@/lib/recording/record';
import type { RequestContext } from '@/lib/recording/request-context';
import { credentialsSchema, verifyCredentials } from './credentials';
import { accountLock, addressDelayFor, addressDelayMs, clearAccountFailures, registerAccountFailure, registerAddressFailure, THROTTLE } from './throttle';
import { startUserSession } from './user-sessions';

export type SignInOutcome =
  | { ok: true; user: { id: string; email: string; name: string }; sessionId: string }
  /** `slowed`: further attempts from this address are delayed (the form says so). */
  | { ok: false; reason: 'invalid'; slowed?: true }
  | { ok: false; reason: 'locked'; until: Date };

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

/** How far back a successful sign-in ties an address to an organization (see recordAddressSlowdown). */
const ADDRESS_TENANT_HOURS = 24;

/**
 * An address just crossed the free-failure limit. The failures may be against unknown emails, which belong to no
 * organization, so the event goes to the organizations whose members signed in from that address in the last 24 h
 * (their people share the address and now wait) and to the server log for the operator. No attempted emails are
 * stored: they may be other tenants' accounts.
 */
async function recordAddressSlowdown(db: Db, request: RequestContext & { ip: string }, failures: number, now = new Date()) {
  const message = `Sign-ins from ${request.ip} slowed down after ${failures} failed attempts in ${THROTTLE.windowMinutes} minutes`;
  console.warn(`[auth] ${message} (request ${request.requestId})`);
  const orgIds = await listOrgIdsSignedInFrom(db, request.ip, new Date(now.getTime() - ADDRESS_TENANT_HOURS * 3_600_000));
  for (const orgId of orgIds) {
    await recordAuditEvent(db, {
      orgId,
      actor: { type: 'system', id: null, label: 'sign-in throttle' },
      source: 'web',
      ip: request.ip,
      userAgent: request.userAgent,
      requestId: request.requestId,
      action: 'lockout',
      objectType: 'session',
      objectLabel: request.ip,
      module: 'Access',
      message,
      metadata: {
        scope: 'address',
        failures,
        window_minutes: THROTTLE.windowMinutes,
        delay_ms: { first: THROTTLE.addressFirstDelayMs, max: THROTTLE.addressMaxDelayMs },
      },
    });
  }
}

/**
 * Password sign-in with throttling (see THROTTLE): a slow address waits before its password is checked; a locked
 * email is refused even with the right password. Every outcome for a known account is audited (login, login_failed,
 * lockout), an address slowdown is recorded once per window; the password itself is never recorded. A success
 * starts a revocable session row whose id the caller puts in the cookie.
 */
export async function signInWithPassword(
  db: Db,
  raw: unknown,
  request: RequestContext,
  wait: (ms: number) => Promise<unknown> = sleep,
): Promise<SignInOutcome> {
  const parsed = credentialsSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: 'invalid' };
  const { email } = parsed.data;

  const delay = await addressDelayMs(db, request.ip);
  if (delay > 0) await wait(delay);

  const known = await getUserByEmail(db, email);
  const lockedUntil = await accountLock(db, email);
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
    const lock = await registerAccountFailure(db, email);
    const addressFailures = request.ip ? await registerAddressFailure(db, request.ip) : 0;
    if (known) {
      await recordSessionEvent(db, known, request, {
        action: 'login_failed',
        result: 'failure',
        message: `Sign-in failed for ${email}`,
        errorMessage: 'Invalid email or password',
        metadata: { attempted_email: email, method: 'password' },
      });
      if (lock) {
        await recordSessionEvent(db, known, request, {
          action: 'lockout',
          result: 'success',
          message: `Locked sign-in for ${email} after ${THROTTLE.accountLimit} failed attempts`,
          metadata: { attempted_email: email, locked_until: lock.toISOString(), scope: 'account' },
        });
      }
    } else if (lock) {
      // An email with no account belongs to no organization: the operator's log is the one place that can say so.
      console.warn(`[auth] Locked sign-in for an unknown email after ${THROTTLE.accountLimit} failed attempts (request ${request.requestId})`);
    }
    if (request.ip && addressFailures === THROTTLE.addressFreeFailures) await recordAddressSlowdown(db, { ...request, ip: request.ip }, addressFailures);
    return addressDelayFor(addressFailures) > 0 ? { ok: false, reason: 'invalid', slowed: true } : { ok: false, reason: 'invalid' };
  }

  await clearAccountFailures(db, email);
  const sessionId = await startUserSession(db, user.id, request);
  await recordSessionEvent(db, user, request, { action: 'login', message: 'Signed in', metadata: { method: 'password' } });
  return { ok: true, user, sessionId };
}
