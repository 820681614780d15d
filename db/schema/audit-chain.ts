import { bigint, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './tenancy';

/**
 * The tip of each organization's hash chain. Writers lock this row (SELECT … FOR UPDATE) for the rest of
 * their transaction, which is what serializes appends per organization and keeps seq gap-free.
 */
export const auditChainHeads = pgTable('audit_chain_heads', {
  orgId: uuid('org_id')
    .primaryKey()
    .references(() => organizations.id),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  hash: text('hash').notNull(),
});

/**
 * Where a retained chain now starts: entries up to `seq` were removed by retention and the entry at
 * seq + 1 links to `hash`. Verification starts at the newest anchor instead of the genesis hash.
 */
export const auditChainAnchors = pgTable(
  'audit_chain_anchors',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    hash: text('hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'audit_chain_anchors_pkey', columns: [t.orgId, t.seq] })],
);

/** Signed statements of a chain head (Ed25519), exportable so the head can be anchored outside the database. */
export const auditCheckpoints = pgTable(
  'audit_checkpoints',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id),
    id: uuid('id').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    hash: text('hash').notNull(),
    signedAt: timestamp('signed_at', { withTimezone: true, precision: 3 }).notNull(),
    // Base64 Ed25519 signature over the JCS form of { org_id, seq, hash, signed_at }.
    signature: text('signature').notNull(),
    // SHA-256 (hex) of the public key's SPKI DER: which key to check the signature with after a rotation.
    keyFingerprint: text('key_fingerprint').notNull(),
  },
  (t) => [primaryKey({ name: 'audit_checkpoints_pkey', columns: [t.orgId, t.id] })],
);

export type AuditCheckpointRow = typeof auditCheckpoints.$inferSelect;
