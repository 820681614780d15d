import { computeEntryHash } from '@/lib/chain/entry-hash';
import { CSV_CARRIED_COLUMNS, CSV_PROOF_TYPE, valueOfCell, type CsvProofRow } from '@/lib/chain/csv-proof';
import type { ExportProof } from '@/lib/chain/export-proof';
import { checkRuns, openProofCheckpoint, type ChainedRow, type ExportCheck } from '@/lib/chain/proof-check';
import { chainedFieldsOf } from '@/lib/chain/public-record';
import { tableCells, tableColumns, TABLE_COLUMN_KEYS, type ExportTableRow, type TableColumnKey } from '@/lib/exports/columns';
import { parseCsv } from '@/lib/exports/csv-parse';
import { neutraliseFormula } from '@/lib/exports/formula-guard';
import { createZoneFormatter } from '@/lib/exports/time';

/**
 * Checks a CSV export against its sidecar (no database): each CSV row is rebuilt from its visible cells plus its
 * sidecar line, must render to exactly those cells and hash to its entry hash as an entry of the sidecar's
 * organization; every sidecar line has its row; then the runs and the signed checkpoint as for JSON Lines. Pure:
 * the caller reads the files and the key. Used by scripts/verify-export.ts.
 */

type CsvProofTrailer = Omit<ExportProof, 'type'> & { type: string; zone: string };

const SURROGATE = /[\uD800-\uDFFF]/;
/** What a string becomes once written as UTF-8 (a lone surrogate turns into U+FFFD). */
const asWritten = (s: string) => (SURROGATE.test(s) ? Buffer.from(s, 'utf8').toString('utf8') : s);

function parseSidecar(text: string): { trailer: CsvProofTrailer | null; rows: CsvProofRow[] } {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const last = lines.length ? (JSON.parse(lines[lines.length - 1]!) as CsvProofTrailer) : null;
  if (!last || last.type !== CSV_PROOF_TYPE) return { trailer: null, rows: [] };
  return { trailer: last, rows: lines.slice(0, -1).map((l) => JSON.parse(l) as CsvProofRow) };
}

export function checkCsvExport(csvText: string, sidecarText: string, trustedKey: string): ExportCheck {
  const problems: string[] = [];
  const notes: string[] = [];
  const { trailer: proof, rows: sideRows } = parseSidecar(sidecarText);
  if (!proof) return { ok: false, rows: 0, proven: 0, problems: ['the sidecar is not a CSV export proof (no proof line at its end)'], notes };
  const root = openProofCheckpoint(proof, trustedKey, problems);
  const [header, ...records] = parseCsv(csvText);
  const expected = tableColumns(proof.zone).map((c) => c.header);
  if (!header || header.join('\u0000') !== expected.join('\u0000')) {
    problems.push(`the CSV's header is not the export's (expected: ${expected.join(', ')})`);
    return { ok: false, rows: records.length, proven: 0, problems, notes };
  }
  const time = createZoneFormatter(proof.zone);
  const bySideId = new Map(sideRows.map((r) => [r.id, r]));
  const seen = new Set<string>();
  const chained: ChainedRow[] = [];

  records.forEach((cells, i) => {
    const cell = Object.fromEntries(TABLE_COLUMN_KEYS.map((k, c) => [k, cells[c] ?? ''])) as Record<TableColumnKey, string>;
    const id = valueOfCell(cell.eventId, false)!;
    const where = `row ${i + 1} (event ${id}, #${cell.seq})`;
    const side = bySideId.get(id);
    if (!side) return void problems.push(`${where} is not in the proof: added to the file (another organization's or another export's row)`);
    if (seen.has(id)) return void problems.push(`${where} appears more than once`);
    seen.add(id);
    if (cells.length !== TABLE_COLUMN_KEYS.length) return void problems.push(`${where} has ${cells.length} cells, not ${TABLE_COLUMN_KEYS.length}`);
    const occurredAt = new Date(cell.iso);
    if (Number.isNaN(occurredAt.getTime())) return void problems.push(`${where} was altered: its time is not a time`);
    if (cell.seq !== String(side.seq)) return void problems.push(`${where} was altered: the proof has this event at #${side.seq}`);
    // In its run whatever its content: an altered row is named below, not reported missing as well.
    chained.push({ id, seq: side.seq, prev_hash: cell.prevHash, hash: cell.hash });

    // The visible fields from the cells (or the sidecar's exact value), the hidden ones from the sidecar.
    const v = {} as Record<(typeof CSV_CARRIED_COLUMNS)[number]['field'], string | null>;
    for (const { column, field, nullable } of CSV_CARRIED_COLUMNS)
      v[field] = side.exact && column in side.exact ? side.exact[column]! : valueOfCell(cell[column], nullable);
    const row = { ...v, occurredAt, seq: side.seq, changes: side.changes } as ExportTableRow;
    const rendered = tableCells(row, time);
    const differ = TABLE_COLUMN_KEYS.filter((k) => asWritten(neutraliseFormula(rendered[k])) !== cell[k]);
    if (differ.length) {
      const names = tableColumns(proof.zone).filter((c) => differ.includes(c.key));
      return void problems.push(`${where} was altered: ${names.map((c) => c.header).join(', ')} ${names.length === 1 ? 'does' : 'do'} not match the entry`);
    }
    const record = {
      id: v.id,
      org_id: proof.org_id,
      seq: side.seq,
      prev_hash: v.prevHash,
      occurred_at: occurredAt.toISOString(),
      actor: { type: v.actorType, id: side.actor_id, label: v.actorLabel },
      source: v.source,
      ip: v.ip,
      user_agent: side.user_agent,
      request_id: v.requestId,
      action: v.action,
      object: { type: v.objectType, id: v.objectId, label: v.objectLabel },
      module: side.module,
      project: side.project,
      message: v.message,
      result: v.result,
      error_message: v.errorMessage,
      before: side.before,
      after: side.after,
      changes: side.changes,
      changed_fields: side.changed_fields,
      metadata: side.metadata,
    };
    if (computeEntryHash(chainedFieldsOf(record)) !== v.hash)
      return void problems.push(`${where} was altered: its cells and its proof line do not hash to its entry hash as an entry of organization ${proof.org_id}`);
  });

  for (const r of sideRows) if (!seen.has(r.id)) problems.push(`event ${r.id} (#${r.seq}) is in the proof but not in the CSV: removed from the file`);
  const proven = checkRuns(chained, proof, root, problems, notes);
  return { ok: problems.length === 0, rows: records.length, proven, problems, notes };
}
