import { bigint, boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { organizations, users } from './tenancy';

/**
 * Log-stream destinations: where an organization's entries are delivered, in chain order, at least once.
 * `cursor` is the last seq delivered (or skipped by the filter); the delivery loop claims a row with a lease
 * (`lease_owner` until `lease_until`) and only the holder of an unexpired lease may move the cursor.
 */
export const streamDestinations = pgTable(
  'stream_destinations',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().defaultRandom(),
    // webhook, splunk_hec, datadog, syslog_tcp, syslog_tls (lib/streams/kinds.ts).
    kind: text('kind').notNull(),
    name: text('name').notNull(),
    // The kind's non-secret settings (URL, host, port, CA certificate).
    config: jsonb('config').$type<Record<string, unknown>>().notNull(),
    // AES-256-GCM sealed JSON of the kind's secret fields (lib/streams/secret-box.ts); never read back to a browser.
    secretSealed: text('secret_sealed').notNull(),
    // The viewer's URL filter string ("result=failure&action=delete"): which entries this destination gets.
    filter: text('filter').notNull().default(''),
    // json | cef | ocsf (which ones a kind accepts: lib/streams/kinds.ts).
    format: text('format').notNull().default('json'),
    paused: boolean('paused').notNull().default(false),
    cursor: bigint('cursor', { mode: 'number' }).notNull().default(0),
    // The batch being attempted ends here (null: none), so a retry resends exactly the same batch under the same id.
    pendingThroughSeq: bigint('pending_through_seq', { mode: 'number' }),
    // Bumped by a replay, so a replayed batch gets a new id (a receiver dropping duplicates keeps it).
    generation: integer('generation').notNull().default(0),
    // The largest tree size whose signed checkpoint was sent (or passed over when the destination was added); a
    // checkpoint goes out once the entries it covers have (lib/streams/deliver.ts).
    checkpointCursor: bigint('checkpoint_cursor', { mode: 'number' }).notNull().default(0),
    // The batch being attempted carries the checkpoints up to this size (null: none), so a retry resends the same ones.
    pendingCheckpointSize: bigint('pending_checkpoint_size', { mode: 'number' }),
    lastDeliveredAt: timestamp('last_delivered_at', { withTimezone: true, precision: 3 }),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true, precision: 3 }),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    lastError: text('last_error'),
    unhealthy: boolean('unhealthy').notNull().default(false),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    leaseOwner: text('lease_owner'),
    leaseUntil: timestamp('lease_until', { withTimezone: true, precision: 3 }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'stream_destinations_pkey', columns: [t.orgId, t.id] }),
    // The loop's claim looks for due, unpaused rows across organizations.
    index('stream_destinations_due_idx')
      .on(t.nextAttemptAt)
      .where(sql`not ${t.paused}`),
    check('stream_destinations_cursor_nonnegative', sql`${t.cursor} >= 0`),
  ],
);

export type StreamDestinationRow = typeof streamDestinations.$inferSelect;
