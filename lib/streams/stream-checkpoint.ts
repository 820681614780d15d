import type { AuditCheckpointRow } from '@/db/schema/audit-chain';
import type { StreamCheckpoint } from './sink';

/** A stored checkpoint with a note as a stream record; null for one without a note (an empty chain's). */
export function toStreamCheckpoint(row: AuditCheckpointRow): StreamCheckpoint | null {
  if (!row.note || !row.rootHash) return null;
  return { type: 'audit.checkpoint', org_id: row.orgId, tree_size: row.seq, root_hash: row.rootHash, signed_at: row.signedAt.toISOString(), note: row.note };
}

/** True for a checkpoint record (as a receiver stored it: parsed JSON). */
export function isStreamCheckpoint(value: unknown): value is StreamCheckpoint {
  const v = value as Partial<StreamCheckpoint> | null;
  return Boolean(v) && typeof v === 'object' && v!.type === 'audit.checkpoint' && typeof v!.note === 'string' && typeof v!.tree_size === 'number';
}
