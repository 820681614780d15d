import type { Db } from '@/db/client';
import { RATE_RULES, takeRate } from '@/lib/rate-limits';
import type { OperationContext } from '@/lib/recording/operation';
import { recordAuditEvent } from '@/lib/recording/record';
import { cleanText } from '@/lib/recording/storable';
import { REFUSED_ACTION_HEADER, REFUSED_PATH_HEADER, type CrossOriginMismatch } from './cross-origin';

const bounded = (value: string | null) => (value === null ? null : cleanText(value).slice(0, 200));

/**
 * Records a refused cross-origin POST as a failure of the signed-in user in their current organization (tenancy:
 * ctx.org only). It counts against the same budget as other denied attempts, so a hostile page cannot flood the log:
 * past the limit one entry says so and the rest are refused unrecorded. The Origin is the client's word: cleaned, bounded.
 */
export async function recordCrossOriginRefusal(db: Db, ctx: OperationContext, headers: Headers, mismatch: CrossOriginMismatch): Promise<void> {
  const rate = await takeRate(db, RATE_RULES.deniedByUser, ctx.user.id);
  if (!rate.ok && !rate.firstRefusal) return;
  const path = bounded(headers.get(REFUSED_PATH_HEADER));
  const origin = bounded(mismatch.origin);
  await recordAuditEvent(db, {
    orgId: ctx.org.orgId,
    actor: { type: 'user', id: ctx.user.id, label: ctx.user.email },
    source: 'web',
    ip: ctx.request.ip,
    userAgent: ctx.request.userAgent,
    requestId: ctx.request.requestId,
    action: 'submit',
    objectType: 'request',
    objectId: path,
    module: 'Access',
    result: 'failure',
    errorMessage: rate.ok ? `cross_origin: Origin ${origin} does not match host ${bounded(mismatch.host) ?? '(none)'}` : 'rate_limited',
    message: rate.ok
      ? `Refused a cross-origin form submission to ${path ?? 'a page'}`
      : `Too many refused requests: further cross-origin submissions are refused without a record for ${Math.ceil(rate.retryAfterSeconds / 60)} min`,
    metadata: { origin, host: bounded(mismatch.host), path, server_action: headers.get(REFUSED_ACTION_HEADER) === '1' },
  });
}
