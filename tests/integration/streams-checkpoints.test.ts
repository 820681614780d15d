import { spawnSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { getStreamDestination } from '@/db/queries/stream-destinations';
import { checkpointOrigin, createCheckpoint } from '@/lib/chain/checkpoints';
import { verifierKey } from '@/lib/chain/signed-note';
import { getSigningKey } from '@/lib/chain/signing-key';
import { replayStreamOperation } from '@/lib/operations/streams';
import { executeAudited } from '@/lib/recording/operation';
import { verifyReceived } from '@/lib/streams/verify-received';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { actingAs } from './context';
import { describeEachDatabase } from './databases';
import { insertEvents } from './fixtures';
import { addWebhook, drain, testLoop } from './streams-helpers';

/** What arrived, in arrival order: each entry's seq, each checkpoint's size. */
function arrivals(receiver: WebhookReceiver) {
  return receiver.stored.flatMap((b) => [
    ...b.body.events.map((e) => ({ seq: Number(e.seq) })),
    ...(b.body.checkpoints ?? []).map((c) => ({ size: Number(c.tree_size), note: String(c.note) })),
  ]);
}

describeEachDatabase('log streams: signed checkpoints', (ctx) => {
  let receiver: WebhookReceiver;
  let secret: string | null = null;
  beforeAll(async () => {
    receiver = await startWebhookReceiver(() => secret);
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('sends each checkpoint after the entries it covers, alone when caught up, the same batch on a retry; stream:verify rebuilds every root', async () => {
    const owner = await actingAs(ctx.db, 'checkpoints@streams.test', 'owner');
    const orgId = owner.org.orgId;
    await insertEvents(ctx.db, orgId, 20);
    const beforeAdded = await createCheckpoint(ctx.db, orgId);
    const dest = await addWebhook(ctx.db, owner, receiver.url);
    secret = dest.secret;
    await insertEvents(ctx.db, orgId, 30);
    const covered = await createCheckpoint(ctx.db, orgId);
    await insertEvents(ctx.db, orgId, 45);
    const loop = testLoop(ctx.db);
    await drain(ctx.db, loop, orgId, dest.id);

    // Only the checkpoint signed after the destination was added, after every entry it covers.
    let got = arrivals(receiver);
    expect(got.filter((a) => 'size' in a)).toEqual([{ size: covered.seq, note: covered.note }]);
    const at = got.findIndex((a) => 'size' in a);
    const sentBefore = got.slice(0, at).flatMap((a) => ('seq' in a ? [a.seq] : []));
    expect(sentBefore.filter((s) => s <= covered.seq)).toEqual(Array.from({ length: covered.seq - beforeAdded.seq }, (_, i) => beforeAdded.seq + 1 + i));
    expect(got.slice(at + 1).every((a) => 'seq' in a && a.seq > covered.seq)).toBe(true);

    // Caught up: a checkpoint signed now goes out on its own, under an id of its own.
    const idle = await createCheckpoint(ctx.db, orgId);
    await drain(ctx.db, loop, orgId, dest.id);
    const alone = receiver.stored.at(-1)!;
    expect(alone.body.events).toEqual([]);
    expect(alone.body.checkpoints!.map((c) => c.tree_size)).toEqual([idle.seq]);
    expect(alone.webhookId).toMatch(/_checkpoints_\d+-\d+$/);

    // A failed attempt, then another checkpoint of the same size signed meanwhile: the retry resends the same bytes.
    await insertEvents(ctx.db, orgId, 5);
    const pending = await createCheckpoint(ctx.db, orgId);
    receiver.setMode('fail500');
    await loop.runOnce();
    await createCheckpoint(ctx.db, orgId);
    receiver.setMode('ok');
    await drain(ctx.db, loop, orgId, dest.id);
    const failed = receiver.attempts.filter((a) => a.mode === 'fail500');
    expect(failed.length).toBe(1);
    const resent = receiver.stored.find((b) => b.webhookId === failed[0]!.webhookId)!;
    expect(resent.body).toEqual(JSON.parse(failed[0]!.raw));
    expect(resent.body.checkpoints!.map((c) => c.note)).toEqual([pending.note]);
    expect((await getStreamDestination(ctx.db, orgId, dest.id))!.checkpointCursor).toBe(pending.seq);

    const vkey = verifierKey(checkpointOrigin(orgId), createPublicKey(getSigningKey().publicKeyPem));
    const partial = verifyReceived(
      receiver.stored.map((b) => b.body),
      { key: vkey },
    );
    expect(partial.ok).toBe(true);
    expect(partial.checkpoints).toMatchObject({ count: 3, signaturesChecked: true, rootsMatched: 0 });
    expect(partial.checkpoints.rootsUnchecked).toMatch(/^received from #21: /);

    // Replayed from #1: every entry and every checkpoint again, so the receiver can rebuild each root.
    const replay = await executeAudited(ctx.db, replayStreamOperation, owner, { destinationId: dest.id, from: '#1' });
    expect(replay.ok).toBe(true);
    await drain(ctx.db, loop, orgId, dest.id);
    got = arrivals(receiver);
    expect(got.filter((a) => 'size' in a).map((a) => (a as { size: number }).size)).toEqual([
      covered.seq,
      idle.seq,
      pending.seq,
      beforeAdded.seq,
      covered.seq,
      idle.seq,
      pending.seq,
    ]);
    const full = verifyReceived(
      receiver.stored.map((b) => b.body),
      { key: vkey },
    );
    expect(full.problem).toBeNull();
    expect(full.checkpoints).toMatchObject({ count: 4, rootsMatched: 4, rootsUnchecked: null });

    // The CLI over what the receiver stored: accepted; a tampered note, a forged root, a dropped entry named.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stream-checkpoints-'));
    const write = (name: string, bodies: unknown[]) => {
      fs.writeFileSync(path.join(dir, name), bodies.map((b) => JSON.stringify(b)).join('\n'));
      return path.join(dir, name);
    };
    const run = (file: string) => spawnSync('npx', ['tsx', 'scripts/verify-stream.ts', '--key', vkey, file], { encoding: 'utf8' });
    const bodies = receiver.stored.map((b) => structuredClone(b.body));
    const ok = run(write('ok.jsonl', bodies));
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(
      /-> verified through #\d+; 4 signed checkpoints: signatures verified with the key, 4 roots rebuilt from the received entries and matching/,
    );

    const tampered = structuredClone(bodies);
    const carrying = tampered.findLast((b) => b.checkpoints?.some((c) => c.tree_size === covered.seq))!;
    const target = carrying.checkpoints!.find((c) => c.tree_size === covered.seq)!;
    target.note = String(target.note).replace(`\n${covered.seq}\n`, `\n${covered.seq - 1}\n`);
    const t = run(write('tampered.jsonl', tampered));
    expect(t.status).toBe(1);
    expect(t.stdout).toContain(`checkpoint at size ${covered.seq}: the signature does not verify`);

    const dropped = structuredClone(bodies).map((b) => ({ ...b, events: b.events.filter((e) => Number(e.seq) !== pending.seq) }));
    const d = run(write('dropped.jsonl', dropped));
    expect(d.status).toBe(1);
    expect(d.stdout).toMatch(new RegExp(`(gap: #${pending.seq} missing|checkpoint at size ${pending.seq}: it covers #${pending.seq}, which was not received)`));
    fs.rmSync(dir, { recursive: true, force: true });
    await loop.stop();
  });
});
