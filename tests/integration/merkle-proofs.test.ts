import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { handleProofGet } from '@/lib/api/integrity-proof';
import { checkpointOrigin, createCheckpoint } from '@/lib/chain/checkpoints';
import { leafHash, verifyConsistency, verifyInclusion } from '@/lib/chain/merkle';
import { openNote, parseCheckpointText } from '@/lib/chain/signed-note';
import { getSigningKey } from '@/lib/chain/signing-key';
import { createPublicKey } from 'node:crypto';
import { createKey, eventAt, tamper } from './chain-helpers';
import { describeEachDatabase } from './databases';
import { createOrg, insertEvents } from './fixtures';

const get = (apiKey: string, query: string) =>
  new Request(`http://localhost/api/v1/integrity/proof?${query}`, { headers: { authorization: `Bearer ${apiKey}` } });
const b64 = (s: string) => Buffer.from(s, 'base64');

describeEachDatabase('Merkle proofs against signed checkpoints', (ctx) => {
  it('inclusion proofs verify against the signed root, across tile boundaries; consistency proofs between checkpoints too', async () => {
    const org = await createOrg(ctx.db, 'proofs');
    await insertEvents(ctx.db, org.id, 100);
    await createCheckpoint(ctx.db, org.id);
    await insertEvents(ctx.db, org.id, 200);
    await createCheckpoint(ctx.db, org.id);
    const apiKey = await createKey(ctx.db, org.id);
    const publicKey = createPublicKey(getSigningKey().publicKeyPem);
    for (const seq of [1, 100, 256, 257, 300]) {
      const event = await eventAt(ctx.db, org.id, seq);
      const res = await handleProofGet(ctx.db, get(apiKey, `event=${event.id}`));
      expect(res.status).toBe(200);
      const { data } = (await res.json()) as {
        data: { seq: number; leafIndex: number; treeSize: number; rootHash: string; entryHash: string; leafHash: string; checkpoint: string; proof: string[] };
      };
      expect(data).toMatchObject({ seq, leafIndex: seq - 1, treeSize: 300, entryHash: event.hash });
      // A client needs only the key: the note is signed, its root is what the proof must reach.
      const opened = openNote(data.checkpoint, checkpointOrigin(org.id), publicKey);
      const body = opened.ok ? parseCheckpointText(opened.text) : null;
      expect(body?.root.toString('base64')).toBe(data.rootHash);
      expect(leafHash(data.entryHash).toString('base64')).toBe(data.leafHash);
      expect(verifyInclusion(data.leafIndex, data.treeSize, leafHash(data.entryHash), data.proof.map(b64), body!.root)).toBe(true);
      expect(verifyInclusion(data.leafIndex, data.treeSize, leafHash('0'.repeat(64)), data.proof.map(b64), body!.root)).toBe(false);
    }
    const res = await handleProofGet(ctx.db, get(apiKey, 'from=100&to=300'));
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as {
      data: { from: { treeSize: number; rootHash: string }; to: { treeSize: number; rootHash: string }; proof: string[] };
    };
    expect(verifyConsistency(100, 300, b64(data.from.rootHash), b64(data.to.rootHash), data.proof.map(b64))).toBe(true);
    expect(verifyConsistency(100, 300, b64(data.to.rootHash), b64(data.to.rootHash), data.proof.map(b64))).toBe(false);
  });

  it('answers 409 for an event past the latest checkpoint, 404 for another organization’s event, 400 without a query', async () => {
    const org = await createOrg(ctx.db, 'proofs-edges');
    const other = await createOrg(ctx.db, 'proofs-other');
    await insertEvents(ctx.db, org.id, 3);
    await createCheckpoint(ctx.db, org.id);
    await insertEvents(ctx.db, org.id, 1);
    await insertEvents(ctx.db, other.id, 1);
    const apiKey = await createKey(ctx.db, org.id);
    expect((await handleProofGet(ctx.db, get(apiKey, `event=${(await eventAt(ctx.db, org.id, 4)).id}`))).status).toBe(409);
    expect((await handleProofGet(ctx.db, get(apiKey, `event=${(await eventAt(ctx.db, other.id, 1)).id}`))).status).toBe(404);
    expect((await handleProofGet(ctx.db, get(apiKey, 'from=1'))).status).toBe(400);
  });

  it('a tile rewritten in the database gives proofs that no longer reach the signed root', async () => {
    const org = await createOrg(ctx.db, 'proofs-tiles');
    await insertEvents(ctx.db, org.id, 20);
    const cp = await createCheckpoint(ctx.db, org.id);
    const apiKey = await createKey(ctx.db, org.id);
    await tamper(ctx.db, sql`update audit_merkle_tiles set hashes = overlay(hashes placing '\\x00' from 40 for 1) where org_id = ${org.id} and level = 0`);
    const { data } = (await (await handleProofGet(ctx.db, get(apiKey, `event=${(await eventAt(ctx.db, org.id, 1)).id}`))).json()) as {
      data: { leafIndex: number; treeSize: number; entryHash: string; proof: string[] };
    };
    expect(verifyInclusion(data.leafIndex, data.treeSize, leafHash(data.entryHash), data.proof.map(b64), b64(cp.rootHash!))).toBe(false);
  });
});
