/**
 * Export benchmarks (issue 7): for the largest organization, the window holding its newest `rows` events is
 * exported as CSV and Excel through the product's code (createExportStream, as the route does), next to the
 * raw COPY of the same window (the yardstick); then a PDF at its cap (PDF_ROW_CAP) with its own COPY of the
 * same size. Every run is its own Node process (bench/scenario.ts, --expose-gc), so memory figures belong
 * to that run alone.
 *
 * Memory figures: "RSS over idle" is the run's peak RSS minus its RSS just before the export (includes
 * garbage the heap has not collected yet: the pessimistic figure, and the one the targets are checked on);
 * "live growth" is heap + buffers after a forced full GC at the last sampled batch minus at batch 5 (what the
 * export actually keeps; about 0 = flat).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import postgres from 'postgres';
import { PDF_ROW_CAP } from '@/lib/exports/limits';
import { percentile } from '../lib/measure';
import type { BenchContext, ScenarioRow } from '../lib/types';
import type { ScenarioArgs, ScenarioResult } from '../scenario';

const SCENARIO_FILE = path.join(import.meta.dirname, '..', 'scenario.ts');
const GROUP = 'exports';

/** One run in a fresh process; throws with the child's output when it fails. */
export function runScenarioProcess(args: ScenarioArgs): ScenarioResult {
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', SCENARIO_FILE, JSON.stringify(args)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 30 * 60_000,
  });
  const line = child.stdout?.split('\n').find((l) => l.startsWith('RESULT '));
  if (child.status !== 0 || !line)
    throw new Error(`scenario ${args.kind} failed (exit ${child.status}${child.error ? `, ${child.error.message}` : ''}):\n${child.stderr}\n${child.stdout}`);
  return JSON.parse(line.slice(7)) as ScenarioResult;
}

const int = (n: number) => n.toLocaleString('en-US');
const mbText = (n: number) => `${n >= 0 ? '+' : ''}${n} MB`;
const seconds = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);

type Window = { from: string; to: string; rows: number };

type Measured = { results: ScenarioResult[]; p50Ms: number; p95Ms: number; maxMs: number; rssOverIdleMb: number; liveGrowthMb: number | null };

function summarize(results: ScenarioResult[]): Measured {
  const times = results.map((r) => r.ms);
  const growth = results.map((r) => r.retainedGrowthMb).filter((g): g is number => g !== null);
  return {
    results,
    p50Ms: percentile(times, 50),
    p95Ms: percentile(times, 95),
    maxMs: Math.max(...times),
    rssOverIdleMb: Math.max(...results.map((r) => Math.round(r.peakRssMb - r.baselineRssMb))),
    liveGrowthMb: growth.length ? Math.max(...growth) : null,
  };
}

function memoryFigure(m: Measured): string {
  return `peak RSS over idle ${mbText(m.rssOverIdleMb)}, live growth ${m.liveGrowthMb === null ? 'n/a' : mbText(m.liveGrowthMb)} (worst run)`;
}

function details(m: Measured, rawP50Ms?: number): string {
  const r0 = m.results[0]!;
  const parts = [
    rawP50Ms ? `${(m.p50Ms / rawP50Ms).toFixed(2)}× COPY (p50)` : null,
    `${(r0.bytes / 1_048_576).toFixed(1)} MB file`,
    `first byte ${seconds(
      percentile(
        m.results.map((r) => r.firstByteMs),
        50,
      ),
    )}`,
    `peak heap ${Math.max(...m.results.map((r) => r.peakHeapMb))} MB`,
    `worst event-loop stall ${seconds(Math.max(...m.results.map((r) => r.loopMaxMs)))}`,
  ];
  return parts.filter(Boolean).join('; ');
}

export async function runExportScenarios(ctx: BenchContext, opts: { rows: number }): Promise<ScenarioRow[]> {
  const org = ctx.orgs[0];
  if (!org) throw new Error('runExportScenarios: no organization in the bench context');
  const big = opts.rows >= 500_000;
  const runs = (n: number) => (ctx.quick ? 1 : n);
  const sql = postgres(ctx.url, { max: 1, onnotice: () => {} });

  // The window ends just after the newest generated event, so audit entries written later (each export
  // records one) never join a later run.
  const to = new Date(new Date(org.newest).getTime() + 1).toISOString();
  const count = async (from: string) =>
    Number(
      (await sql<{ n: string }[]>`select count(*) as n from audit_events where org_id = ${org.id} and occurred_at >= ${from} and occurred_at < ${to}`)[0]!.n,
    );
  /** The newest `rows` events (fewer when the organization has fewer); never more than `rows` when `atMost`. */
  const windowOf = async (rows: number, atMost: boolean): Promise<Window> => {
    const [edge] = await sql<{ at: Date }[]>`
      select occurred_at as at from audit_events where org_id = ${org.id} and occurred_at < ${to}
      order by occurred_at desc, id desc offset ${rows - 1} limit 1`;
    let from = edge ? edge.at.toISOString() : '2000-01-01T00:00:00.000Z';
    let n = await count(from);
    // Events sharing the boundary millisecond would push the count over `rows`: start one millisecond later.
    if (atMost && n > rows) {
      from = new Date(new Date(from).getTime() + 1).toISOString();
      n = await count(from);
    }
    return { from, to, rows: n };
  };

  const base = { url: ctx.url, orgId: org.id, user: { id: ctx.user.id, email: ctx.user.email }, now: new Date().toISOString() };
  const measure = (kind: ScenarioArgs['kind'], w: Window, n: number, extra: Partial<ScenarioArgs> = {}): Measured => {
    const results: ScenarioResult[] = [];
    for (let i = 0; i < n; i++) {
      const r = runScenarioProcess({ ...base, ...extra, kind, from: w.from, to: w.to });
      // The file must hold exactly the window's rows (the reader's count of rows handed to the writer).
      if (kind !== 'raw-copy' && r.rows !== w.rows) throw new Error(`${kind} export of ${w.from}..${w.to} wrote ${r.rows} rows, expected ${w.rows}`);
      if (kind === 'raw-copy' && r.rows !== -1 && r.rows !== w.rows) throw new Error(`COPY of ${w.from}..${w.to} returned ${r.rows} rows, expected ${w.rows}`);
      results.push(r);
    }
    return summarize(results);
  };

  const rows: ScenarioRow[] = [];
  try {
    const w = await windowOf(opts.rows, false);
    const label = `${int(w.rows)} rows`;

    const copy = measure('raw-copy', w, runs(big ? 3 : 5));
    rows.push({
      group: GROUP,
      scenario: `raw COPY yardstick (CSV columns), ${label}`,
      runs: copy.results.length,
      p50Ms: copy.p50Ms,
      p95Ms: copy.p95Ms,
      maxMs: copy.maxMs,
      rawP50Ms: copy.p50Ms,
      figure: memoryFigure(copy),
      note: `COPY (SELECT … ORDER BY occurred_at DESC, id DESC) TO STDOUT WITH CSV via postgres.js .readable(); ${details(copy)}`,
    });

    const csv = measure('csv', w, runs(big ? 3 : 5));
    const csvRatio = csv.p50Ms / copy.p50Ms;
    rows.push({
      group: GROUP,
      scenario: `CSV export, ${label}`,
      runs: csv.results.length,
      p50Ms: csv.p50Ms,
      p95Ms: csv.p95Ms,
      maxMs: csv.maxMs,
      rawP50Ms: copy.p50Ms,
      figure: memoryFigure(csv),
      target: 'p50 ≤ 2× raw COPY; peak RSS over idle ≤ 150 MB',
      met: csvRatio <= 2 && csv.rssOverIdleMb <= 150,
      note: details(csv, copy.p50Ms),
    });

    const xlsx = measure('xlsx', w, runs(big ? 2 : 3));
    rows.push({
      group: GROUP,
      scenario: `Excel export, ${label}`,
      runs: xlsx.results.length,
      p50Ms: xlsx.p50Ms,
      p95Ms: xlsx.p95Ms,
      maxMs: xlsx.maxMs,
      rawP50Ms: copy.p50Ms,
      figure: memoryFigure(xlsx),
      target: 'peak RSS over idle ≤ 300 MB',
      met: xlsx.rssOverIdleMb <= 300,
      note: details(xlsx, copy.p50Ms),
    });

    // PDF at its documented cap, against a COPY of the same window.
    const pw = await windowOf(PDF_ROW_CAP, true);
    const pdfCopy = measure('raw-copy', pw, runs(3));
    rows.push({
      group: GROUP,
      scenario: `raw COPY yardstick (CSV columns), ${int(pw.rows)} rows`,
      runs: pdfCopy.results.length,
      p50Ms: pdfCopy.p50Ms,
      p95Ms: pdfCopy.p95Ms,
      maxMs: pdfCopy.maxMs,
      rawP50Ms: pdfCopy.p50Ms,
      figure: memoryFigure(pdfCopy),
      note: details(pdfCopy),
    });
    const pdf = measure('pdf', pw, runs(big ? 2 : 3));
    rows.push({
      group: GROUP,
      scenario: `PDF export at its cap (PDF_ROW_CAP ${int(PDF_ROW_CAP)}), ${int(pw.rows)} rows`,
      runs: pdf.results.length,
      p50Ms: pdf.p50Ms,
      p95Ms: pdf.p95Ms,
      maxMs: pdf.maxMs,
      rawP50Ms: pdfCopy.p50Ms,
      figure: memoryFigure(pdf),
      target: 'time reported (no target)',
      note: details(pdf, pdfCopy.p50Ms),
    });
  } finally {
    await sql.end({ timeout: 5 });
  }
  return rows;
}
