/**
 * `npm run bench:streams -- [--db server|embedded] [--backlog 20000] [--rate 500] [--seconds 20]`: log-stream
 * delivery to a local HTTPS webhook receiver (signatures verified with `standardwebhooks`, as a real receiver would).
 *
 * 1. Backlog: `--backlog` entries already stored, a destination replayed from #1; events/s until it has caught
 *    up, at batch sizes 100 and 500.
 * 2. Steady ingest: `--rate` events/s appended (batches of 10) for `--seconds` while the loop delivers; lag
 *    (entries and seconds behind the chain head) sampled every 250 ms.
 * Prints one Markdown table. Server: a throw-away database on BENCH_ADMIN_URL; embedded: PGlite in memory.
 */
import { parseArgs } from 'node:util';
import { getChainHead } from '@/db/queries/chain-head';
import { getStreamDestination } from '@/db/queries/stream-destinations';
import type { Db, DbHandle } from '@/db/client';
import { openMigratedDatabase } from '@/lib/boot/migrate';
import { createStreamDestinationOperation, replayStreamOperation } from '@/lib/operations/streams';
import { executeAudited, type OperationContext } from '@/lib/recording/operation';
import { recordAuditEvents, type AuditEntry } from '@/lib/recording/record';
import { createStreamLoop } from '@/lib/streams/delivery-loop';
import { verifyReceived } from '@/lib/streams/verify-received';
import { memberships, organizations, users } from '@/db/schema';
import { startWebhookReceiver, TEST_CA_PEM } from '../tests/support/webhook-receiver';
import { createBenchDatabase } from './lib/bench-db';

// The receiver is on loopback, which destinations may not reach by default (read lazily, so set before the first send).
process.env.STREAM_ALLOW_PRIVATE_ADDRESSES ??= 'true';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'server' },
    backlog: { type: 'string', default: '20000' },
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '20' },
  },
});
const BACKLOG = Number(args.backlog);
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);

const pct = (values: number[], p: number) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function setup(db: Db): Promise<OperationContext> {
  const [org] = await db.insert(organizations).values({ slug: 'bench-streams', name: 'Bench streams' }).returning();
  const [user] = await db.insert(users).values({ email: 'bench@streams.test', name: 'bench', passwordHash: 'x' }).returning();
  await db.insert(memberships).values({ orgId: org!.id, userId: user!.id, role: 'owner' });
  return {
    user: { id: user!.id, email: user!.email, name: user!.name },
    org: { orgId: org!.id, slug: org!.slug, name: org!.name, timeZone: org!.timeZone, role: 'owner' },
    request: { ip: '127.0.0.1', userAgent: 'bench', requestId: 'bench' },
  };
}

const entry = (orgId: string, i: number): AuditEntry => ({
  orgId,
  actor: { type: 'user', id: `u${i % 50}`, label: `user${i % 50}@example.com` },
  source: 'api',
  action: 'update',
  objectType: 'flow',
  objectId: `flow_${i}`,
  message: `Updated flow ${i}`,
  before: { version: i, limits: { rate: 10 } },
  after: { version: i + 1, limits: { rate: 20 } },
  metadata: { bench: true },
});

async function main() {
  let handle: DbHandle;
  let drop = async () => {};
  if (args.db === 'embedded') handle = await openMigratedDatabase({ pgliteDir: 'memory://' });
  else {
    const bench = await createBenchDatabase();
    handle = await openMigratedDatabase({ url: bench.url });
    drop = bench.drop;
  }
  const db = handle.db;
  const ctx = await setup(db);
  const orgId = ctx.org.orgId;
  let secret: string | null = null;
  const receiver = await startWebhookReceiver(() => secret);
  const rows: string[] = [];
  try {
    for (let i = 0; i < BACKLOG; i += 1000)
      await recordAuditEvents(
        db,
        Array.from({ length: Math.min(1000, BACKLOG - i) }, (_, j) => entry(orgId, i + j)),
      );
    for (const batchSize of [100, 500]) {
      const created = await executeAudited(db, createStreamDestinationOperation, ctx, {
        name: `backlog ${batchSize}`,
        kind: 'webhook',
        url: receiver.url,
        ca_cert: TEST_CA_PEM,
      });
      if (!created.ok) throw new Error(created.error);
      secret = created.data.secret!.value;
      const replay = await executeAudited(db, replayStreamOperation, ctx, { destinationId: created.data.id, from: '#1' });
      if (!replay.ok) throw new Error(replay.error);
      const head = (await getChainHead(db, orgId))!.seq;
      receiver.stored.length = 0;
      const started = performance.now();
      const loop = createStreamLoop(async () => db, {
        batchSize,
        timeoutMs: 10_000,
        retryMaxMs: 1000,
        unhealthyAfter: 5,
        leaseSeconds: 60,
        maxBatchesPerClaim: 20,
        concurrency: 4,
        pollMs: 50,
      });
      while ((await getStreamDestination(db, orgId, created.data.id))!.cursor < head) await sleep(20);
      const ms = performance.now() - started;
      await loop.stop();
      const v = verifyReceived(receiver.stored.map((b) => b.body));
      rows.push(
        `| backlog of ${head} entries, batch ${batchSize} | ${args.db} | ${Math.round((head / ms) * 1000)} events/s | ${(ms / 1000).toFixed(1)} s | ${v.ok ? `verified through #${v.verifiedThrough}` : 'FAILED'} |`,
      );
      await db.execute((await import('drizzle-orm')).sql`update stream_destinations set paused = true`);
    }

    // Steady ingest with one caught-up destination.
    const created = await executeAudited(db, createStreamDestinationOperation, ctx, {
      name: 'steady',
      kind: 'webhook',
      url: receiver.url,
      ca_cert: TEST_CA_PEM,
    });
    if (!created.ok) throw new Error(created.error);
    secret = created.data.secret!.value;
    receiver.stored.length = 0;
    const loop = createStreamLoop(async () => db, {
      batchSize: 100,
      timeoutMs: 10_000,
      retryMaxMs: 1000,
      unhealthyAfter: 5,
      leaseSeconds: 60,
      maxBatchesPerClaim: 20,
      concurrency: 4,
      pollMs: 100,
    });
    const lagEvents: number[] = [];
    const lagSeconds: number[] = [];
    let writing = true;
    let written = 0;
    const sampler = (async () => {
      while (writing) {
        await sleep(250);
        const head = (await getChainHead(db, orgId))!.seq;
        const dest = (await getStreamDestination(db, orgId, created.data.id))!;
        lagEvents.push(head - dest.cursor);
        const list = await (await import('@/db/queries/stream-destinations')).listStreamDestinations(db, orgId);
        const mine = list.find((d) => d.id === created.data.id)!;
        lagSeconds.push(mine.oldestPendingAt ? (Date.now() - mine.oldestPendingAt.getTime()) / 1000 : 0);
      }
    })();
    const started = performance.now();
    const perTick = 10;
    const tickMs = (perTick / RATE) * 1000;
    while (performance.now() - started < SECONDS * 1000) {
      const due = started + (written / perTick) * tickMs;
      // Always yield to timers: the embedded database runs queries on this thread, and a writer that never
      // waits would starve the delivery loop in a way no real server (which waits for requests) does.
      await sleep(Math.max(0, due - performance.now()));
      await recordAuditEvents(
        db,
        Array.from({ length: perTick }, (_, j) => entry(orgId, written + j)),
      );
      written += perTick;
    }
    const ingestSeconds = (performance.now() - started) / 1000;
    writing = false;
    await sampler;
    const head = (await getChainHead(db, orgId))!.seq;
    const drainStart = performance.now();
    while ((await getStreamDestination(db, orgId, created.data.id))!.cursor < head) await sleep(20);
    const drainMs = performance.now() - drainStart;
    await loop.stop();
    const v = verifyReceived(receiver.stored.map((b) => b.body));
    rows.push(
      `| steady ingest ${Math.round(written / ingestSeconds)} events/s for ${SECONDS} s | ${args.db} | lag p50 ${pct(lagEvents, 50)} / p95 ${pct(lagEvents, 95)} / max ${Math.max(...lagEvents)} entries; ${pct(lagSeconds, 50).toFixed(2)} / ${pct(lagSeconds, 95).toFixed(2)} / ${Math.max(...lagSeconds).toFixed(2)} s | caught up ${(drainMs / 1000).toFixed(2)} s after ingest stopped | ${v.ok ? `verified through #${v.verifiedThrough}` : 'FAILED'} |`,
    );
  } finally {
    await receiver.close();
    await handle.close();
    await drop();
  }
  console.log('| scenario | database | rate / lag (p50 / p95 / max) | time | receiver check |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) console.log(r);
}

await main();
