import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { ROLES } from '@/db/vocabulary/roles';

export const roleEnum = pgEnum('member_role', ROLES);

/** An organization is the tenant: every tenant row carries its id. */
export const organizations = pgTable(
  'organizations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    // Default display zone for members who have not picked one (IANA name).
    timeZone: text('time_zone').notNull().default('UTC'),
    retentionDays: integer('retention_days').notNull().default(365),
    // While on, the retention job removes nothing from this organization (litigation or investigation hold).
    legalHold: boolean('legal_hold').notNull().default(false),
    // A shorter retention period waits here until `retention_pending_at` (an owner may cancel it meanwhile), so no
    // entry is ever removed by a change made less than the delay ago.
    retentionPendingDays: integer('retention_pending_days'),
    retentionPendingAt: timestamp('retention_pending_at', { withTimezone: true, precision: 3 }),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('organizations_slug_key').on(t.slug),
    check('organizations_slug_format', sql`${t.slug} ~ '^[a-z0-9][a-z0-9-]{0,62}$'`),
    check('organizations_retention_positive', sql`${t.retentionDays} > 0`),
  ],
);

/** Users are global; what they may see is decided by memberships. */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    // argon2id in PHC string form; never the password itself.
    passwordHash: text('password_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    // Emails are stored lower-cased; the unique index on lower() also guards writers that forget.
    uniqueIndex('users_email_key').on(sql`lower(${t.email})`),
    check('users_email_lowercase', sql`${t.email} = lower(${t.email})`),
  ],
);

export const memberships = pgTable(
  'memberships',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: roleEnum('role').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.userId] }),
    // "Which organizations does this user belong to?" runs on every request.
    index('memberships_user_idx').on(t.userId),
  ],
);
