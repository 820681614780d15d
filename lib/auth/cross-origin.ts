/**
 * Cross-origin POSTs to pages (server actions and plain form posts), judged the way Next.js judges a server action:
 * the `Origin` host must equal the first `X-Forwarded-Host` value, else `Host`. Next answers a mismatch (or an
 * Origin it cannot parse) with a 500 and records nothing; the proxy refuses it first with a 403. Kept free of
 * server-only imports: the proxy uses it.
 */

/** Where the proxy sends a refused request (a direct request to it is answered 404 by the proxy). */
export const CROSS_ORIGIN_REFUSAL_PATH = '/api/internal/cross-origin-refusal';
/** The path the refused request was sent to: set (overwritten) by the proxy only. */
export const REFUSED_PATH_HEADER = 'x-refused-path';
/** '1' when the refused request was a server action (its `next-action` header is dropped on the way): set by the proxy only. */
export const REFUSED_ACTION_HEADER = 'x-refused-action';

export type CrossOriginMismatch = { origin: string; host: string | null };

/** The host the request was addressed to, as Next.js reads it for its server-action check. */
function addressedHost(headers: Headers): string | null {
  const forwarded = headers.get('x-forwarded-host')?.split(',')[0]?.trim();
  return forwarded || headers.get('host');
}

/** The Origin and host when a request's Origin names another host (or is malformed, or "null"); null when it matches or is absent. */
export function originMismatch(headers: Headers): CrossOriginMismatch | null {
  const origin = headers.get('origin');
  // No Origin: a hand-made request, not a browser's cross-site one; Next lets it through too.
  if (origin === null) return null;
  const host = addressedHost(headers);
  let originHost: string | null = null;
  try {
    originHost = origin === 'null' ? null : new URL(origin).host;
  } catch {
    originHost = null;
  }
  return originHost !== null && host !== null && originHost === host ? null : { origin, host };
}

/** A POST a page could treat as a server action: Next's `next-action` header, or a form body (no-JS submission). */
export function isPageFormPost(method: string, headers: Headers): boolean {
  if (method !== 'POST') return false;
  if (headers.has('next-action')) return true;
  const type = headers.get('content-type') ?? '';
  return type.startsWith('multipart/form-data') || type.startsWith('application/x-www-form-urlencoded');
}

/** Headers the proxy sets on a refused request it hands to the refusal route (never taken from the client). */
export const REFUSED_ORIGIN_HEADER = 'x-refused-origin';
export const REFUSED_HOST_HEADER = 'x-refused-host';
export const REFUSAL_PROOF_HEADER = 'x-refusal-proof';

/**
 * HMAC-SHA256 (Web Crypto, so it runs wherever the proxy does) over the request id and what was refused, keyed
 * with the session secret: the refusal route records only what the proxy itself handed over, and a client that
 * calls the route directly (or forges the x-refused-* headers) cannot make it record anything.
 */
export async function refusalProof(secret: string, fields: { requestId: string; origin: string; host: string; path: string }): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const data = new TextEncoder().encode(JSON.stringify([fields.requestId, fields.origin, fields.host, fields.path]));
  return Buffer.from(await crypto.subtle.sign('HMAC', key, data)).toString('hex');
}

/** The refusal the proxy handed over, if its proof checks out; null for anything else. */
export async function handedOverRefusal(secret: string, headers: Headers, requestId: string): Promise<(CrossOriginMismatch & { path: string }) | null> {
  const origin = headers.get(REFUSED_ORIGIN_HEADER);
  const host = headers.get(REFUSED_HOST_HEADER) ?? '';
  const path = headers.get(REFUSED_PATH_HEADER);
  const proof = headers.get(REFUSAL_PROOF_HEADER);
  if (origin === null || path === null || proof === null || !/^[0-9a-f]{64}$/.test(proof)) return null;
  const expected = await refusalProof(secret, { requestId, origin, host, path });
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ proof.charCodeAt(i);
  return diff === 0 ? { origin, host: host || null, path } : null;
}
