import { MAX_BODY_BYTES } from './limits';

export type BodyRead = { ok: true; bytes: Buffer } | { ok: false; reason: 'too_large' };

/**
 * Reads the request body, refusing more than `maxBytes`: a declared Content-Length is checked before reading,
 * and the bytes actually received are counted too (the header may be absent or wrong).
 */
export async function readBodyWithLimit(req: Request, maxBytes = MAX_BODY_BYTES): Promise<BodyRead> {
  const declared = Number(req.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) return { ok: false, reason: 'too_large' };
  if (!req.body) return { ok: true, bytes: Buffer.alloc(0) };
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return { ok: false, reason: 'too_large' };
    }
    chunks.push(value);
  }
  return { ok: true, bytes: Buffer.concat(chunks, total) };
}

/** application/json or any application/*+json, in UTF-8 (the only charset JSON allows on the wire). */
export function isJsonContentType(header: string | null): boolean {
  if (!header) return false;
  const [type = '', ...params] = header.split(';').map((s) => s.trim().toLowerCase());
  const json = type === 'application/json' || /^application\/[a-z0-9.!#$&^_-]+\+json$/.test(type);
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  return json && (charset === undefined || charset === 'utf-8' || charset === 'utf8');
}

/** Strict UTF-8 decoding then JSON.parse; on failure, a message saying which step failed. */
export function parseJsonBytes(bytes: Buffer): { ok: true; value: unknown } | { ok: false; message: string } {
  let textBody: string;
  try {
    textBody = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, message: 'The body is not valid UTF-8.' };
  }
  try {
    return { ok: true, value: JSON.parse(textBody) as unknown };
  } catch (error) {
    return { ok: false, message: `The body is not valid JSON: ${error instanceof Error ? error.message : 'parse error'}.` };
  }
}
