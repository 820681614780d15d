import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { unzipSync, strFromU8 } from 'fflate';
import { checkCsvExport } from '@/lib/chain/csv-proof-check';
import { checkExport } from '@/lib/chain/export-proof-check';
import type { ExportCheck } from '@/lib/chain/proof-check';

// Checks an export on its own, no database, with the organization's key taken ahead of time from
// GET /api/v1/integrity/checkpoints (public_key.verifier_key), not from the file:
//   npx tsx scripts/verify-export.ts export.jsonl --key '<verifier key>'                 (JSON Lines, proof trailer)
//   npx tsx scripts/verify-export.ts export.zip --key '<verifier key>'                   ("CSV with proof" zip)
//   npx tsx scripts/verify-export.ts export.csv --proof export.csv.proof.jsonl --key …  (the zip's two files)
// --key-file public.pem instead of --key. Exit 0: verified; 1: a problem (each printed); 2: usage.
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { key: { type: 'string' }, 'key-file': { type: 'string' }, proof: { type: 'string' } },
});
const key = values.key ?? (values['key-file'] ? fs.readFileSync(values['key-file'], 'utf8') : undefined);
if (positionals.length !== 1 || !key) {
  console.error("usage: verify-export <export.jsonl | export.zip | export.csv --proof <sidecar>> --key '<name+id+key>' | --key-file <public.pem>");
  process.exit(2);
}
const file = positionals[0]!;

function checkZip(bytes: Uint8Array): ExportCheck {
  const files = unzipSync(bytes);
  const csv = Object.keys(files).find((n) => n.endsWith('.csv'));
  const sidecar = Object.keys(files).find((n) => n.endsWith('.csv.proof.jsonl'));
  if (!csv || !sidecar) return { ok: false, rows: 0, proven: 0, problems: ['the zip does not hold a CSV and its .csv.proof.jsonl'], notes: [] };
  return checkCsvExport(strFromU8(files[csv]!), strFromU8(files[sidecar]!), key!);
}

const bytes = fs.readFileSync(file);
const result = values.proof
  ? checkCsvExport(bytes.toString('utf8'), fs.readFileSync(values.proof, 'utf8'), key)
  : bytes.subarray(0, 4).toString('latin1') === 'PK\u0003\u0004'
    ? checkZip(bytes)
    : checkExport(bytes.toString('utf8'), key);
for (const note of result.notes) console.log(`note: ${note}`);
for (const problem of result.problems) console.log(`PROBLEM: ${problem}`);
console.log(result.ok ? `verified: ${result.rows} rows, ${result.proven} proven on the signed log` : `NOT verified: ${result.problems.length} problem(s)`);
process.exitCode = result.ok ? 0 : 1;
