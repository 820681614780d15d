import type { ExportFullRow } from './columns';
import type { Emit, ExportWriter } from './writer';

/** One event in the public API's shape (snake_case, nested actor/object, UTC times) with every stored field. */
export function toJsonRecord(row: ExportFullRow) {
  return {
    id: row.id,
    org_id: row.orgId,
    occurred_at: row.occurredAt.toISOString(),
    received_at: row.receivedAt.toISOString(),
    actor: { type: row.actorType, id: row.actorId, label: row.actorLabel },
    source: row.source,
    ip: row.ip,
    user_agent: row.userAgent,
    request_id: row.requestId,
    action: row.action,
    object: { type: row.objectType, id: row.objectId, label: row.objectLabel },
    module: row.module,
    project: row.project,
    message: row.message,
    result: row.result,
    error_message: row.errorMessage,
    before: row.before,
    after: row.after,
    changes: row.changes,
    changed_fields: row.changedFields,
    metadata: row.metadata,
    seq: row.seq,
    prev_hash: row.prevHash,
    hash: row.hash,
  };
}

/**
 * JSON Lines: one object per line (JSON escapes every control character, so a record never spans lines). With
 * `trailer`, a last line carries what `trailer` makes of the exported seq numbers: the proof material
 * (lib/chain/export-proof.ts) that lets the file prove itself.
 */
export function createJsonlWriter(emit: Emit, trailer?: (seqs: number[]) => Promise<unknown>): ExportWriter<ExportFullRow> {
  const encoder = new TextEncoder();
  const seqs: number[] = [];
  return {
    start() {},
    write(rows) {
      let text = '';
      for (const row of rows) {
        text += `${JSON.stringify(toJsonRecord(row))}\n`;
        if (trailer) seqs.push(row.seq);
      }
      if (text) emit(encoder.encode(text));
    },
    async finish() {
      if (trailer) emit(encoder.encode(`${JSON.stringify(await trailer(seqs))}\n`));
    },
    abort() {
      seqs.length = 0;
    },
  };
}
