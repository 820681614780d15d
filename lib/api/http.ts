/** Machine-readable error codes of every JSON route: the API and the export download (the README lists them). */
export type ApiErrorCode =
  | 'unauthorized'
  | 'forbidden'
  | 'malformed_json'
  | 'validation_failed'
  | 'invalid_idempotency_key'
  | 'invalid_parameters'
  | 'payload_too_large'
  | 'too_many_events'
  | 'unsupported_media_type'
  | 'idempotency_key_reused'
  | 'pdf_too_large'
  | 'rate_limited'
  | 'not_found'
  | 'not_checkpointed'
  | 'verification_running'
  | 'outcome_unknown'
  | 'internal_error';

/** Every API response: JSON, never cached (it carries tenant data), tagged with the request id for support. */
export function apiJson(status: number, body: unknown, requestId: string, headers: Record<string, string> = {}): Response {
  return Response.json(body, {
    status,
    headers: { 'Cache-Control': 'no-store', 'X-Request-Id': requestId, ...headers },
  });
}

/** THE error body of every JSON route: `{ error, message, errors?, request_id }`, with the same headers as every response. */
export function apiError(
  status: number,
  error: ApiErrorCode,
  message: string,
  requestId: string,
  extra: { errors?: unknown[]; headers?: Record<string, string> } = {},
): Response {
  const body = { error, message, ...(extra.errors ? { errors: extra.errors } : {}), request_id: requestId };
  return apiJson(status, body, requestId, extra.headers);
}

/** 401 for a missing, malformed, unknown or revoked key; deliberately the same answer for all four. */
export function unauthorized(requestId: string): Response {
  return apiError(401, 'unauthorized', 'Send a valid, unrevoked organization API key as "Authorization: Bearer ak_...".', requestId, {
    headers: { 'WWW-Authenticate': 'Bearer' },
  });
}

/** 500 that logs the cause server-side and shows the client only the reference id. */
export function internalError(requestId: string, error: unknown): Response {
  console.error(`[ingest] request ${requestId} failed`, error);
  return apiError(500, 'internal_error', `Something went wrong and nothing was stored. Reference: ${requestId}`, requestId);
}
