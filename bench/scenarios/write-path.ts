/**
 * The write path at the physical limit (issue 17): POST /api/v1/events with 1,000-event batches from 1, 2 and 4
 * clients into one organization and from 8 clients into 8 organizations, against the bare yardstick measured in
 * the same run: COPY FROM STDIN of the same rows (validated, redacted and hash-chained by the product's own
 * functions beforehand, not timed) over a TCP_NODELAY connection into an index-free, unpartitioned copy of the
 * table. Also COPY into the full table, for where the indexes put the ceiling, into copies holding only the
 * open partition's indexes, and into audit_events with rows of an open (lean) day and of a closed day.
 */
import net from 'node:net';
import postgres from 'postgres';
import { openDatabase, type Db } from '@/db/client';
import { PEER_HEADER } from '@/lib/recording/client-ip';
import { handleIngestPost } from '@/lib/ingest/handle-post';
import { MAX_EVENTS_PER_REQUEST } from '@/lib/ingest/limits';
import { percentile } from '../lib/measure';
import type { BenchContext, ScenarioRow } from '../lib/types';
import { COPY_COLUMNS } from './ingest-data';
import { copyBatches, createKey, createOrg, expectCreated, ingestRequest, makeBodies, runLoad } from './ingest';

const BATCH = MAX_EVENTS_PER_REQUEST;
const GROUP = 'write path';
const RATE_TARGET = 20_000;
const RATIO_TARGET = 0.3;
const BARE_TABLE = 'bench_bare_audit_events';

type Send = (body: string) => Promise<void>;

const fmtRate = (n: number) => `${Math.round(n).toLocaleString('en-US')} events/s`;
const stats = (times: number[]) => ({ runs: times.length, p50Ms: percentile(times, 50), p95Ms: percentile(times, 95), maxMs: Math.max(...times) });

/** A postgres.js socket with Nagle's algorithm off: COPY's closing message is not held back ~40 ms. */
function noDelaySocket(options: { host: string[]; port: number[] }): net.Socket {
  const socket = net.connect(options.port[0]!, options.host[0]!);
  socket.setNoDelay(true);
  return socket;
}

async function copyText(sql: postgres.Sql, table: string, text: string): Promise<void> {
  const writable = await sql.unsafe(`copy ${table} (${COPY_COLUMNS}) from stdin`).writable();
  await new Promise<void>((resolve, reject) => {
    writable.on('error', reject);
    writable.on('finish', resolve);
    writable.end(text);
  });
}

/** Bare and full-table COPY of `chunks` (1,000 rows each), one statement at a time; events/s and the per-COPY p50. */
async function copyYardsticks(sql: postgres.Sql, chunks: string[]): Promise<{ rows: ScenarioRow[]; bareRate: number; bareP50: number }> {
  await sql.unsafe(`drop table if exists ${BARE_TABLE}`);
  await sql.unsafe(`create table ${BARE_TABLE} (like audit_events including defaults)`);
  try {
    await copyText(sql, BARE_TABLE, chunks[0]!); // warm-up
    await sql.unsafe(`truncate ${BARE_TABLE}`);
    const bare = await runLoad(chunks, 1, (text) => copyText(sql, BARE_TABLE, text));
    const bareRate = (chunks.length * BATCH) / (bare.wallMs / 1000);
    const b = stats(bare.times);
    const rows: ScenarioRow[] = [
      {
        group: GROUP,
        scenario: `bare COPY FROM STDIN (TCP_NODELAY) into an index-free, unpartitioned copy of the table, ${BATCH} rows per statement (yardstick)`,
        ...b,
        rawP50Ms: b.p50Ms,
        figure: fmtRate(bareRate),
      },
    ];
    return { rows, bareRate, bareP50: b.p50Ms };
  } finally {
    await sql.unsafe(`drop table if exists ${BARE_TABLE}`);
  }
}

/** COPY into audit_events itself (every index, trigger and constraint it has), rows of a scratch organization. */
async function fullTableCopy(sql: postgres.Sql, chunks: string[], bareP50: number): Promise<ScenarioRow> {
  const load = await runLoad(chunks, 1, (text) => copyText(sql, 'audit_events', text));
  const s = stats(load.times);
  return {
    group: GROUP,
    scenario: `COPY FROM STDIN (TCP_NODELAY) into audit_events with its indexes, ${BATCH} rows per statement`,
    ...s,
    rawP50Ms: bareP50,
    figure: fmtRate((chunks.length * BATCH) / (load.wallMs / 1000)),
  };
}

/** Scratch tables shaped like a partition: what each index set costs a COPY, without routing (index-free = bare). */
const SHAPES = [
  { label: "primary key + (org_id, seq): the chain's minimum", indexes: ['(org_id, occurred_at, id)', '(org_id, seq)'] },
  { label: 'primary key + (org_id, seq) + (org_id, id): the open partition', indexes: ['(org_id, occurred_at, id)', '(org_id, seq)', '(org_id, id)'] },
] as const;
const SHAPE_TABLE = 'bench_shape_audit_events';

async function shapedCopies(sql: postgres.Sql, chunks: string[], bareP50: number): Promise<ScenarioRow[]> {
  const rows: ScenarioRow[] = [];
  for (const shape of SHAPES) {
    await sql.unsafe(`drop table if exists ${SHAPE_TABLE}`);
    await sql.unsafe(`create table ${SHAPE_TABLE} (like audit_events including defaults)`);
    try {
      for (const [i, cols] of shape.indexes.entries()) await sql.unsafe(`create index ${SHAPE_TABLE}_${i} on ${SHAPE_TABLE} ${cols}`);
      const load = await runLoad(chunks, 1, (text) => copyText(sql, SHAPE_TABLE, text));
      rows.push({
        group: GROUP,
        scenario: `COPY FROM STDIN (TCP_NODELAY) into an unpartitioned copy with ${shape.label}, ${BATCH} rows per statement`,
        ...stats(load.times),
        rawP50Ms: bareP50,
        figure: fmtRate((chunks.length * BATCH) / (load.wallMs / 1000)),
      });
    } finally {
      await sql.unsafe(`drop table if exists ${SHAPE_TABLE}`);
    }
  }
  return rows;
}

/**
 * COPY into audit_events itself of rows dated in an open (lean) daily partition and in a closed (fully indexed)
 * one: the two paths an append takes since drizzle/0016. Each in a scratch organization whose chain stays valid.
 */
async function partitionCopies(sql: postgres.Sql, db: Db, batches: number, bareP50: number): Promise<ScenarioRow[]> {
  const [open] = await sql<{ lo: Date }[]>`select lo from audit_events_partitions() p
    where lo >= now() and exists (select 1 from audit_events_missing_indexes(p.name::regclass)) order by lo limit 1`;
  const targets = [
    ...(open ? [{ kind: 'an open day (lean)', at: open.lo.getTime() + 12 * 3_600_000 }] : []),
    { kind: 'a closed day two days ago (all indexes)', at: Date.now() - 2 * 86_400_000 },
  ];
  const rows: ScenarioRow[] = [];
  for (const [i, target] of targets.entries()) {
    const { principal } = await createKey(db, await createOrg(db, `write-part${i}`));
    const { chunks, head } = copyBatches(makeBodies(batches, 40_000_000 + i * batches * BATCH, false, target.at), principal, new Date(target.at + 1000));
    const load = await runLoad(chunks, 1, (text) => copyText(sql, 'audit_events', text));
    await sql`insert into audit_chain_heads (org_id, seq, hash) values (${principal.orgId}, ${head.seq}, ${head.hash})
              on conflict (org_id) do update set seq = excluded.seq, hash = excluded.hash`;
    const [where] = await sql<{ part: string; n: number }[]>`select e.tableoid::regclass::text as part,
        (select count(*)::int from pg_index where indrelid = e.tableoid) as n
      from audit_events e where e.org_id = ${principal.orgId} limit 1`;
    rows.push({
      group: GROUP,
      scenario: `COPY FROM STDIN (TCP_NODELAY) into audit_events, rows of ${target.kind}: ${where?.part} with ${where?.n} indexes, ${BATCH} rows per statement`,
      ...stats(load.times),
      rawP50Ms: bareP50,
      figure: fmtRate((chunks.length * BATCH) / (load.wallMs / 1000)),
    });
  }
  return rows;
}

/** A sender for one organization of its own: over HTTP when the app server runs, else the route's function in-process. */
async function senderFor(db: Db, ctx: BenchContext, kind: string): Promise<Send> {
  const { key } = await createKey(db, await createOrg(db, kind));
  if (ctx.baseUrl) {
    const endpoint = new URL('/api/v1/events', ctx.baseUrl).toString();
    return async (body) => {
      const res = await fetch(endpoint, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body });
      await expectCreated(res);
    };
  }
  return async (body) => {
    const req = ingestRequest('http://127.0.0.1/api/v1/events', key, body, { [PEER_HEADER]: '127.0.0.1' });
    await expectCreated(await handleIngestPost(db, req));
  };
}

function productRow(label: string, times: number[], events: number, wallMs: number, bare: { rate: number; p50: number }): ScenarioRow {
  const rate = events / (wallMs / 1000);
  const ratio = rate / bare.rate;
  return {
    group: GROUP,
    scenario: label,
    ...stats(times),
    rawP50Ms: bare.p50,
    figure: `${fmtRate(rate)} (${ratio.toFixed(2)}× bare COPY)`,
    target: `≥ ${RATE_TARGET.toLocaleString('en-US')} events/s and ≥ ${RATIO_TARGET}× bare`,
    met: rate >= RATE_TARGET && ratio >= RATIO_TARGET,
    note: 'per-request latency; × raw against one bare COPY of 1000 rows',
  };
}

/** The write path against its yardsticks, all in one run. */
export async function runWritePathScenarios(ctx: BenchContext): Promise<ScenarioRow[]> {
  const batches = ctx.quick ? 6 : 30;
  const handle = await openDatabase({ url: ctx.url });
  const sql = postgres(ctx.url, { max: 1, onnotice: () => {}, ...({ socket: noDelaySocket } as object) });
  const via = ctx.baseUrl ? 'POST /api/v1/events over HTTP' : 'handleIngestPost in-process';
  try {
    const db = handle.db;
    const rows: ScenarioRow[] = [];
    const { principal } = await createKey(db, await createOrg(db, 'write-copy'));
    const { chunks, head } = copyBatches(makeBodies(batches, 10_000_000), principal);
    const bare = await copyYardsticks(sql, chunks);
    rows.push(...bare.rows);
    rows.push(await fullTableCopy(sql, chunks, bare.bareP50));
    rows.push(...(await shapedCopies(sql, chunks, bare.bareP50)));
    rows.push(...(await partitionCopies(sql, db, batches, bare.bareP50)));
    await sql`insert into audit_chain_heads (org_id, seq, hash) values (${principal.orgId}, ${head.seq}, ${head.hash})
              on conflict (org_id) do update set seq = excluded.seq, hash = excluded.hash`;
    const bareFig = { rate: bare.bareRate, p50: bare.bareP50 };

    let first = 20_000_000;
    for (const clients of [1, 2, 4]) {
      const send = await senderFor(db, ctx, `write-${clients}`);
      // Warm-up: connections, JIT, plan caches (with several app server processes, each connection's own one).
      await runLoad(makeBodies(2 * clients, first), clients, send);
      first += 2 * clients * BATCH;
      const bodies = makeBodies(batches, first);
      first += batches * BATCH;
      const load = await runLoad(bodies, clients, send);
      rows.push(
        productRow(
          `${via}, ${BATCH} events/request, one organization, ${clients} client${clients > 1 ? 's' : ''}`,
          load.times,
          batches * BATCH,
          load.wallMs,
          bareFig,
        ),
      );
    }

    // 8 organizations at once, one client each: the chain locks never meet.
    const orgs = 8;
    const perOrg = Math.max(2, Math.round(batches / 2));
    const senders = await Promise.all(Array.from({ length: orgs }, (_, i) => senderFor(db, ctx, `write-org${i}`)));
    await Promise.all(senders.map((send, i) => runLoad(makeBodies(1, first + i * BATCH), 1, send)));
    first += orgs * BATCH;
    const started = performance.now();
    const loads = await Promise.all(senders.map((send, i) => runLoad(makeBodies(perOrg, first + i * perOrg * BATCH), 1, send)));
    const wallMs = performance.now() - started;
    rows.push(
      productRow(
        `${via}, ${BATCH} events/request, ${orgs} organizations, one client each`,
        loads.flatMap((l) => l.times),
        orgs * perOrg * BATCH,
        wallMs,
        bareFig,
      ),
    );
    return rows;
  } finally {
    await sql.end({ timeout: 5 });
    await handle.close();
  }
}
