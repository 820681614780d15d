import { jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './tenancy';

/**
 * Idempotency keys of the ingest API: `scope` is `request` (Idempotency-Key header: the whole response is
 * replayed) or `event` (a per-event idempotency_key: the stored event id is returned).
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    scope: text('scope', { enum: ['request', 'event'] }).notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash'),
    response: jsonb('response'),
    eventId: uuid('event_id'),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'idempotency_keys_pkey', columns: [t.orgId, t.scope, t.key] })],
);
