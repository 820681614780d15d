/**
 * The whole /audit page over HTTP from the built server (`npm start`'s server), signed in: time to first byte
 * and to the complete HTML (the page streams: the table and the total arrive after the shell). The yardstick
 * is the plain SELECT of the same first page, run in this process against the same database.
 */
import postgres from 'postgres';
import { resolveQueryFilters } from '@/lib/view/query-filters';
import { ORG_COOKIE } from '@/lib/auth/org-cookie';
import { readViewState } from '@/lib/view/view-state';
import { percentile } from '../lib/measure';
import type { BenchContext, ScenarioRow } from '../lib/types';
import { comboGrid, rawFirstPage } from './query';

const ZONE = 'Europe/Berlin';

type PageTiming = { ttfb: number; total: number; status: number; bytes: number };

async function getPage(url: string, cookie: string): Promise<PageTiming> {
  const started = performance.now();
  const res = await fetch(url, { headers: { cookie, 'accept-language': 'en-US' }, redirect: 'manual' });
  const reader = res.body!.getReader();
  let ttfb = -1;
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (ttfb < 0) ttfb = performance.now() - started;
    if (done) break;
    bytes += value.byteLength;
  }
  return { ttfb, total: performance.now() - started, status: res.status, bytes };
}

export async function runPageScenarios(ctx: BenchContext): Promise<ScenarioRow[]> {
  if (!ctx.baseUrl || !ctx.cookie) throw new Error('page scenarios need a running server (ctx.baseUrl, ctx.cookie)');
  const org = ctx.orgs[0]!;
  const cookie = `${ctx.cookie}; ${ORG_COOKIE}=${org.id}; tz=${encodeURIComponent(ZONE)}`;
  const sql = postgres(ctx.url, { max: 1, onnotice: () => {} });
  const runs = ctx.quick ? 5 : 20;
  const rows: ScenarioRow[] = [];
  try {
    // Query-language searches redirect to their structured URL; a browser follows that, so measure the target.
    for (const combo of comboGrid(org.slug).filter((c) => !c.params.q)) {
      const url = `${ctx.baseUrl}/audit?${new URLSearchParams(combo.params)}`;
      const now = new Date();
      const { state } = readViewState(new URLSearchParams(combo.params), ZONE);
      const raw = rawFirstPage(org.id, combo, resolveQueryFilters(state.filters, now, ZONE), state.size);
      const first = await getPage(url, cookie);
      if (first.status !== 200) throw new Error(`GET ${url} answered ${first.status}`);
      await getPage(url, cookie);
      const t: PageTiming[] = [];
      const r: number[] = [];
      for (let i = 0; i < runs; i++) {
        t.push(await getPage(url, cookie));
        const s = performance.now();
        await sql.unsafe(raw.text, raw.args as never[]);
        r.push(performance.now() - s);
      }
      const ttfb = t.map((x) => x.ttfb);
      const total = t.map((x) => x.total);
      rows.push({
        group: 'whole page over HTTP (TTFB; complete HTML in note)',
        scenario: combo.name,
        runs,
        p50Ms: percentile(ttfb, 50),
        p95Ms: percentile(ttfb, 95),
        maxMs: Math.max(...ttfb),
        rawP50Ms: percentile(r, 50),
        target: 'p95 ≤ 300 ms',
        met: percentile(ttfb, 95) <= 300,
        note: `complete HTML p50 ${Math.round(percentile(total, 50))} ms, p95 ${Math.round(percentile(total, 95))} ms (${Math.round(first.bytes / 1024)} KB)`,
      });
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
  return rows;
}
