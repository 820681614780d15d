import { bulkDbOf, type Db, type DbOrTx } from '@/db/client';
import { inBackground } from '@/db/work-priority';
import { requestContextFrom, type RequestContext } from '@/lib/recording/request-context';
import { authenticateApiKey, type ApiKeyPrincipal } from '@/lib/auth/api-keys';
import { apiError, apiJson, internalError, unauthorized } from '@/lib/api/http';
import { createPublicKey } from 'node:crypto';
import { listCheckpoints, listCheckpointsAfter } from '@/db/queries/chain-checkpoints';
import { checkpointOrigin } from '@/lib/chain/checkpoints';
import { verifierKey } from '@/lib/chain/signed-note';
import { checkChain, type ChainCheck } from '@/lib/chain/check-chain';
import { getSigningKey } from '@/lib/chain/signing-key';
import { apiReadEntry } from '@/lib/api/read-entry';
import { RATE_RULES, takeRate, type RateRule } from '@/lib/rate-limits';
import { recordAuditEvent, type AuditEntry } from '@/lib/recording/record';

export type Deps = { rateRule?: RateRule; now?: Date };

/** A read of integrity data by an API key, as its audit entry. */
export const readEntry = (key: ApiKeyPrincipal, request: RequestContext, what: Pick<AuditEntry, 'message' | 'metadata' | 'result' | 'errorMessage'>) =>
  apiReadEntry(key, request, { type: 'integrity', label: 'Audit log integrity' }, what);

/**
 * The key's share of RATE_RULES.integrityApi (both integrity endpoints together): null to go on, else the 429.
 * The first refusal in a window is recorded; later ones in it are not stored one by one.
 */
export async function refuseOverLimit(db: Db, key: ApiKeyPrincipal, request: RequestContext, path: string, deps: Deps): Promise<Response | null> {
  const rule = deps.rateRule ?? RATE_RULES.integrityApi;
  const limit = await takeRate(db, rule, key.keyId, deps.now);
  if (limit.ok) return null;
  const per = `${rule.max} integrity requests per ${rule.windowMs / 1000} seconds`;
  if (limit.firstRefusal) {
    await recordAuditEvent(
      db,
      readEntry(key, request, {
        result: 'failure',
        errorMessage: 'rate_limited',
        message: `Refused integrity reads through the API: more than ${per}`,
        metadata: { path, limit: { max: rule.max, window_seconds: rule.windowMs / 1000 } },
      }),
    );
  }
  return apiError(429, 'rate_limited', `This API key may make ${per}. Try again in ${limit.retryAfterSeconds} second(s).`, request.requestId, {
    headers: { 'Retry-After': String(limit.retryAfterSeconds) },
  });
}

/** The verification in the API's shape: the chain result as before, plus where this run started and how. */
function toApiVerification(check: ChainCheck) {
  const { fromSeq, incremental, fullBecause, stale, verifiedAt, ...result } = check;
  return { ...result, from_seq: fromSeq, incremental, stale: stale === true, verified_at: verifiedAt, ...(fullBecause ? { full_because: fullBecause } : {}) };
}

function outcomeOf(check: ChainCheck): Record<string, unknown> {
  const base = { from_seq: check.fromSeq, incremental: check.incremental, stale: check.stale === true, count: check.count };
  return check.ok
    ? { ok: true, verified_through: check.verifiedThrough.seq, ...base }
    : { ok: false, at: check.at, event_id: check.eventId, reason: check.reason, ...base };
}

/**
 * GET /api/v1/integrity: verifies what the key's organization appended since the last verification (see
 * lib/chain/check-chain.ts; at most one run per organization at a time, else the last result marked stale),
 * on the long-work pool, and records the read in the same transaction. Rate-limited per key. Tenancy: the key's org.
 */
export async function handleIntegrityGet(db: Db, req: Request, deps: Deps = {}): Promise<Response> {
  const request = requestContextFrom(req.headers);
  const id = request.requestId;
  try {
    const key = await authenticateApiKey(db, req.headers.get('authorization'));
    if (!key) return unauthorized(id);
    const refused = await refuseOverLimit(db, key, request, '/api/v1/integrity', deps);
    if (refused) return refused;
    // A bulk read on the embedded database's one connection: pages, then ingest writes go first (db/connection-scheduler.ts).
    const check = await inBackground(
      () =>
        bulkDbOf(db).transaction(async (tx) => {
          const result = await checkChain(tx, key.orgId, { now: deps.now });
          const message = result
            ? `Verified the audit log through the API: ${result.ok ? 'intact' : 'broken'}`
            : 'Asked for a verification while one was running';
          await recordAuditEvent(tx, readEntry(key, request, { message, metadata: { verification: result ? outcomeOf(result) : { running: true } } }));
          return result;
        }),
      'bulk',
    );
    if (!check) {
      return apiError(503, 'verification_running', 'The first verification of this organization is still running; retry in a few seconds.', id, {
        headers: { 'Retry-After': '5' },
      });
    }
    return apiJson(200, { data: toApiVerification(check), request_id: id }, id);
  } catch (error) {
    return internalError(id, error);
  }
}

/**
 * GET /api/v1/integrity/checkpoints: the key's organization's signed chain heads (newest first) and the
 * public key to check them with, for anchoring outside the database; `?format=note` downloads them instead as the
 * checkpoints file (C2SP tlog-checkpoint notes, oldest first) that `npm run audit:verify -- --checkpoints` reads. Rate-limited per key with the integrity
 * endpoint; the read is recorded in the same transaction. Tenancy: the key's org.
 */
export async function handleCheckpointsGet(db: Db, req: Request, deps: Deps = {}): Promise<Response> {
  const request = requestContextFrom(req.headers);
  const id = request.requestId;
  try {
    const key = await authenticateApiKey(db, req.headers.get('authorization'));
    if (!key) return unauthorized(id);
    const refused = await refuseOverLimit(db, key, request, '/api/v1/integrity/checkpoints', deps);
    if (refused) return refused;
    const signing = getSigningKey();
    const asNotes = new URL(req.url).searchParams.get('format') === 'note';
    const checkpoints = await db.transaction(async (tx: DbOrTx) => {
      const rows = asNotes ? await listCheckpointsAfter(tx, key.orgId, -1) : await listCheckpoints(tx, key.orgId);
      const message = `Listed ${rows.length} signed checkpoint${rows.length === 1 ? '' : 's'} through the API${asNotes ? ' (C2SP notes)' : ''}`;
      await recordAuditEvent(tx, readEntry(key, request, { message, metadata: { row_count: rows.length } }));
      return rows;
    });
    if (asNotes) {
      // The checkpoints file's format: every signed note, oldest first, each followed by a blank line.
      return new Response(checkpoints.map((c) => `${c.note}\n`).join(''), {
        status: 200,
        headers: {
          'Content-Type': 'text/plain; charset=utf-8',
          'Content-Disposition': `attachment; filename="checkpoints-${key.orgId}.log"`,
          'Cache-Control': 'no-store',
          'X-Request-Id': id,
        },
      });
    }
    const data = checkpoints.map((c) => ({
      id: c.id,
      org_id: c.orgId,
      seq: c.seq,
      hash: c.hash,
      signed_at: c.signedAt.toISOString(),
      signature: c.signature,
      key_fingerprint: c.keyFingerprint,
      tree_size: c.rootHash ? c.seq : null,
      root_hash: c.rootHash,
      note: c.note,
    }));
    const origin = checkpointOrigin(key.orgId);
    const publicKey = {
      algorithm: 'Ed25519',
      pem: signing.publicKeyPem,
      fingerprint: signing.fingerprint,
      // The C2SP note verifier key of this organization's log (its name is the checkpoints' origin line).
      verifier_key: verifierKey(origin, createPublicKey(signing.publicKeyPem)),
    };
    const signed = 'Ed25519 over the RFC 8785 (JCS) form of {"hash","org_id","seq","signed_at"}; note: a C2SP tlog-checkpoint signed note';
    return apiJson(200, { data, origin, public_key: publicKey, signed_payload: signed, request_id: id }, id);
  } catch (error) {
    return internalError(id, error);
  }
}
