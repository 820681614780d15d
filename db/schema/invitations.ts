import { sql } from 'drizzle-orm';
import { check, index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organizations, roleEnum, users } from './tenancy';

/**
 * An organization's invitation of an email address: the only way into an organization for someone who is not
 * yet a member. The link's secret is stored as SHA-256 only; it is single-use, expires, and is bound to the
 * email: a new account sets its own password when accepting, an existing account must be signed in to accept.
 * No organization ever chooses or sees another identity's password.
 */
export const invitations = pgTable(
  'invitations',
  {
    id: uuid('id').notNull().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    role: roleEnum('role').notNull(),
    tokenHash: text('token_hash').notNull(),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true, precision: 3 }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true, precision: 3 }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, precision: 3 }),
  },
  (t) => [
    // org_id first like every tenant table's key (the schema can be distributed by organization).
    primaryKey({ name: 'invitations_pkey', columns: [t.orgId, t.id] }),
    index('invitations_org_idx').on(t.orgId, t.createdAt),
    index('invitations_token_idx').on(t.tokenHash),
    check('invitations_email_lowercase', sql`${t.email} = lower(${t.email})`),
  ],
);
