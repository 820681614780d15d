import { z } from 'zod';
import type { Db, Tx } from '@/db/client';
import { listMembershipsForUser, type MembershipWithOrg } from '@/db/queries/tenancy';
import { hasPermission, type Permission } from '@/lib/auth/roles';
import { DomainError } from '@/lib/errors';
import { recordAuditEvent, type AuditEntry } from '@/lib/recording/record';
import type { RequestContext } from '@/lib/recording/request-context';
import { cleanText, hasUnstorableText, storableCopy } from '@/lib/recording/storable';
import { RATE_RULES, takeRate, type RateDecision } from '@/lib/rate-limits';

/** Who acts on their own account, from where: enough for a change that belongs to no one organization. */
export type AccountContext = {
  user: { id: string; email: string };
  request: RequestContext;
  /** The session the change is made from (a password change keeps it and ends the others). */
  sessionId?: string;
};

export type OperationContext = {
  user: { id: string; email: string; name: string };
  org: MembershipWithOrg;
  request: RequestContext;
};

/** What the mutation tells the audit log about itself; actor, org and request are filled in for it. */
export type AuditOutcome = Pick<AuditEntry, 'objectId' | 'objectLabel' | 'message' | 'before' | 'after' | 'metadata' | 'project'> &
  Partial<Pick<AuditEntry, 'action' | 'objectType'>>;

type OperationShape<S extends z.ZodType, T, C> = {
  action: string;
  objectType: string;
  module: string;
  /** Short verb phrase for messages: "add a member". */
  describe: string;
  schema: S;
  /** Identifies the target for failure entries, from the raw (unvalidated) input. */
  target?(raw: Record<string, unknown>, ctx: C): { objectId?: string | null; objectLabel?: string | null };
  run(tx: Tx, input: z.output<S>, ctx: C): Promise<{ data: T; audit: AuditOutcome }>;
};

/** One audited mutation, written once: who may run it, what input it takes, what it does, what it records. */
export type Operation<S extends z.ZodType, T> = OperationShape<S, T, OperationContext> & { permission: Permission };

/**
 * A change to the signed-in user's own account (any role may make it): it belongs to every organization the user
 * is a member of, so each one records it, in the same transaction.
 */
export type AccountOperation<S extends z.ZodType, T> = OperationShape<S, T, AccountContext> & { permission: 'own-account' };

export function defineOperation<S extends z.ZodType, T>(op: Operation<S, T>): Operation<S, T>;
export function defineOperation<S extends z.ZodType, T>(op: AccountOperation<S, T>): AccountOperation<S, T>;
export function defineOperation<S extends z.ZodType, T>(op: Operation<S, T> | AccountOperation<S, T>) {
  return op;
}

export type ActionResult<T> =
  { ok: true; data: T; requestId: string } | { ok: false; error: string; fieldErrors?: Record<string, string[]>; requestId: string };

function asRecord(raw: unknown): Record<string, unknown> {
  return raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
}

/**
 * Runs an operation the one allowed way: permission check, server-side validation, then ONE transaction
 * holding the mutation and its audit entry. A denied, invalid or failed attempt changes nothing and is
 * recorded as a failure (in its own small transaction) with the reason. Tenancy: acts in ctx.org only; an
 * account operation is recorded in each of the user's organizations.
 */
export async function executeAudited<S extends z.ZodType, T>(db: Db, op: Operation<S, T>, ctx: OperationContext, rawInput: unknown): Promise<ActionResult<T>>;
export async function executeAudited<S extends z.ZodType, T>(
  db: Db,
  op: AccountOperation<S, T>,
  ctx: AccountContext,
  rawInput: unknown,
): Promise<ActionResult<T>>;
export async function executeAudited<S extends z.ZodType, T>(
  db: Db,
  op: Operation<S, T> | AccountOperation<S, T>,
  ctx: OperationContext | AccountContext,
  rawInput: unknown,
): Promise<ActionResult<T>> {
  const { requestId } = ctx.request;
  const raw = asRecord(rawInput);
  const org = op.permission === 'own-account' ? null : (ctx as OperationContext).org;
  const orgIds = org ? [org.orgId] : (await listMembershipsForUser(db, ctx.user.id)).map((m) => m.orgId);
  const base: Omit<AuditEntry, 'orgId'> = {
    actor: { type: 'user', id: ctx.user.id, label: ctx.user.email },
    source: 'web',
    ip: ctx.request.ip,
    userAgent: ctx.request.userAgent,
    requestId,
    action: op.action,
    objectType: op.objectType,
    module: op.module,
  };
  const target = op.target as ((raw: Record<string, unknown>, ctx: OperationContext | AccountContext) => AuditOutcome) | undefined;

  const fail = async (error: string, fieldErrors?: Record<string, string[]>): Promise<ActionResult<T>> => {
    try {
      const limited = await takeDeniedRate(db, ctx);
      if (!limited.ok) {
        const minutes = Math.ceil(limited.retryAfterSeconds / 60);
        // The limit is recorded once per window; the attempts it refuses after that are not stored one by one.
        if (limited.firstRefusal) {
          for (const orgId of orgIds) {
            await recordAuditEvent(db, {
              ...base,
              orgId,
              result: 'failure',
              errorMessage: 'rate_limited',
              message: `Too many failed attempts to ${op.describe}: further failed attempts are refused for ${minutes} min`,
              metadata: {
                limit: {
                  per_user: RATE_RULES.deniedByUser.max,
                  per_address: RATE_RULES.deniedByAddress.max,
                  window_minutes: RATE_RULES.deniedByUser.windowMs / 60_000,
                },
              },
            });
          }
        }
        return { ok: false, error: `Too many failed attempts; try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`, requestId };
      }
      const about = target?.(raw, ctx) ?? {};
      const params = storableCopy(raw);
      for (const orgId of orgIds) {
        await recordAuditEvent(db, {
          ...base,
          orgId,
          objectId: typeof about.objectId === 'string' ? cleanText(about.objectId).slice(0, 200) : about.objectId,
          objectLabel: typeof about.objectLabel === 'string' ? cleanText(about.objectLabel).slice(0, 200) : about.objectLabel,
          result: 'failure',
          errorMessage: cleanText(error).slice(0, 2000),
          message: `Failed to ${op.describe}`,
          // The attempted parameters (cleaned, bounded, secrets redacted on the way in), never a before/after.
          metadata: { request: { params: params.value, ...(params.truncated ? { truncated: true } : {}) } },
        });
      }
    } catch (recordError) {
      console.error(`[audit] could not record a failed attempt (request ${requestId})`, recordError);
    }
    return { ok: false, error, fieldErrors, requestId };
  };

  if (org && op.permission !== 'own-account' && !hasPermission(org.role, op.permission)) {
    const article = /^[aeiou]/.test(org.role) ? 'an' : 'a';
    return fail(`Permission denied: ${article} ${org.role} may not ${op.describe}.`);
  }
  // Text PostgreSQL cannot store is refused as invalid input (and recorded, cleaned) rather than failing the insert.
  const unstorable = Object.keys(raw).filter((k) => hasUnstorableText(raw[k]));
  if (unstorable.length > 0) {
    const message = 'Must not contain NUL characters or unpaired surrogates.';
    return fail(
      `Validation failed: ${unstorable.map((k) => cleanText(k)).join(', ')}: ${message}`,
      Object.fromEntries(unstorable.map((k) => [cleanText(k), [message]])),
    );
  }
  const parsed = op.schema.safeParse(rawInput);
  if (!parsed.success) {
    const { fieldErrors } = z.flattenError(parsed.error) as { fieldErrors: Record<string, string[]> };
    const summary = Object.entries(fieldErrors)
      .map(([k, v]) => `${k}: ${v[0]}`)
      .join('; ');
    return fail(`Validation failed: ${summary || parsed.error.issues[0]?.message || 'invalid input'}`, fieldErrors);
  }
  try {
    const data = await db.transaction(async (tx) => {
      const out = await (op.run as (tx: Tx, input: unknown, ctx: OperationContext | AccountContext) => Promise<{ data: T; audit: AuditOutcome }>)(
        tx,
        parsed.data,
        ctx,
      );
      for (const orgId of orgIds) await recordAuditEvent(tx, { ...base, orgId, ...out.audit });
      return out.data;
    });
    return { ok: true, data, requestId };
  } catch (error) {
    if (error instanceof DomainError) return fail(error.message, error.fieldErrors);
    console.error(`[audit] ${op.describe} failed (request ${requestId})`, error);
    return fail(`Something went wrong and nothing was changed. Reference: ${requestId}`);
  }
}

/** One failed attempt counted against the user and the client address; refused once either is over its limit. */
async function takeDeniedRate(db: Db, ctx: OperationContext | AccountContext): Promise<RateDecision> {
  const byUser = await takeRate(db, RATE_RULES.deniedByUser, ctx.user.id);
  const byAddress = ctx.request.ip ? await takeRate(db, RATE_RULES.deniedByAddress, ctx.request.ip) : ({ ok: true } as const);
  if (byUser.ok) return byAddress;
  if (byAddress.ok) return byUser;
  return {
    ok: false,
    retryAfterSeconds: Math.max(byUser.retryAfterSeconds, byAddress.retryAfterSeconds),
    firstRefusal: byUser.firstRefusal || byAddress.firstRefusal,
  };
}
