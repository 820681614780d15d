/** The cookie holding the organization the user acts in (re-checked against memberships on every request). */
export const ORG_COOKIE = 'audit_org';

/** How the organization cookie is set (the current organization is not a secret, but only this app may set it). */
export function orgCookieOptions(secure: boolean) {
  return { httpOnly: true, sameSite: 'lax' as const, path: '/', secure, maxAge: 60 * 60 * 24 * 365 };
}
