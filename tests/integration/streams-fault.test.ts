import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { getStreamDestination } from '@/db/queries/stream-destinations';
import { verifyReceived } from '@/lib/streams/verify-received';
import { describeOnServer } from './databases';
import { actingAs, rowsOf } from './context';
import { insertEvents } from './fixtures';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { seqsAfter } from './streams-helpers';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** `npm run stream:deliver` as a real process on the test database. */
function startInstance(url: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'scripts/stream-deliver.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url, STREAM_BATCH_SIZE: '25', STREAM_TIMEOUT_SECONDS: '30', STREAM_LEASE_SECONDS: '2', STREAM_RETRY_MAX_SECONDS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

const until = async (check: () => boolean | Promise<boolean>, what: string, ms = 60_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

// Processes on one PostgreSQL server: the embedded database belongs to a single process.
describeOnServer('log streams: an instance killed mid-delivery', (ctx) => {
  let receiver: WebhookReceiver;
  let secret: string | null = null;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    receiver = await startWebhookReceiver(() => secret);
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await receiver.close();
  });

  it('is taken over by another instance: nothing lost, the resent batch keeps its webhook-id and seqs', async () => {
    const owner = await actingAs(ctx.db, 'fault@streams.test', 'owner');
    const orgId = owner.org.orgId;
    const { addWebhook } = await import('./streams-helpers');
    const dest = await addWebhook(ctx.db, owner, receiver.url);
    secret = dest.secret;
    const start = (await getStreamDestination(ctx.db, orgId, dest.id))!.cursor;
    await insertEvents(ctx.db, orgId, 200);
    const [{ name }] = rowsOf<{ name: string }>(await ctx.db.execute(sql`select current_database() as name`)) as [{ name: string }];
    const url = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
    url.pathname = `/${name}`;

    // The receiver stores the first batch and never answers: the instance is mid-delivery when it is killed.
    receiver.setMode('store-then-hang');
    const first = startInstance(url.toString());
    children.push(first);
    await until(() => receiver.stored.length === 1, 'the first batch');
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    expect((await getStreamDestination(ctx.db, orgId, dest.id))!.cursor).toBe(start);

    receiver.setMode('ok');
    const second = startInstance(url.toString());
    children.push(second);
    const expected = await seqsAfter(ctx.db, orgId, start);
    await until(async () => (await getStreamDestination(ctx.db, orgId, dest.id))!.cursor >= expected[expected.length - 1]!, 'the takeover to catch up');
    second.kill('SIGTERM');
    await new Promise((r) => second.once('exit', r));

    expect([...new Set(receiver.seqs())].sort((a, b) => a - b)).toEqual(expected);
    const firstId = receiver.stored[0]!.webhookId;
    const copies = receiver.stored.filter((b) => b.webhookId === firstId);
    expect(copies.length).toBe(2);
    expect(copies[1]!.body.events.map((e) => [e.seq, e.hash])).toEqual(copies[0]!.body.events.map((e) => [e.seq, e.hash]));
    expect(receiver.badSignatures).toEqual([]);
    expect(verifyReceived(receiver.stored.map((b) => b.body)).ok).toBe(true);
  });
});
