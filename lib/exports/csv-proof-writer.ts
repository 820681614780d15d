import { Zip, ZipDeflate } from 'fflate';
import { CSV_PROOF_TYPE, csvProofRow } from '@/lib/chain/csv-proof';
import type { ExportFullRow } from './columns';
import { createCsvWriter } from './csv-writer';
import type { Emit, ExportHeader, ExportWriter } from './writer';

/** The two files in a "CSV with proof" zip: the CSV and, next to it, its proof sidecar. */
export function csvProofEntryNames(zipName: string): { csv: string; sidecar: string } {
  const base = zipName.replace(/\.zip$/, '');
  return { csv: `${base}.csv`, sidecar: `${base}.csv.proof.jsonl` };
}

/**
 * "CSV with proof": a zip streamed as the rows are read, holding the CSV (byte for byte what the CSV export writes
 * for these rows) and its sidecar (lib/chain/csv-proof.ts): one line per row with the hashed fields the CSV does not
 * show, then the proof line (`trailer` of the seq numbers: the checkpoint and the runs' inclusion proofs) with the
 * zone the CSV's times are in. One pass, so both files hold exactly the same rows against the same checkpoint. The
 * zip stores its files one after the other: the sidecar's compressed bytes wait in memory until the CSV is done.
 */
export function createCsvProofWriter(
  header: ExportHeader,
  emit: Emit,
  names: { csv: string; sidecar: string },
  trailer: (seqs: number[]) => Promise<object>,
): ExportWriter<ExportFullRow> {
  const encoder = new TextEncoder();
  let failure: Error | null = null;
  const zip = new Zip((error, chunk) => {
    if (error) failure = error;
    else if (chunk.length > 0) emit(chunk);
  });
  const csvFile = new ZipDeflate(names.csv, { level: 6 });
  const sideFile = new ZipDeflate(names.sidecar, { level: 6 });
  zip.add(csvFile);
  zip.add(sideFile);
  const csv = createCsvWriter(header, (bytes) => csvFile.push(bytes));
  const seqs: number[] = [];
  const check = () => {
    if (failure) throw failure;
  };
  return {
    start() {
      csv.start();
      check();
    },
    write(rows) {
      csv.write(rows);
      let text = '';
      for (const row of rows) {
        text += `${JSON.stringify(csvProofRow(row))}\n`;
        seqs.push(row.seq);
      }
      if (text) sideFile.push(encoder.encode(text));
      check();
    },
    async finish() {
      const proof = { ...(await trailer(seqs)), type: CSV_PROOF_TYPE, zone: header.zone };
      csvFile.push(new Uint8Array(0), true);
      sideFile.push(encoder.encode(`${JSON.stringify(proof)}\n`), true);
      zip.end();
      check();
    },
    abort() {
      seqs.length = 0;
      zip.terminate();
    },
  };
}
