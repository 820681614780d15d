/**
 * Where to go after sign-in: only a same-origin path is accepted, so a crafted link can't bounce a
 * freshly signed-in admin to another site (open redirect). Anything else falls back to the audit log.
 */
export function safeCallbackPath(raw: unknown, fallback = '/audit'): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 4096) return fallback;
  // A path, not a protocol-relative URL (//evil) or a backslash trick (/\evil) that browsers treat as one.
  if (!isLocalPath(raw)) return fallback;
  if (/[\u0000-\u001f]/.test(raw)) return fallback;
  try {
    const url = new URL(raw, 'http://x.invalid');
    if (url.origin !== 'http://x.invalid') return fallback;
    if (url.pathname === '/login' || url.pathname.startsWith('/api/')) return fallback;
    // Check the normalised target, not the raw input: dot segments can turn `/.//evil.test` or `/a/..//evil.test`
    // into `//evil.test`, which a browser reads as another host.
    const target = url.pathname + url.search + url.hash;
    return isLocalPath(target) ? target : fallback;
  } catch {
    return fallback;
  }
}

/** A path on this origin: one leading slash, not `//host` or `/\\host` (which browsers treat as another host). */
function isLocalPath(path: string): boolean {
  return path.startsWith('/') && path[1] !== '/' && path[1] !== '\\';
}
