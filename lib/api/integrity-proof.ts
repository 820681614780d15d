import type { Db } from '@/db/client';
import { authenticateApiKey } from '@/lib/auth/api-keys';
import { apiError, apiJson, internalError, unauthorized } from '@/lib/api/http';
import { readEntry, refuseOverLimit, type Deps } from '@/lib/api/integrity';
import { proveConsistency, proveInclusion } from '@/lib/chain/proofs';
import { recordAuditEvent } from '@/lib/recording/record';
import { requestContextFrom } from '@/lib/recording/request-context';

const SIZE = /^(0|[1-9]\d{0,15})$/;

/**
 * GET /api/v1/integrity/proof?event=ID: the RFC 6962 inclusion proof of one event against the newest signed checkpoint
 * (its C2SP note included); ?from=M&to=N: the consistency proof between the checkpoints of tree sizes M and N.
 * Rate-limited with the other integrity endpoints; the read is recorded. Tenancy: the key's org.
 */
export async function handleProofGet(db: Db, req: Request, deps: Deps = {}): Promise<Response> {
  const request = requestContextFrom(req.headers);
  const id = request.requestId;
  try {
    const key = await authenticateApiKey(db, req.headers.get('authorization'));
    if (!key) return unauthorized(id);
    const refused = await refuseOverLimit(db, key, request, '/api/v1/integrity/proof', deps);
    if (refused) return refused;
    const params = new URL(req.url).searchParams;
    const event = params.get('event');
    const [from, to] = [params.get('from'), params.get('to')];
    if (event === null && (from === null || to === null || !SIZE.test(from) || !SIZE.test(to))) {
      return apiError(400, 'invalid_parameters', 'Give event=<event id>, or from=<tree size>&to=<tree size> (whole numbers).', id);
    }
    const result = await db.transaction(async (tx) => {
      const r = event !== null ? await proveInclusion(tx, key.orgId, event) : await proveConsistency(tx, key.orgId, Number(from), Number(to));
      const what = event !== null ? `an inclusion proof of event ${event}` : `a consistency proof from ${from} to ${to}`;
      await recordAuditEvent(
        tx,
        readEntry(key, request, {
          message: `Asked for ${what} through the API`,
          metadata: { proof: event !== null ? { event } : { from: Number(from), to: Number(to) }, ok: r.ok },
        }),
      );
      return r;
    });
    if (!result.ok) return apiError(result.code === 'not_found' ? 404 : 409, result.code, result.message, id);
    return apiJson(200, { data: { ...result, ok: undefined }, request_id: id }, id);
  } catch (error) {
    return internalError(id, error);
  }
}
