import { sql } from 'drizzle-orm';
import { bigint, check, index, inet, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { ACTOR_TYPES, RESULTS, SOURCES } from '@/db/vocabulary/audit';

export const actorTypeEnum = pgEnum('audit_actor_type', ACTOR_TYPES);
export const sourceEnum = pgEnum('audit_source', SOURCES);
export const resultEnum = pgEnum('audit_result', RESULTS);

/** One field-level change: `path` is dotted (`limits.rate`, `tags.2`). */
export type FieldChange = { path: string; before: unknown; after: unknown };

/**
 * The audit log. org_id leads the primary key and every index so the table can be partitioned by
 * occurred_at and distributed by organization without reshaping its keys.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    // No foreign key (drizzle/0011): every append holds the organization row (FOR KEY SHARE) and its chain head.
    orgId: uuid('org_id').notNull(),
    // Public, stable event id (UUIDv7: time-ordered, so inserts stay at the right edge of indexes).
    id: uuid('id').notNull(),
    // Millisecond precision: JS Dates round-trip exactly, so keyset cursors never skip or repeat a row.
    occurredAt: timestamp('occurred_at', { withTimezone: true, precision: 3 }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    actorType: actorTypeEnum('actor_type').notNull(),
    actorId: text('actor_id'),
    actorLabel: text('actor_label').notNull(),
    source: sourceEnum('source').notNull(),
    ip: inet('ip'),
    userAgent: text('user_agent'),
    requestId: text('request_id'),
    action: text('action').notNull(),
    objectType: text('object_type').notNull(),
    objectId: text('object_id'),
    objectLabel: text('object_label'),
    module: text('module'),
    project: text('project'),
    message: text('message').notNull().default(''),
    result: resultEnum('result').notNull().default('success'),
    errorMessage: text('error_message'),
    before: jsonb('before'),
    after: jsonb('after'),
    changes: jsonb('changes').$type<FieldChange[]>(),
    changedFields: text('changed_fields')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    // Hash chain (lib/chain): position in the organization's chain (1, 2, 3, … without gaps),
    // the previous entry's hash (64 zeros for the first) and SHA-256 over this entry's canonical form.
    seq: bigint('seq', { mode: 'number' }).notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    // Serves the default view (newest first, ties by id) by a backward scan; occurred_at is in the key
    // because a time-partitioned table needs the partition column in every unique constraint.
    primaryKey({ name: 'audit_events_pkey', columns: [t.orgId, t.occurredAt, t.id] }),
    // Event-id lookups (detail view, shared links) without knowing the time.
    index('audit_events_org_event_idx').on(t.orgId, t.id),
    // The parent holds only the three indexes above and below (PK, by id, by seq). The secondary ones from here on
    // are built per partition once it closes (drizzle/0016's list, lib/lifecycle/partition-close.ts); these
    // declarations name their shape. A record's history timeline: all events for one object, newest first.
    index('audit_events_org_object_idx').on(t.orgId, t.objectType, t.objectId, t.occurredAt.desc()),
    // "All events by this user", the second most common pivot after the object.
    index('audit_events_org_actor_idx').on(t.orgId, t.actorId, t.occurredAt.desc()),
    // Walks the chain in order (verification) and finds retention's prefix. Not unique: the table is partitioned
    // by occurred_at (drizzle/0008) and a unique index would need occurred_at in it. seq stays unique because it
    // is only ever assigned under the audit_chain_heads row lock, and verification reports any duplicate.
    index('audit_events_org_seq_idx').on(t.orgId, t.seq),
    check('audit_events_action_lowercase', sql`${t.action} = lower(${t.action}) and ${t.action} <> ''`),
  ],
);

export type AuditEventRow = typeof auditEvents.$inferSelect;
export type NewAuditEventRow = typeof auditEvents.$inferInsert;
