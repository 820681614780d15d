import { generateKeyPairSync } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { handleCheckpointsGet, handleIntegrityGet } from '@/lib/api/integrity';
import { checkpointAllOrgs } from '@/lib/lifecycle/checkpoint-schedule';
import { listCheckpoints } from '@/db/queries/chain-checkpoints';
import { createCheckpoint, verifyCheckpoint } from '@/lib/chain/checkpoints';
import { signingKeyFromPem } from '@/lib/chain/signing-key';
import { listHashedEntries } from '@/db/queries/chain-entries';
import { parseCheckpointFile } from '@/lib/chain/checkpoint-file';
import { leafHash, rootOfLeaves } from '@/lib/chain/merkle';
import { openNote, parseCheckpointText, parseVerifierKey } from '@/lib/chain/signed-note';
import { checkCheckpoints } from '@/lib/chain/trust';
import { createKey, eventAt, tamper } from './chain-helpers';
import { describeEachDatabase } from './databases';
import { createOrg, insertEvents } from './fixtures';

const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const key = signingKeyFromPem(pem);
const get = (path: string, apiKey: string | null) => new Request(`http://localhost${path}`, { headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {} });

describeEachDatabase('hash chain: signed checkpoints and the integrity API', (ctx) => {
  it('signs the chain head; the signature verifies with the public key and fails once the signed data changes', async () => {
    const org = await createOrg(ctx.db, 'cp-sign');
    await insertEvents(ctx.db, org.id, 4);
    const cp = await createCheckpoint(ctx.db, org.id, key);
    expect(cp).toMatchObject({ orgId: org.id, seq: 4, hash: (await eventAt(ctx.db, org.id, 4)).hash, keyFingerprint: key.fingerprint });
    const [stored] = await listCheckpoints(ctx.db, org.id);
    expect(verifyCheckpoint(stored!, key.publicKeyPem)).toBe(true);
    expect(verifyCheckpoint({ ...stored!, seq: 3 }, key.publicKeyPem)).toBe(false);
    expect(verifyCheckpoint({ ...stored!, hash: '0'.repeat(64) }, key.publicKeyPem)).toBe(false);
    expect(verifyCheckpoint({ ...stored!, signedAt: new Date(stored!.signedAt.getTime() + 1) }, key.publicKeyPem)).toBe(false);
    expect(verifyCheckpoint({ ...stored!, orgId: crypto.randomUUID() }, key.publicKeyPem)).toBe(false);
    const otherKey = signingKeyFromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    expect(verifyCheckpoint(stored!, otherKey.publicKeyPem)).toBe(false);
  });

  it('rejects a signing key that is not Ed25519', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => signingKeyFromPem(rsa)).toThrow(/Ed25519/);
  });

  it('the periodic run signs only heads that moved since their last checkpoint', async () => {
    const org = await createOrg(ctx.db, 'cp-periodic');
    await insertEvents(ctx.db, org.id, 2);
    expect(await checkpointAllOrgs(ctx.db)).toBeGreaterThanOrEqual(1);
    expect(await checkpointAllOrgs(ctx.db)).toBe(0);
    await insertEvents(ctx.db, org.id, 1);
    expect(await checkpointAllOrgs(ctx.db)).toBe(1);
    expect((await listCheckpoints(ctx.db, org.id)).map((c) => c.seq)).toEqual([3, 2]);
  });

  it('GET /api/v1/integrity answers for the key’s organization only, and reports a break', async () => {
    const org = await createOrg(ctx.db, 'cp-api');
    const other = await createOrg(ctx.db, 'cp-api-other');
    await insertEvents(ctx.db, org.id, 5);
    await insertEvents(ctx.db, other.id, 2);
    const apiKey = await createKey(ctx.db, org.id);
    expect((await handleIntegrityGet(ctx.db, get('/api/v1/integrity', null))).status).toBe(401);
    const ok = await handleIntegrityGet(ctx.db, get('/api/v1/integrity', apiKey));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ data: { ok: true, orgId: org.id, count: 5, verifiedThrough: { seq: 5 } } });
    // The check continues from #5 (the read above is #6): an entry written since is altered.
    await insertEvents(ctx.db, org.id, 2);
    await tamper(ctx.db, sql`update audit_events set actor_label = 'someone else' where org_id = ${org.id} and seq = 7`);
    const broken = await (await handleIntegrityGet(ctx.db, get('/api/v1/integrity', apiKey))).json();
    expect(broken).toMatchObject({ data: { ok: false, at: 7, reason: 'hash_mismatch', eventId: (await eventAt(ctx.db, org.id, 7)).id, incremental: true } });
  });

  it('GET /api/v1/integrity/checkpoints returns the organization’s checkpoints with the public key', async () => {
    const org = await createOrg(ctx.db, 'cp-export');
    await insertEvents(ctx.db, org.id, 3);
    const apiKey = await createKey(ctx.db, org.id);
    await createCheckpoint(ctx.db, org.id);
    expect((await handleCheckpointsGet(ctx.db, get('/api/v1/integrity/checkpoints', 'ak_0000000000_nope'))).status).toBe(401);
    const res = await handleCheckpointsGet(ctx.db, get('/api/v1/integrity/checkpoints', apiKey));
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      data: {
        seq: number;
        org_id: string;
        hash: string;
        signed_at: string;
        signature: string;
        key_fingerprint: string;
        id: string;
        root_hash: string | null;
        note: string | null;
      }[];
      public_key: { pem: string; fingerprint: string };
    };
    expect(body.data).toHaveLength(1);
    const [c] = body.data;
    expect(c).toMatchObject({ org_id: org.id, seq: 3, key_fingerprint: body.public_key.fingerprint });
    const row = {
      orgId: c!.org_id,
      id: c!.id,
      seq: c!.seq,
      hash: c!.hash,
      signedAt: new Date(c!.signed_at),
      signature: c!.signature,
      keyFingerprint: c!.key_fingerprint,
      rootHash: c!.root_hash,
      note: c!.note,
      merkleRange: null,
    };
    expect(verifyCheckpoint(row, body.public_key.pem)).toBe(true);
  });

  it('GET /api/v1/integrity/checkpoints?format=note downloads C2SP checkpoints that open with the published verifier key and match the chain', async () => {
    const org = await createOrg(ctx.db, 'cp-notes');
    await insertEvents(ctx.db, org.id, 5);
    await createCheckpoint(ctx.db, org.id);
    await insertEvents(ctx.db, org.id, 4);
    await createCheckpoint(ctx.db, org.id);
    const apiKey = await createKey(ctx.db, org.id);
    const json = (await (await handleCheckpointsGet(ctx.db, get('/api/v1/integrity/checkpoints', apiKey))).json()) as {
      origin: string;
      public_key: { verifier_key: string; pem: string };
    };
    expect(json.origin).toBe(`audit-log/${org.id}`);
    const res = await handleCheckpointsGet(ctx.db, get('/api/v1/integrity/checkpoints?format=note', apiKey));
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const notes = parseCheckpointFile(await res.text());
    const vkey = parseVerifierKey(json.public_key.verifier_key);
    expect(vkey.name).toBe(json.origin);
    const bodies = notes.map((n) => {
      const opened = openNote(n.note, vkey.name, vkey.publicKey);
      return opened.ok ? parseCheckpointText(opened.text) : null;
    });
    expect(bodies.map((b) => b?.size)).toEqual([5, 9]);
    // Each root is the RFC 6962 root of the entry hashes up to it.
    const hashes = (await listHashedEntries(ctx.db, org.id, 0, 9, 100)).map((e) => leafHash(e.hash));
    expect(bodies[0]!.root.equals(rootOfLeaves(hashes.slice(0, 5)))).toBe(true);
    expect(bodies[1]!.root.equals(rootOfLeaves(hashes.slice(0, 9)))).toBe(true);
    const trust = await checkCheckpoints(ctx.db, org.id, {
      publicKeyPem: json.public_key.pem,
      notes: notes.map((n) => ({ source: 'download', note: n.note })),
      foldRoots: true,
    });
    expect(trust).toMatchObject({ finding: null, newest: 9 });
  });
});
