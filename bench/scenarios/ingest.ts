/**
 * Ingest benchmarks (issue 7): events/s through the batch API with the hash chain on, against COPY FROM STDIN
 * of the same rows; and what one audited server action adds over the same mutation without its audit entry.
 * Writes into organizations of its own (created here), so the query benchmarks' organizations stay as filled.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import postgres from 'postgres';
import { openDatabase, type Db } from '@/db/client';
import { apiKeys, organizations } from '@/db/schema';
import { updateSettingsOperation } from '@/lib/operations/settings';
import { GENESIS_HASH } from '@/lib/chain/entry-hash';
import type { AuditEventRowToInsert } from '@/db/queries/chain-entries';
import type { ChainHead } from '@/db/queries/chain-head';
import { linkRows } from '@/lib/chain/append';
import { PEER_HEADER } from '@/lib/recording/client-ip';
import { executeAudited, type OperationContext } from '@/lib/recording/operation';
import { buildAuditRow } from '@/lib/recording/record';
import { generateApiKey, type ApiKeyPrincipal } from '@/lib/auth/api-keys';
import { handleIngestPost } from '@/lib/ingest/handle-post';
import { MAX_EVENTS_PER_REQUEST } from '@/lib/ingest/limits';
import { ingestAttribution, toAuditEntry } from '@/lib/ingest/to-audit-entry';
import { validateBatch } from '@/lib/ingest/validate-batch';
import { uuidv7 } from '@/lib/ids';
import { percentile } from '../lib/measure';
import type { BenchContext, ScenarioRow } from '../lib/types';
import { COPY_COLUMNS, copyLine, makeApiBatch } from './ingest-data';

const BATCH = MAX_EVENTS_PER_REQUEST;
const CONCURRENCY = [1, 2, 4] as const;
const INGEST_TARGET = 20_000;
const OVERHEAD_TARGET_MS = 2;
const GROUP = 'ingest';

type Load = { times: number[]; wallMs: number };

const fmtRate = (n: number) => `${Math.round(n).toLocaleString('en-US')} events/s`;
const stats = (times: number[]) => ({ runs: times.length, p50Ms: percentile(times, 50), p95Ms: percentile(times, 95), maxMs: Math.max(...times) });
const eventsPerSecond = (load: Load, batches: number) => (batches * BATCH) / (load.wallMs / 1000);

/** Sends every body once, `concurrency` at a time (each worker takes the next body), timing each request. */
export async function runLoad(bodies: string[], concurrency: number, send: (body: string) => Promise<void>): Promise<Load> {
  const times: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      const t = performance.now();
      await send(body);
      times.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { times, wallMs: performance.now() - started };
}

/** Request bodies of `count` batches whose events follow each other in time, ending now. */
export function makeBodies(count: number, firstEvent: number, withKeys = false, end = Date.now()): string[] {
  return Array.from({ length: count }, (_, b) => JSON.stringify(makeApiBatch(firstEvent + b * BATCH, BATCH, end - (count - b - 1) * BATCH, withKeys)));
}

export async function createOrg(db: Db, kind: string): Promise<string> {
  const slug = `bench-${kind}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const [org] = await db
    .insert(organizations)
    .values({ slug, name: `Bench ${kind}`, timeZone: 'UTC' })
    .returning();
  return org!.id;
}

/** An API key stored the way the product stores one (prefix + SHA-256 of the whole key). */
export async function createKey(db: Db, orgId: string): Promise<{ key: string; principal: ApiKeyPrincipal }> {
  const generated = generateApiKey();
  const [row] = await db.insert(apiKeys).values({ orgId, name: 'bench-ingest', prefix: generated.prefix, secretHash: generated.secretHash }).returning();
  return { key: generated.key, principal: { orgId, keyId: row!.id, name: row!.name, prefix: row!.prefix } };
}

/**
 * The yardstick's rows: the same bodies turned into stored rows by the product's own functions (validated,
 * redacted, hash-chained from genesis in a scratch organization), rendered as COPY text. Not timed.
 */
export function copyBatches(bodies: string[], key: ApiKeyPrincipal, now = new Date()): { chunks: string[]; head: ChainHead } {
  let head: ChainHead = { seq: 0, hash: GENESIS_HASH };
  const request = { ip: '127.0.0.1', userAgent: null, requestId: uuidv7() };
  const ingest = ingestAttribution(key, request);
  const chunks = bodies.map((body) => {
    const batch = validateBatch(JSON.parse(body), now);
    if (!batch.ok) throw new Error(`bench batch invalid: ${JSON.stringify(batch)}`);
    const rows = batch.events.map((event) => {
      const occurredAt = event.occurred_at ?? now;
      return buildAuditRow({ ...toAuditEntry(event, key, { id: uuidv7(occurredAt), occurredAt }), systemMetadata: { ingest } });
    });
    const linked = linkRows(rows, head);
    head = linked.head;
    return linked.rows.map((r: AuditEventRowToInsert) => copyLine(r, now)).join('');
  });
  return { chunks, head };
}

async function copyYardstick(sql: postgres.Sql, db: Db, bodies: string[]): Promise<{ row: ScenarioRow; p50: number }> {
  const orgId = await createOrg(db, 'copy');
  const { principal } = await createKey(db, orgId);
  const { chunks, head } = copyBatches(bodies, principal);
  const copy = async (chunk: string) => {
    const writable = await sql.unsafe(`copy audit_events (${COPY_COLUMNS}) from stdin`).writable();
    await pipeline(Readable.from([chunk]), writable);
  };
  const load = await runLoad(chunks, 1, copy);
  // The scratch chain stays valid: its head moves to the last copied row.
  await sql`insert into audit_chain_heads (org_id, seq, hash) values (${orgId}, ${head.seq}, ${head.hash})
            on conflict (org_id) do update set seq = excluded.seq, hash = excluded.hash`;
  const s = stats(load.times);
  return {
    p50: s.p50Ms,
    row: {
      group: GROUP,
      scenario: `COPY audit_events FROM STDIN, ${BATCH} rows per statement (yardstick)`,
      ...s,
      rawP50Ms: s.p50Ms,
      figure: fmtRate(eventsPerSecond(load, chunks.length)),
    },
  };
}

/** Batch ingest at 1, 2 and 4 concurrent clients through `send`; one row per concurrency. */
async function ingestRows(label: string, batches: number, firstEvent: number, rawP50: number, send: (body: string) => Promise<void>): Promise<ScenarioRow[]> {
  await runLoad(makeBodies(2, firstEvent), 1, send); // warm-up: connections, JIT, plan caches
  const rows: ScenarioRow[] = [];
  for (const [i, concurrency] of CONCURRENCY.entries()) {
    const bodies = makeBodies(batches, firstEvent + (i + 1) * batches * BATCH);
    const load = await runLoad(bodies, concurrency, send);
    const rate = eventsPerSecond(load, batches);
    rows.push({
      group: GROUP,
      scenario: `${label}, ${BATCH} events/request, ${concurrency} client${concurrency > 1 ? 's' : ''}`,
      ...stats(load.times),
      rawP50Ms: rawP50,
      figure: fmtRate(rate),
      target: `≥ ${INGEST_TARGET.toLocaleString('en-US')} events/s`,
      met: rate >= INGEST_TARGET,
      note: 'per-request latency; × raw against COPY of 1000 rows',
    });
  }
  return rows;
}

export function ingestRequest(url: string, key: string, body: string, extra: Record<string, string> = {}): Request {
  return new Request(url, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...extra }, body });
}

export async function expectCreated(res: Response): Promise<void> {
  const text = await res.text();
  if (res.status !== 201) throw new Error(`ingest answered ${res.status}: ${text.slice(0, 300)}`);
}

/**
 * A settings change through executeAudited (mutation + audit entry in one transaction) against the same
 * validation and mutation in a plain transaction; interleaved so both see the same database state.
 */
async function auditedOverhead(db: Db, ctx: BenchContext, runs: number): Promise<ScenarioRow[]> {
  const orgId = await createOrg(db, 'audited');
  const op = updateSettingsOperation;
  const opCtx: OperationContext = {
    user: { id: ctx.user.id, email: ctx.user.email, name: ctx.user.label },
    org: { orgId, slug: 'bench-audited', name: 'Bench audited', timeZone: 'UTC', role: 'owner' },
    request: { ip: '203.0.113.10', userAgent: 'bench/ingest', requestId: uuidv7() },
  };
  const input = (i: number) => ({ name: `Bench audited ${i}`, timeZone: i % 2 ? 'UTC' : 'Europe/Berlin', retentionDays: 365 + (i % 2) });
  const audited = async (i: number) => {
    const result = await executeAudited(db, op, { ...opCtx, request: { ...opCtx.request, requestId: uuidv7() } }, input(i));
    if (!result.ok) throw new Error(`audited settings update failed: ${result.error}`);
  };
  const plain = async (i: number) => {
    const parsed = op.schema.parse(input(i));
    await db.transaction((tx) => op.run(tx, parsed, opCtx));
  };
  const withAudit: number[] = [];
  const without: number[] = [];
  const warmup = 10;
  for (let i = 0; i < warmup + runs; i++) {
    // Alternate which goes first, so neither always runs right after the other's commit.
    const pair =
      i % 2
        ? ([
            [audited, withAudit],
            [plain, without],
          ] as const)
        : ([
            [plain, without],
            [audited, withAudit],
          ] as const);
    for (const [fn, times] of pair) {
      const t = performance.now();
      await fn(2 * i + (fn === audited ? 1 : 0));
      if (i >= warmup) times.push(performance.now() - t);
    }
  }
  const a = stats(withAudit);
  const p = stats(without);
  const added = a.p95Ms - p.p95Ms;
  return [
    { group: 'audited action', scenario: 'settings update, plain transaction (no audit entry; yardstick)', ...p, rawP50Ms: p.p50Ms },
    {
      group: 'audited action',
      scenario: 'settings update through executeAudited (mutation + audit entry, one transaction)',
      ...a,
      rawP50Ms: p.p50Ms,
      figure: `+${added.toFixed(2)} ms p95 (+${(a.p50Ms - p.p50Ms).toFixed(2)} ms p50)`,
      target: `≤ +${OVERHEAD_TARGET_MS} ms p95`,
      met: added <= OVERHEAD_TARGET_MS,
    },
  ];
}

/** Ingest through the API (HTTP when ctx.baseUrl is set, always in-process) and the audited-action overhead. */
export async function runIngestScenarios(ctx: BenchContext): Promise<ScenarioRow[]> {
  const batches = ctx.quick ? 3 : 30;
  const handle = await openDatabase({ url: ctx.url });
  const sql = postgres(ctx.url, { max: 2, onnotice: () => {} });
  try {
    const db = handle.db;
    const rows: ScenarioRow[] = [];
    const copy = await copyYardstick(sql, db, makeBodies(batches, 0));
    rows.push(copy.row);

    // The route handler's function itself (what app/api/v1/events/route.ts calls), without HTTP around it.
    const inProcessTo = async (kind: string) => {
      const { key } = await createKey(db, await createOrg(db, kind));
      return async (body: string) => {
        const req = ingestRequest('http://127.0.0.1/api/v1/events', key, body, { [PEER_HEADER]: '127.0.0.1' });
        await expectCreated(await handleIngestPost(db, req));
      };
    };
    rows.push(...(await ingestRows('in-process handleIngestPost', batches, 1_000_000, copy.p50, await inProcessTo('ingest'))));
    // The same with an idempotency_key on every event (each one claimed in the batch's transaction).
    const keyed = await runLoad(makeBodies(batches, 3_000_000, true), 1, await inProcessTo('ingest-keys'));
    rows.push({
      group: GROUP,
      scenario: `in-process handleIngestPost, ${BATCH} events/request with per-event idempotency keys, 1 client`,
      ...stats(keyed.times),
      rawP50Ms: copy.p50,
      figure: fmtRate(eventsPerSecond(keyed, batches)),
      note: 'per-request latency; × raw against COPY of 1000 rows',
    });

    if (ctx.baseUrl) {
      const httpKey = await createKey(db, await createOrg(db, 'ingest-http'));
      const endpoint = new URL('/api/v1/events', ctx.baseUrl).toString();
      const overHttp = async (body: string) => {
        const res = await fetch(endpoint, { method: 'POST', headers: { authorization: `Bearer ${httpKey.key}`, 'content-type': 'application/json' }, body });
        await expectCreated(res);
      };
      rows.push(...(await ingestRows('POST /api/v1/events over HTTP', batches, 2_000_000, copy.p50, overHttp)));
    }

    rows.push(...(await auditedOverhead(db, ctx, ctx.quick ? 20 : 400)));
    return rows;
  } finally {
    await sql.end({ timeout: 5 });
    await handle.close();
  }
}
