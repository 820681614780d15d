import { bigint, boolean, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './tenancy';

/**
 * The last verification of each organization's chain: how far it is known to be intact (`seq`, the entry hash
 * there) and the last result. The next verification continues from here instead of replaying the whole log.
 */
export const auditChainVerifications = pgTable('audit_chain_verifications', {
  orgId: uuid('org_id')
    .primaryKey()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  hash: text('hash').notNull(),
  ok: boolean('ok').notNull(),
  result: jsonb('result').notNull(),
  verifiedAt: timestamp('verified_at', { withTimezone: true, precision: 3 }).notNull(),
});
