import { toPublicRecord } from '@/lib/chain/public-record';
import type { ExportFullRow } from './columns';
import type { Emit, ExportWriter } from './writer';

/** One event as a JSONL record: its public record (lib/chain/public-record.ts) and when it was received. */
export function toJsonRecord(row: ExportFullRow) {
  return { ...toPublicRecord(row), received_at: row.receivedAt.toISOString() };
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
