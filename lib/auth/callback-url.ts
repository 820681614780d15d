/**
 * Where to go after sign-in: only a same-origin path is accepted, so a crafted link can't bounce a
 * freshly signed-in admin to another site (open redirect). Anything else falls back to the audit log.
 */
export function safeCallbackPath(raw: unknown, fallback = '/audit'): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 4096) return fallback;
  // A path, not a protocol-relative URL (//evil) or a backslash trick (/\evil) that browsers treat as one.
  if (!raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return fallback;
  if (/[\u0000-\u001f]/.test(raw)) return fallback;
  try {
    const url = new URL(raw, 'http://x.invalid');
    if (url.origin !== 'http://x.invalid') return fallback;
    if (url.pathname === '/login' || url.pathname.startsWith('/api/')) return fallback;
    return url.pathname + url.search + url.hash;
  } catch {
    return fallback;
  }
}
