import { createHash } from 'node:crypto';
import type { Db } from '@/db/client';
import { requestContextFrom } from '@/lib/recording/request-context';
import { authenticateApiKey } from '@/lib/auth/api-keys';
import { apiError, apiJson, internalError, unauthorized } from '@/lib/api/http';
import { MAX_BODY_BYTES, MAX_EVENTS_PER_REQUEST, MAX_IDEMPOTENCY_KEY_LENGTH } from './limits';
import { isJsonContentType, parseJsonBytes, readBodyWithLimit } from './read-body';
import { IngestOutcomeUnknown, recordIngestBatch } from './record-batch';
import { validateBatch } from './validate-batch';

/**
 * POST /api/v1/events: authenticates the API key, reads and validates the body, then stores the batch
 * atomically in the key's organization. Tenancy: the organization comes from the key, never from the body.
 */
export async function handleIngestPost(db: Db, req: Request): Promise<Response> {
  const request = requestContextFrom(req.headers);
  const id = request.requestId;
  try {
    const key = await authenticateApiKey(db, req.headers.get('authorization'));
    if (!key) return unauthorized(id);
    if (!isJsonContentType(req.headers.get('content-type'))) {
      return apiError(415, 'unsupported_media_type', 'Send the events as JSON with "Content-Type: application/json".', id);
    }
    const idempotencyKey = req.headers.get('idempotency-key');
    if (idempotencyKey !== null && (idempotencyKey.length < 1 || idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH)) {
      return apiError(400, 'invalid_idempotency_key', `The Idempotency-Key header must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters.`, id);
    }
    const body = await readBodyWithLimit(req, MAX_BODY_BYTES);
    if (!body.ok) return apiError(413, 'payload_too_large', `The body is larger than ${MAX_BODY_BYTES} bytes; split the batch.`, id);
    const json = parseJsonBytes(body.bytes);
    if (!json.ok) return apiError(400, 'malformed_json', json.message, id);

    const now = new Date();
    const batch = validateBatch(json.value, now);
    if (!batch.ok && batch.reason === 'too_many_events') {
      return apiError(413, 'too_many_events', `${batch.count} events in one request; the limit is ${MAX_EVENTS_PER_REQUEST}.`, id);
    }
    if (!batch.ok) return apiError(400, 'validation_failed', batch.message, id, { errors: batch.errors });

    // The body's hash only matters to an Idempotency-Key (a replay must send the same bytes).
    const idempotency = idempotencyKey === null ? undefined : { key: idempotencyKey, bodyHash: createHash('sha256').update(body.bytes).digest('hex') };
    const outcome = await recordIngestBatch(db, { key, request, events: batch.events, now, idempotency });
    if (outcome.kind === 'key_reused') {
      return apiError(422, 'idempotency_key_reused', 'This Idempotency-Key was already used with a different body in the last 24 hours; use a new key.', id);
    }
    if (outcome.kind === 'replayed') {
      return apiJson(outcome.response.status, outcome.response.body, id, { 'Idempotent-Replayed': 'true' });
    }
    return apiJson(outcome.response.status, outcome.response.body, id);
  } catch (error) {
    // "Nothing was stored" only when the transaction certainly rolled back.
    if (error instanceof IngestOutcomeUnknown) return outcomeUnknown(id, error);
    return internalError(id, error);
  }
}

/** 503 for a batch whose COMMIT may or may not have happened: the client retries with the same Idempotency-Key. */
function outcomeUnknown(requestId: string, error: IngestOutcomeUnknown): Response {
  console.error(`[ingest] request ${requestId}: the outcome is unknown`, error.cause);
  return apiError(
    503,
    'outcome_unknown',
    'The batch may or may not have been stored; retry with the same Idempotency-Key, which replays the stored result',
    requestId,
    { headers: { 'Retry-After': '1' } },
  );
}
