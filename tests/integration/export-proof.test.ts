import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { createPublicKey } from 'node:crypto';
import { checkpointOrigin } from '@/lib/chain/checkpoints';
import { checkExport } from '@/lib/chain/export-proof-check';
import { verifierKey } from '@/lib/chain/signed-note';
import { getSigningKey } from '@/lib/chain/signing-key';
import { handleExportRequest, type ExportPrincipal } from '@/lib/exports/handle-export';
import { ensureDemoTenants } from '@/lib/seed/demo';
import { describeEachDatabase } from './databases';
import { insertEvents } from './fixtures';

const NOW = new Date('2026-11-21T12:00:00Z');

describeEachDatabase('exports prove themselves: the JSONL trailer and the standalone verifier', (ctx) => {
  let principal: ExportPrincipal;
  let vkey = '';
  let other = '';
  const unlimited = () => ({ name: `export-proof-${Math.random()}`, max: 1_000, windowMs: 60_000 });

  beforeAll(async () => {
    const { orgIds, userIds } = await ensureDemoTenants(ctx.db);
    const times = (i: number) => new Date(NOW.getTime() - 86_400_000 + i * 1000);
    await insertEvents(ctx.db, orgIds.acme!, 40, { times });
    await insertEvents(ctx.db, orgIds.globex!, 5, { times });
    principal = { user: { id: userIds['bob@acme.test']!, email: 'bob@acme.test' }, org: { orgId: orgIds.acme!, slug: 'acme', name: 'Acme Corp' }, zone: 'UTC' };
    const otherExport = await exportJsonl('from=2000-01-01T00:00:00Z&to=2026-11-21T12:00:00Z', {
      ...principal,
      org: { orgId: orgIds.globex!, slug: 'globex', name: 'Globex' },
    });
    other = otherExport.split('\n')[0]!;
    // What GET /api/v1/integrity/checkpoints publishes: taken ahead of time, not from the file.
    vkey = verifierKey(checkpointOrigin(orgIds.acme!), createPublicKey(getSigningKey().publicKeyPem));
  });

  async function exportJsonl(query: string, who = principal): Promise<string> {
    const res = await handleExportRequest(ctx.db, new Request(`http://localhost/audit/export?format=jsonl&${query}`), who, { rateRule: unlimited(), now: NOW });
    expect(res.status).toBe(200);
    return res.text();
  }
  const rowsOf = (file: string) => file.trimEnd().split('\n').slice(0, -1);
  const trailerOf = (file: string) => file.trimEnd().split('\n').at(-1)!;

  it('a whole export: every row proven, as one consecutive run ending in the signed tree', async () => {
    const file = await exportJsonl('from=2000-01-01T00:00:00Z&to=2026-11-21T12:00:00Z');
    const trailer = JSON.parse(trailerOf(file)) as { verifier_key: string; segments: { first: number; last: number }[]; tree_size: number };
    expect(trailer.verifier_key).toBe(vkey);
    expect(trailer.segments.length).toBeGreaterThanOrEqual(1);
    const result = checkExport(file, vkey);
    expect(result).toMatchObject({ ok: true, problems: [] });
    expect(result.proven).toBe(result.rows);
  });

  it('catches a changed row, a removed row, a row of another organization, and the wrong key', async () => {
    const file = await exportJsonl('from=2000-01-01T00:00:00Z&to=2026-11-21T12:00:00Z');
    const rows = rowsOf(file);
    const trailer = trailerOf(file);
    const changed = [rows[0]!.replace(/"message":"[^"]*"/, '"message":"nothing happened"'), ...rows.slice(1), trailer].join('\n');
    expect(checkExport(changed, vkey).problems.join('\n')).toMatch(/row 1 \(event .*\) was altered/);
    const removed = [...rows.slice(0, 5), ...rows.slice(6), trailer].join('\n');
    expect(checkExport(removed, vkey).problems.join('\n')).toMatch(/entries missing from #\d+–#\d+: #\d+/);
    const mixed = [...rows, other, trailer].join('\n');
    expect(checkExport(mixed, vkey).problems.join('\n')).toMatch(/belongs to another organization/);
    const otherKey = `audit-log/${principal.org.orgId}+00000000+${Buffer.concat([Buffer.from([1]), Buffer.alloc(32, 5)]).toString('base64')}`;
    expect(() => checkExport(file, otherKey)).toThrow(/key ID/);
  });

  it('a filtered export proves each row on its own; the verifier runs as a command with no database', async () => {
    const file = await exportJsonl('from=2000-01-01T00:00:00Z&to=2026-11-21T12:00:00Z&q=event%2012');
    expect(checkExport(file, vkey)).toMatchObject({ ok: true });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-export-'));
    fs.writeFileSync(path.join(dir, 'ok.jsonl'), file);
    fs.writeFileSync(path.join(dir, 'bad.jsonl'), file.replace(/"message":"[^"]*"/, '"message":"edited"'));
    // No DATABASE_URL, and a DATA_DIR with nothing in it: the command reads only the file and the key.
    const env = { ...process.env, DATABASE_URL: '', DATA_DIR: dir };
    const run = (name: string) => spawnSync('npx', ['tsx', 'scripts/verify-export.ts', path.join(dir, name), '--key', vkey], { env, encoding: 'utf8' });
    const ok = run('ok.jsonl');
    expect(ok.stdout).toMatch(/^verified: \d+ rows/m);
    expect(ok.status).toBe(0);
    const bad = run('bad.jsonl');
    expect(bad.stdout).toMatch(/PROBLEM: row 1 .* was altered/);
    expect(bad.status).toBe(1);
    expect(fs.readdirSync(dir).sort()).toEqual(['bad.jsonl', 'ok.jsonl']);
  }, 60_000);
});
