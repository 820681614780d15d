import { index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organizations, users } from './tenancy';

/** Organization API keys. The secret is never stored: only its SHA-256 (keys are 256-bit random, so no salt/KDF is needed). */
export const apiKeys = pgTable(
  'api_keys',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().defaultRandom(),
    name: text('name').notNull(),
    // Public part shown in lists and logs ("ak_3f9a1c2b"); the lookup key when a request presents the key.
    prefix: text('prefix').notNull(),
    secretHash: text('secret_hash').notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, precision: 3 }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, precision: 3 }),
  },
  (t) => [
    primaryKey({ name: 'api_keys_pkey', columns: [t.orgId, t.id] }),
    uniqueIndex('api_keys_org_prefix_key').on(t.orgId, t.prefix),
    // Authentication looks a presented key up by prefix before its organization is known.
    index('api_keys_prefix_idx').on(t.prefix),
  ],
);
