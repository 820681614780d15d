import { integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './tenancy';

/** Failed sign-in counters per account (`email:...`) and per client address (`ip:...`). Not tenant data. */
export const loginThrottle = pgTable('login_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  windowStartedAt: timestamp('window_started_at', { withTimezone: true, precision: 3 }).notNull(),
  lockedUntil: timestamp('locked_until', { withTimezone: true, precision: 3 }),
});

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
