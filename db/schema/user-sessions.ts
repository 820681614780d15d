import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './tenancy';

/**
 * One row per signed-in browser. The session cookie (a signed JWT) carries the row's id and is honoured only
 * while the row is unrevoked and unexpired: sign-out, a password change, removal from an organization and
 * "sign out everywhere" revoke rows, so a copied cookie stops working at once.
 */
export const userSessions = pgTable(
  'user_sessions',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true, precision: 3 }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, precision: 3 }),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('user_sessions_user_idx').on(t.userId)],
);
