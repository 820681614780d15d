import { spawnSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { beforeAll, expect, it } from 'vitest';
import { checkpointOrigin } from '@/lib/chain/checkpoints';
import { checkCsvExport } from '@/lib/chain/csv-proof-check';
import { verifierKey } from '@/lib/chain/signed-note';
import { getSigningKey } from '@/lib/chain/signing-key';
import { handleExportRequest, type ExportPrincipal } from '@/lib/exports/handle-export';
import { recordAuditEvents } from '@/lib/recording/record';
import { ensureDemoTenants } from '@/lib/seed/demo';
import { describeEachDatabase } from './databases';
import { insertEvents } from './fixtures';

const NOW = new Date('2026-11-21T12:00:00Z');
const ALL = 'from=2000-01-01T00:00:00Z&to=2026-11-21T12:00:00Z';
const CRLF = '\r\n';

describeEachDatabase('a CSV export proves itself: the "CSV with proof" zip and the standalone verifier', (ctx) => {
  let principal: ExportPrincipal;
  let globex: ExportPrincipal;
  let vkey = '';
  const unlimited = () => ({ name: `csv-proof-${Math.random()}`, max: 1_000, windowMs: 60_000 });

  beforeAll(async () => {
    const { orgIds, userIds } = await ensureDemoTenants(ctx.db);
    const at = (i: number) => new Date(NOW.getTime() - 86_400_000 + i * 1000);
    await insertEvents(ctx.db, orgIds.acme!, 30, { times: at });
    // Rows whose cells do not give their fields back plainly: formula triggers (guarded with a quote), a value that
    // already starts with a quote, an empty string beside nulls, commas, quotes and line breaks, non-ASCII, and
    // hidden fields (snapshots, metadata, user agent, module, project) the CSV does not show.
    await recordAuditEvents(ctx.db, [
      {
        orgId: orgIds.acme!,
        occurredAt: at(31),
        actor: { type: 'user', id: 'u-7', label: "'=already quoted" },
        source: 'api',
        ip: '10.1.2.3',
        userAgent: 'curl/8.5',
        requestId: 'req-1',
        action: 'update',
        objectType: 'flow',
        objectId: '=SUM(A1)',
        objectLabel: '',
        module: 'Flows',
        project: 'Écluse',
        message: 'renamed "a, b"\r\nand more: ü ✓',
        result: 'failure',
        errorMessage: '-1 is not allowed',
        before: { name: 'a', limits: { rate: 1 } },
        after: { name: '+b', limits: { rate: 2 } },
        metadata: { ticket: '@ops', n: 3 },
      },
    ]);
    await insertEvents(ctx.db, orgIds.acme!, 5, { times: (i) => at(40 + i) });
    await insertEvents(ctx.db, orgIds.globex!, 5, { times: at });
    principal = {
      user: { id: userIds['bob@acme.test']!, email: 'bob@acme.test' },
      org: { orgId: orgIds.acme!, slug: 'acme', name: 'Acme Corp' },
      zone: 'Europe/Berlin',
    };
    globex = { ...principal, org: { orgId: orgIds.globex!, slug: 'globex', name: 'Globex' } };
    // What GET /api/v1/integrity/checkpoints publishes: taken ahead of time, not from the files.
    vkey = verifierKey(checkpointOrigin(orgIds.acme!), createPublicKey(getSigningKey().publicKeyPem));
  });

  async function exportZip(query: string, who = principal) {
    const res = await handleExportRequest(ctx.db, new Request(`http://localhost/audit/export?format=csv-proof&${query}`), who, {
      rateRule: unlimited(),
      now: NOW,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    const filename = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')![1]!;
    const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
    const base = filename.replace(/\.zip$/, '');
    expect(Object.keys(files).sort()).toEqual([`${base}.csv`, `${base}.csv.proof.jsonl`]);
    return { csv: strFromU8(files[`${base}.csv`]!), sidecar: strFromU8(files[`${base}.csv.proof.jsonl`]!), filename };
  }
  async function plainCsv(query: string) {
    const res = await handleExportRequest(ctx.db, new Request(`http://localhost/audit/export?format=csv&${query}`), principal, {
      rateRule: unlimited(),
      now: NOW,
    });
    return res.text();
  }
  /** The CSV's data records, split on CRLF outside quotes (the test data's one multi-line message is quoted). */
  const records = (csv: string) => {
    const [header, ...rest] = csv.split(/\r\n(?=(?:[^"]*"[^"]*")*[^"]*$)/).filter((l) => l !== '');
    return { header: header!, rows: rest };
  };
  const problemsOf = (csv: string, sidecar: string) => checkCsvExport(csv, sidecar, vkey).problems.join('\n');

  it('the zip holds the CSV export itself and a sidecar that proves every row against the signed checkpoint', async () => {
    const { csv, sidecar } = await exportZip(ALL);
    // The same bytes the plain CSV export writes for this view (it is cut against the checkpoint, not rewritten).
    expect(csv).toBe(await plainCsv(ALL));
    const lines = sidecar.trimEnd().split('\n');
    const proof = JSON.parse(lines.at(-1)!) as { type: string; zone: string; tree_size: number; checkpoint: string };
    expect(proof).toMatchObject({ type: 'audit-log-csv-proof', zone: 'Europe/Berlin' });
    expect(proof.checkpoint).toContain(`${proof.tree_size}\n`);
    expect(lines.length - 1).toBe(records(csv).rows.length);
    const result = checkCsvExport(csv, sidecar, vkey);
    expect(result).toMatchObject({ ok: true, problems: [], rows: 36 });
    expect(result.proven).toBe(36);
  });

  it('names a changed row, a removed row, rows of another organization, and an edited checkpoint', async () => {
    const { csv, sidecar } = await exportZip(ALL);
    const { header, rows } = records(csv);
    const file = (rs: string[]) => [header, ...rs].join(CRLF) + CRLF;

    const changed = file([rows[0]!.replace(/,event (\d+),/, ',event 9$1,'), ...rows.slice(1)]);
    expect(problemsOf(changed, sidecar)).toMatch(/^row 1 \(event [0-9a-f-]+, #\d+\) was altered: its cells and its proof line do not hash/m);
    // A cell derived from hashed fields (the wall-clock time) is rendered again and compared.
    const [iso, local, ...rest] = rows[1]!.split(',');
    const shifted = file([rows[0]!, [iso, local!.replace(/^\d{4}/, '1999'), ...rest].join(','), ...rows.slice(2)]);
    expect(problemsOf(shifted, sidecar)).toMatch(/^row 2 \(event .*\) was altered: Time \(Europe\/Berlin\) does not match the entry$/m);
    // A hidden field changed in the sidecar is caught the same way.
    const sideLines = sidecar.trimEnd().split('\n');
    const quoted = sideLines.findIndex((l) => l.includes('"Flows"'));
    const editedSide = sideLines.map((l, i) => (i === quoted ? l.replace('"Flows"', '"Billing"') : l)).join('\n');
    expect(problemsOf(csv, editedSide)).toMatch(/^row \d+ \(event .*\) was altered/m);

    const removed = file([...rows.slice(0, 4), ...rows.slice(5)]);
    expect(problemsOf(removed, sidecar)).toMatch(/^event [0-9a-f-]+ \(#\d+\) is in the proof but not in the CSV: removed from the file$/m);
    // Removed from both files: the run the proof vouches for has a hole.
    const fifth = JSON.parse(sideLines[4]!) as { id: string; seq: number };
    const bothRemoved = sideLines.filter((_, i) => i !== 4).join('\n');
    expect(problemsOf(removed, bothRemoved)).toMatch(new RegExp(`entries missing from #\\d+–#\\d+: #${fifth.seq}`));

    const other = await exportZip(ALL, globex);
    const mixed = file([...rows, ...records(other.csv).rows.slice(0, 2)]);
    expect(problemsOf(mixed, sidecar)).toMatch(/^row 37 \(event .*\) is not in the proof: added to the file \(another organization's/m);
    // With the other organization's sidecar lines merged in too, its rows do not hash as this organization's entries.
    const otherLine = other.sidecar.split('\n')[0]!;
    const mergedSide = [otherLine, ...sideLines].join('\n');
    expect(problemsOf(file([...rows, records(other.csv).rows[0]!]), mergedSide)).toMatch(
      new RegExp(`^row 37 .* do not hash to its entry hash as an entry of organization ${principal.org.orgId}`, 'm'),
    );

    const proofLine = JSON.parse(sideLines.at(-1)!) as { checkpoint: string; tree_size: number };
    const forged = { ...proofLine, checkpoint: proofLine.checkpoint.replace(`\n${proofLine.tree_size}\n`, `\n${proofLine.tree_size + 1}\n`) };
    const editedCheckpoint = [...sideLines.slice(0, -1), JSON.stringify(forged)].join('\n');
    expect(problemsOf(csv, editedCheckpoint)).toMatch(/^the checkpoint: .*signature/m);
  });

  it('a filtered export proves each row on its own; the command checks the zip and the two files, with no database', async () => {
    const { csv, sidecar, filename } = await exportZip(`${ALL}&q=event%201`);
    expect(checkCsvExport(csv, sidecar, vkey)).toMatchObject({ ok: true });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-csv-'));
    const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);
    fs.writeFileSync(path.join(dir, filename), zipSync({ 'x.csv': strToU8(csv), 'x.csv.proof.jsonl': strToU8(sidecar) }));
    write('ok.csv', csv);
    write('bad.csv', csv.replace(/,event 1(\d*),/, ',event 2$1,'));
    write('ok.csv.proof.jsonl', sidecar);
    // No DATABASE_URL, and a DATA_DIR with nothing in it: the command reads only the files and the key.
    const env = { ...process.env, DATABASE_URL: '', DATA_DIR: dir };
    const run = (...args: string[]) => spawnSync('npx', ['tsx', 'scripts/verify-export.ts', ...args, '--key', vkey], { env, encoding: 'utf8' });
    const zip = run(path.join(dir, filename));
    expect(zip.stdout).toMatch(/^verified: \d+ rows, \d+ proven on the signed log$/m);
    expect(zip.status).toBe(0);
    const ok = run(path.join(dir, 'ok.csv'), '--proof', path.join(dir, 'ok.csv.proof.jsonl'));
    expect(ok.status).toBe(0);
    const bad = run(path.join(dir, 'bad.csv'), '--proof', path.join(dir, 'ok.csv.proof.jsonl'));
    expect(bad.stdout).toMatch(/PROBLEM: row 1 .* was altered/);
    expect(bad.status).toBe(1);
  }, 90_000);
});
