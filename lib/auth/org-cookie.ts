/** The cookie holding the organization the user acts in (re-checked against memberships on every request). */
export const ORG_COOKIE = 'audit_org';
