import type { Tx } from '@/db/client';
import { storeChainedRows } from '@/db/queries/chain-entries';
import type { AuditAppended } from '@/db/queries/audit-notify';
import { linkPrepared, lockChainHead, type PreparedRow } from '@/lib/chain/append';
import { recordNewFacets } from './facets';

/**
 * The one place rows enter audit_events: locks the organization's chain head until `tx` ends, stores the filter
 * options not seen before, gives the rows the next seq numbers and their hashes in order, stores them (one COPY
 * on a server) and moves the head. Everything else (validation, redaction, diff, canonical form, the COPY text)
 * was done before, in prepareRow; here each row's SHA-256 only. Tenancy: every row belongs to `orgId`. Returns where the
 * head moved (null when there was nothing to store), for the caller's one notification per transaction.
 */
export async function appendPrepared(tx: Tx, orgId: string, prepared: readonly PreparedRow[]): Promise<AuditAppended | null> {
  if (prepared.length === 0) return null;
  const head = await lockChainHead(tx, orgId);
  await recordNewFacets(
    tx,
    orgId,
    prepared.map((p) => p.fields),
  );
  const linked = linkPrepared(prepared, head);
  await storeChainedRows(tx, orgId, prepared, linked.links, linked.head);
  return { orgId, seq: linked.head.seq };
}
