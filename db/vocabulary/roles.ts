/** Membership roles, most to least privileged (the database enum is built from this list). */
export const ROLES = ['owner', 'admin', 'auditor', 'member'] as const;
export type Role = (typeof ROLES)[number];
