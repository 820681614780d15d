/**
 * Hash-chain verification at scale: the product's verifyChain (what `npm run audit:verify`, the Integrity page
 * and GET /api/v1/integrity run) over each organization's whole chain, against a raw-SQL yardstick on the same
 * rows in the same process: `COPY (select <the hashed columns>, hash … where org_id = … order by seq) TO STDOUT`,
 * bytes counted and dropped - the time just to read what verification has to read. A broken chain fails the
 * harness. Target (issue 7): ≥ 200,000 events/s.
 */
import postgres from 'postgres';
import { openDatabase } from '@/db/client';
import { hashWorkersFor, verifyChain, type VerifyOptions } from '@/lib/chain/verify';
import { releaseCopy } from '@/lib/chain/verify-copy';
import { timeRuns, type Timing } from '../lib/measure';
import type { BenchContext, ScenarioRow } from '../lib/types';

const TARGET = 200_000;
// The columns the entry hash covers (every recorded column but received_at), and the stored hash.
const HASHED =
  'org_id, id, seq, prev_hash, occurred_at, actor_type, actor_id, actor_label, source, ip, user_agent, request_id, action, object_type, object_id, object_label, module, project, message, result, error_message, before, after, changes, changed_fields, metadata, hash';

const perSecond = (events: number, ms: number) => Math.round((events / ms) * 1000);
const fmt = (n: number) => n.toLocaleString('en-US');

/** Runs and warm-ups by chain length: a 10-million-event chain takes minutes per run. */
function repetitions(events: number, quick: boolean): { runs: number; warmup: number } {
  if (quick) return { runs: 1, warmup: 0 };
  if (events >= 2_000_000) return { runs: 2, warmup: 0 };
  if (events >= 200_000) return { runs: 3, warmup: 1 };
  return { runs: 5, warmup: 1 };
}

export async function runVerifyScenarios(ctx: BenchContext): Promise<ScenarioRow[]> {
  const handle = await openDatabase({ url: ctx.url });
  const sql = postgres(ctx.url, { max: 1, onnotice: () => {} });
  const rows: ScenarioRow[] = [];
  const compareOn = ctx.orgs.find((o) => o.events >= 20_000 && o.events <= 2_000_000);
  try {
    for (const org of ctx.orgs) {
      const [head] = await sql<{ seq: string }[]>`select seq from audit_chain_heads where org_id = ${org.id}`;
      const [anchor] = await sql<{ seq: string }[]>`select max(seq) as seq from audit_chain_anchors where org_id = ${org.id}`;
      const from = Number(anchor?.seq ?? 0);
      const through = Number(head?.seq ?? 0);
      const events = through - from;
      if (events <= 0) continue;
      const { runs, warmup } = repetitions(events, ctx.quick);

      let bytes = 0;
      const raw = await timeRuns(
        async () => {
          bytes = 0;
          const stream = await sql
            .unsafe(`copy (select ${HASHED} from audit_events where org_id = '${org.id}' and seq > ${from} and seq <= ${through} order by seq) to stdout`)
            .readable();
          try {
            for await (const chunk of stream as AsyncIterable<Buffer>) bytes += chunk.length;
          } finally {
            releaseCopy(stream);
          }
        },
        runs,
        warmup,
      );

      const verify = async (opts: VerifyOptions): Promise<Timing & { count: number }> => {
        let count = 0;
        const timing = await timeRuns(
          async () => {
            const result = await verifyChain(handle.db, org.id, opts);
            if (!result.ok) throw new Error(`bench: ${org.slug}'s chain does not verify: ${JSON.stringify(result)}`);
            count = result.count;
          },
          runs,
          warmup,
        );
        return { ...timing, count };
      };

      const row = (name: string, t: Timing & { count: number }, note: string): ScenarioRow => ({
        group: 'verify',
        scenario: `${name}, ${org.slug} (${fmt(t.count)} events)`,
        runs: t.runs,
        p50Ms: t.p50Ms,
        p95Ms: t.p95Ms,
        maxMs: t.maxMs,
        rawP50Ms: raw.p50Ms,
        figure: `${fmt(perSecond(t.count, t.p50Ms))} events/s (raw read ${fmt(perSecond(events, raw.p50Ms))}/s, ${(bytes / 1_048_576).toFixed(0)} MB)`,
        target: `≥ ${fmt(TARGET)} events/s`,
        met: perSecond(t.count, t.p50Ms) >= TARGET,
        note,
      });

      const workers = hashWorkersFor(events);
      rows.push(row('verifyChain', await verify({}), workers ? `COPY read, ${workers} hash worker threads` : 'COPY read, hashed on the calling thread'));
      // What the worker threads add: the largest chain of at most 2 million events again, hashed on the calling thread.
      if (workers && org === compareOn && !ctx.quick)
        rows.push(row('verifyChain, no hash workers', await verify({ hashWorkers: 0 }), 'COPY read, hashed on the calling thread'));
    }
  } finally {
    await sql.end({ timeout: 5 });
    await handle.close();
  }
  return rows;
}
