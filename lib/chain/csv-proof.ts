import type { ExportFullRow, TableColumnKey } from '@/lib/exports/columns';
import { neutraliseFormula } from '@/lib/exports/formula-guard';

/*
 * A CSV export shows some of an entry's hashed fields (the table columns) and not others (actor id, user agent,
 * module, project, snapshots, the structured changes, changed fields, metadata). Its sidecar (`<file>.proof.jsonl`,
 * next to the CSV in the "CSV with proof" zip) carries, per row, the hidden ones, so that a verifier can rebuild
 * each entry from the row's visible cells plus its sidecar line and hash it: every visible cell is then checked
 * against the entry hash, and the hash against the signed root (lib/chain/csv-proof-check.ts).
 */

export const CSV_PROOF_TYPE = 'audit-log-csv-proof';

/**
 * The CSV columns that show one hashed (or chain) field as it is, through the formula guard only, and that field's
 * name in the public record. `nullable`: an empty cell reads back as null.
 */
export const CSV_CARRIED_COLUMNS = [
  { column: 'actor', field: 'actorLabel', nullable: false },
  { column: 'actorType', field: 'actorType', nullable: false },
  { column: 'ip', field: 'ip', nullable: true },
  { column: 'action', field: 'action', nullable: false },
  { column: 'objectType', field: 'objectType', nullable: false },
  { column: 'objectId', field: 'objectId', nullable: true },
  { column: 'objectLabel', field: 'objectLabel', nullable: true },
  { column: 'message', field: 'message', nullable: false },
  { column: 'result', field: 'result', nullable: false },
  { column: 'error', field: 'errorMessage', nullable: true },
  { column: 'source', field: 'source', nullable: false },
  { column: 'requestId', field: 'requestId', nullable: true },
  { column: 'eventId', field: 'id', nullable: false },
  { column: 'prevHash', field: 'prevHash', nullable: false },
  { column: 'hash', field: 'hash', nullable: false },
] as const satisfies readonly { column: TableColumnKey; field: keyof ExportFullRow; nullable: boolean }[];

/** One row's sidecar line: the hidden hashed fields (public names), and any visible value a cell cannot give back. */
export type CsvProofRow = {
  id: string;
  seq: number;
  actor_id: string | null;
  user_agent: string | null;
  module: string | null;
  project: string | null;
  before: unknown;
  after: unknown;
  changes: unknown;
  changed_fields: string[];
  metadata: unknown;
  /** Column → the field's exact value, where reading the cell back would not give it (null vs '', a value that looks guarded, broken UTF-16). */
  exact?: Partial<Record<TableColumnKey, string | null>>;
};

const SURROGATE = /[\uD800-\uDFFF]/;

/** A cell's text read back into its field: the formula guard removed, an empty nullable cell null. */
export function valueOfCell(cell: string, nullable: boolean): string | null {
  if (cell === '') return nullable ? null : '';
  return cell.charCodeAt(0) === 39 && neutraliseFormula(cell.slice(1)) === cell ? cell.slice(1) : cell;
}

/** The sidecar line for one exported row. */
export function csvProofRow(row: ExportFullRow): CsvProofRow {
  const out: CsvProofRow = {
    id: row.id,
    seq: row.seq,
    actor_id: row.actorId,
    user_agent: row.userAgent,
    module: row.module,
    project: row.project,
    before: row.before,
    after: row.after,
    changes: row.changes,
    changed_fields: row.changedFields,
    metadata: row.metadata,
  };
  for (const { column, field, nullable } of CSV_CARRIED_COLUMNS) {
    const value = row[field];
    if (valueOfCell(neutraliseFormula(value ?? ''), nullable) !== value || (value && SURROGATE.test(value))) (out.exact ??= {})[column] = value;
  }
  return out;
}
