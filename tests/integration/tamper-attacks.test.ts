import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { organizations } from '@/db/schema';
import { runRetention } from '@/lib/lifecycle/retention';
import { expect, it } from 'vitest';
import { listHashedEntries } from '@/db/queries/chain-entries';
import { handleIntegrityGet } from '@/lib/api/integrity';
import { checkpointFilePath, notesFromFile } from '@/lib/chain/checkpoint-file';
import { createCheckpoint } from '@/lib/chain/checkpoints';
import { computeEntryHash } from '@/lib/chain/entry-hash';
import { getSigningKey } from '@/lib/chain/signing-key';
import { checkCheckpoints, withCheckpoints } from '@/lib/chain/trust';
import { verifyChain } from '@/lib/chain/verify';
import { checkpointAllOrgs } from '@/lib/lifecycle/checkpoint-schedule';
import { verifyChainOperation } from '@/lib/operations/integrity';
import { executeAudited } from '@/lib/recording/operation';
import { createKey, eventAt, tamper } from './chain-helpers';
import { actingAs } from './context';
import { describeEachDatabase, describeOnServer } from './databases';
import { insertEvents } from './fixtures';

const DAY = 86_400_000;

// Checkpoint files and the signing key of this file's runs live in their own DATA_DIR.
process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-attacks-'));

describeEachDatabase('tamper evidence: the attacks of a database administrator are caught and named', (ctx) => {
  /** An organization with `n` entries, its owner, and signed checkpoints at the given sizes (published to its file). */
  async function victim(n: number, checkpointsAt: number[]) {
    const owner = await actingAs(ctx.db, `owner-${Math.random()}@attack.test`, 'owner');
    const orgId = owner.org.orgId;
    let size = 0;
    for (const at of [...checkpointsAt, n]) {
      if (at > size) await insertEvents(ctx.db, orgId, at - size);
      size = Math.max(size, at);
      if (checkpointsAt.includes(at)) await createCheckpoint(ctx.db, orgId);
    }
    await checkpointAllOrgs(ctx.db);
    return { owner, orgId, apiKey: await createKey(ctx.db, orgId) };
  }

  /** The same organization as the CLI (whole chain + every checkpoint, roots folded), the API and the Integrity page see it. */
  async function detect(v: Awaited<ReturnType<typeof victim>>) {
    const notes = notesFromFile(checkpointFilePath(process.env.DATA_DIR!, v.orgId));
    const cli = withCheckpoints(
      await verifyChain(ctx.db, v.orgId),
      await checkCheckpoints(ctx.db, v.orgId, { publicKeyPem: getSigningKey().publicKeyPem, notes, foldRoots: true }),
    );
    const api = (
      await (await handleIntegrityGet(ctx.db, new Request('http://localhost/api/v1/integrity', { headers: { authorization: `Bearer ${v.apiKey}` } }))).json()
    ).data;
    const page = await executeAudited(ctx.db, verifyChainOperation, v.owner, { mode: 'full' });
    return { cli, api, page: page.ok ? page.data : page };
  }

  const expectAll = (found: Awaited<ReturnType<typeof detect>>, expected: { reason: string; at: number; detail: RegExp }) => {
    for (const [where, result] of Object.entries(found)) {
      // The API and the page record their own reads (new entries), so only the CLI's position is fixed.
      expect({ where, ...result }).toMatchObject({ where, ok: false, reason: expected.reason, ...(where === 'cli' ? { at: expected.at } : {}) });
      expect((result as { detail: string }).detail).toMatch(expected.detail);
    }
  };

  it('an untouched chain verifies everywhere, against every checkpoint', async () => {
    const v = await victim(12, [5, 10]);
    const found = await detect(v);
    // Signed at 5 and 10, and at 12 by the scheduled run; each in the database and in the file.
    expect(found.cli).toMatchObject({ ok: true, checkpoints: { checked: 6, newest: 12 } });
    expect(found.api).toMatchObject({ ok: true });
    expect(found.page).toMatchObject({ ok: true });
  });

  it('after a real retention run (a signed anchor), the shortened chain still verifies everywhere, roots included', async () => {
    const owner = await actingAs(ctx.db, `owner-${Math.random()}@attack.test`, 'owner');
    const orgId = owner.org.orgId;
    await ctx.db.update(organizations).set({ retentionDays: 30 }).where(eq(organizations.id, orgId));
    const now = new Date();
    await insertEvents(ctx.db, orgId, 10, { times: (i) => new Date(now.getTime() - 90 * DAY + i) });
    await createCheckpoint(ctx.db, orgId);
    await insertEvents(ctx.db, orgId, 10, { times: (i) => new Date(now.getTime() - 60 * DAY + i) });
    await createCheckpoint(ctx.db, orgId);
    await insertEvents(ctx.db, orgId, 5, { times: (i) => new Date(now.getTime() - DAY + i) });
    await checkpointAllOrgs(ctx.db);
    expect((await runRetention(ctx.db, { now, minDays: 30 })).find((r) => r.orgId === orgId)).toMatchObject({ throughSeq: 20 });
    await checkpointAllOrgs(ctx.db);
    const found = await detect({ owner, orgId, apiKey: await createKey(ctx.db, orgId) });
    expect(found.cli).toMatchObject({ ok: true });
    expect(found.cli.checkpoints!.checked).toBeGreaterThanOrEqual(4);
    expect(found.api).toMatchObject({ ok: true });
    expect(found.page).toMatchObject({ ok: true });
  });

  it('tail cut and head rewound: the checkpoint past the new end is named', async () => {
    const v = await victim(30, [20, 30]);
    const h25 = await eventAt(ctx.db, v.orgId, 25);
    await tamper(ctx.db, sql`delete from audit_events where org_id = ${v.orgId} and seq > 25`);
    await tamper(ctx.db, sql`update audit_chain_heads set seq = 25, hash = ${h25.hash} where org_id = ${v.orgId}`);
    // The chain alone looks fine: that was the hole.
    expect(await verifyChain(ctx.db, v.orgId)).toMatchObject({ ok: true, verifiedThrough: { seq: 25 } });
    expectAll(await detect(v), { reason: 'checkpoint_beyond_head', at: 26, detail: /chain ends at #2[56], but checkpoint #30 .*vouches for #30/ });
  });

  it('prefix deleted and a forged anchor inserted: the unsigned anchor is named, with the checkpoint it contradicts', async () => {
    const v = await victim(30, [8, 20]);
    const h10 = await eventAt(ctx.db, v.orgId, 10);
    await tamper(ctx.db, sql`delete from audit_events where org_id = ${v.orgId} and seq <= 10`);
    await tamper(ctx.db, sql`insert into audit_chain_anchors (org_id, seq, hash) values (${v.orgId}, 10, ${h10.hash})`);
    expect(await verifyChain(ctx.db, v.orgId)).toMatchObject({ ok: true });
    expectAll(await detect(v), { reason: 'anchor_unsigned', at: 10, detail: /entries #1–#10 were removed outside retention; contradicts checkpoint #8/ });
  });

  it("a retention-style delete through retention's own functions, without the signing key: the unsigned anchor is named", async () => {
    const v = await victim(15, [12]);
    const h6 = await eventAt(ctx.db, v.orgId, 6);
    // What the app's role may call: the function stores any signature, the verifier checks it.
    await ctx.db.execute(sql`select audit_set_retention_anchor(${v.orgId}::uuid, 6, ${h6.hash}, now(), 'AAAA', 'forged', null)`);
    await ctx.db.execute(sql`select audit_retention_delete(${v.orgId}::uuid)`);
    expectAll(await detect(v), { reason: 'anchor_unsigned', at: 6, detail: /entries #1–#6 were removed outside retention/ });
  });

  it('tail rewritten and every later entry re-hashed: the first contradicted checkpoint is named', async () => {
    const v = await victim(30, [20, 25, 30]);
    const rows = await listHashedEntries(ctx.db, v.orgId, 21, 30, 100);
    let prevHash = (await eventAt(ctx.db, v.orgId, 21)).hash;
    for (const row of rows) {
      const rewritten = { ...row, prevHash, message: row.seq <= 24 ? 'nothing happened' : row.message };
      const hash = computeEntryHash(rewritten);
      await tamper(
        ctx.db,
        sql`update audit_events set message = ${rewritten.message}, prev_hash = ${prevHash}, hash = ${hash} where org_id = ${v.orgId} and seq = ${row.seq}`,
      );
      prevHash = hash;
    }
    await tamper(ctx.db, sql`update audit_chain_heads set hash = ${prevHash} where org_id = ${v.orgId}`);
    expect(await verifyChain(ctx.db, v.orgId)).toMatchObject({ ok: true });
    expectAll(await detect(v), { reason: 'checkpoint_mismatch', at: 25, detail: /entry #25 does not match checkpoint #25 signed/ });
  });

  it('a checkpoints file edited (its root changed): the edited checkpoint is named by file and line', async () => {
    const v = await victim(9, [4, 9]);
    const file = checkpointFilePath(process.env.DATA_DIR!, v.orgId);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const at = lines.findIndex((l) => l === '9');
    lines[at + 1] = Buffer.alloc(32, 7).toString('base64');
    fs.writeFileSync(file, lines.join('\n'));
    expectAll(await detect(v), {
      reason: 'checkpoint_signature',
      at: 9,
      detail: new RegExp(`${path.basename(file)} line ${at} fails: the signature does not verify`),
    });
  });
});

describeOnServer('tamper evidence: the audit:verify command', (ctx) => {
  it('names the checkpoint a cut tail contradicts, given the public key from outside', async () => {
    const owner = await actingAs(ctx.db, `owner-${Math.random()}@attack.test`, 'owner');
    const orgId = owner.org.orgId;
    await insertEvents(ctx.db, orgId, 10);
    await createCheckpoint(ctx.db, orgId);
    await insertEvents(ctx.db, orgId, 2);
    const slug = owner.org.slug;
    const keyFile = path.join(process.env.DATA_DIR!, 'published-key.pem');
    fs.writeFileSync(keyFile, getSigningKey().publicKeyPem);
    const verify = () =>
      spawnSync('npx', ['tsx', 'scripts/audit-verify.ts', '--org', slug, '--public-key', keyFile], {
        env: { ...process.env, DATABASE_URL: ctx.url },
        encoding: 'utf8',
      });
    const clean = verify();
    expect(clean.stdout).toMatch(new RegExp(`^${slug}: verified through #12 .*; matches 1 signed checkpoint`, 'm'));
    expect(clean.status).toBe(0);
    const h8 = await eventAt(ctx.db, orgId, 8);
    await tamper(ctx.db, sql`delete from audit_events where org_id = ${orgId} and seq > 8`);
    await tamper(ctx.db, sql`update audit_chain_heads set seq = 8, hash = ${h8.hash} where org_id = ${orgId}`);
    const cut = verify();
    expect(cut.stdout).toMatch(/BROKEN at #9: entries cut below a signed checkpoint \(the chain ends at #8, but checkpoint #10 signed .* vouches for #10/);
    expect(cut.status).toBe(1);
  }, 180_000);
});
