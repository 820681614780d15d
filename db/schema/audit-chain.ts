import { bigint, customType, index, pgTable, primaryKey, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';
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
    // Set by retention (drizzle/0012): Ed25519 over lib/chain/anchor-signing.ts's payload. Null: not left by retention.
    signedAt: timestamp('signed_at', { withTimezone: true, precision: 3 }),
    signature: text('signature'),
    keyFingerprint: text('key_fingerprint'),
    // The Merkle tree's compact range at `seq` (lib/chain/merkle.ts), so verification can go on computing roots.
    merkleRange: text('merkle_range'),
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
    // RFC 6962 root (base64) of the tree over entries 1..seq, and the C2SP signed note (tlog-checkpoint) carrying it.
    rootHash: text('root_hash'),
    note: text('note'),
    // The compact range at `seq` (lib/chain/merkle.ts): where incremental verification and retention pick up.
    merkleRange: text('merkle_range'),
  },
  (t) => [
    primaryKey({ name: 'audit_checkpoints_pkey', columns: [t.orgId, t.id] }),
    // Log streams look checkpoints up by tree size (drizzle/0018).
    index('audit_checkpoints_org_seq_idx').on(t.orgId, t.seq),
  ],
);

export type AuditCheckpointRow = typeof auditCheckpoints.$inferSelect;

export type AuditChainAnchorRow = typeof auditChainAnchors.$inferSelect;

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => Buffer.from(value),
});

/** How far the checkpointer has folded each organization's entries into its Merkle tree (lib/chain/merkle-store.ts). */
export const auditMerkleState = pgTable('audit_merkle_state', {
  orgId: uuid('org_id')
    .primaryKey()
    .references(() => organizations.id),
  size: bigint('size', { mode: 'number' }).notNull(),
  // The chain hash of entry #size: the next entry must link to it.
  chainHash: text('chain_hash').notNull(),
  merkleRange: text('merkle_range').notNull(),
});

/** Tiles of the Merkle tree (C2SP tlog-tiles layout): up to 256 node hashes of tree level 8 * level, concatenated. */
export const auditMerkleTiles = pgTable(
  'audit_merkle_tiles',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id),
    level: smallint('level').notNull(),
    idx: bigint('idx', { mode: 'number' }).notNull(),
    hashes: bytea('hashes').notNull(),
  },
  (t) => [primaryKey({ name: 'audit_merkle_tiles_pkey', columns: [t.orgId, t.level, t.idx] })],
);
