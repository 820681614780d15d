import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { checkExport } from '@/lib/chain/export-proof-check';

// npx tsx scripts/verify-export.ts <export.jsonl> --key '<verifier key>' (or --key-file public.pem): checks a JSONL
// export on its own, no database: the rows are on the organization's signed log, unaltered, and each consecutive run
// of them complete. Take the key from GET /api/v1/integrity/checkpoints (public_key.verifier_key) ahead of time, not
// from the file. Exit 0: verified; 1: a problem (each printed); 2: usage.
const { values, positionals } = parseArgs({ allowPositionals: true, options: { key: { type: 'string' }, 'key-file': { type: 'string' } } });
const key = values.key ?? (values['key-file'] ? fs.readFileSync(values['key-file'], 'utf8') : undefined);
if (positionals.length !== 1 || !key) {
  console.error("usage: verify-export <export.jsonl> --key '<name+id+key>' | --key-file <public.pem>");
  process.exit(2);
}
const result = checkExport(fs.readFileSync(positionals[0]!, 'utf8'), key);
for (const note of result.notes) console.log(`note: ${note}`);
for (const problem of result.problems) console.log(`PROBLEM: ${problem}`);
console.log(result.ok ? `verified: ${result.rows} rows, ${result.proven} proven on the signed log` : `NOT verified: ${result.problems.length} problem(s)`);
process.exitCode = result.ok ? 0 : 1;
