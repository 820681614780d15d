/**
 * `npm run bench`: exports through the product's code against raw COPY on a fresh PostgreSQL database
 * (created on 127.0.0.1:5432, filled with the demo generator, dropped at the end). Each run is its own
 * process so memory figures are per run. Prints a Markdown table; bench/RESULTS.md keeps the last one.
 * BENCH_ROWS (default 200000) sets the size; BENCH_QUICK=1 does one run per scenario; BENCH_ONLY=pdf (or
 * csv, jsonl, xlsx) runs that format and its baselines only.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { createBenchDatabase, fillBenchDatabase } from './lib/bench-db';
import { percentile } from './lib/measure';
import type { ScenarioArgs, ScenarioResult } from './scenario';
import { convertWithLibreOffice, findLibreOffice } from './xlsx-libreoffice';

const ROWS = Number(process.env.BENCH_ROWS ?? 200_000);
const QUICK = process.env.BENCH_QUICK === '1';
const ONLY = process.env.BENCH_ONLY;
const runs = (n: number) => (QUICK ? 1 : n);

type Scenario = { name: string; kind: ScenarioArgs['kind']; rows?: number; runs: number };

const SCENARIOS: Scenario[] = [
  { name: 'raw COPY (baseline)', kind: 'raw-copy', runs: runs(5) },
  { name: 'CSV export', kind: 'csv', runs: runs(5) },
  { name: 'JSON Lines export', kind: 'jsonl', runs: runs(3) },
  { name: 'Excel export', kind: 'xlsx', runs: runs(3) },
  { name: 'raw COPY (baseline)', kind: 'raw-copy', rows: 500, runs: runs(3) },
  { name: 'PDF export', kind: 'pdf', rows: 500, runs: runs(3) },
  { name: 'raw COPY (baseline)', kind: 'raw-copy', rows: 1_000, runs: runs(3) },
  { name: 'PDF export', kind: 'pdf', rows: 1_000, runs: runs(3) },
  { name: 'raw COPY (baseline)', kind: 'raw-copy', rows: 2_000, runs: runs(3) },
  { name: 'PDF export', kind: 'pdf', rows: 2_000, runs: runs(3) },
  { name: 'raw COPY (baseline)', kind: 'raw-copy', rows: 5_000, runs: runs(3) },
  { name: 'PDF export', kind: 'pdf', rows: 5_000, runs: runs(2) },
];

/** With BENCH_ONLY=pdf the PDF sizes and their COPY baselines run; with csv/jsonl/xlsx the full-size ones. */
const selected = (s: Scenario) => !ONLY || s.kind === ONLY || (s.kind === 'raw-copy' && (ONLY === 'pdf') === Boolean(s.rows));

function runScenario(args: ScenarioArgs): ScenarioResult {
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(import.meta.dirname, 'scenario.ts'), JSON.stringify(args)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 20 * 60_000 });
  const line = child.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (child.status !== 0 || !line) throw new Error(`scenario ${args.kind} failed (exit ${child.status}):\n${child.stderr}\n${child.stdout}`);
  return JSON.parse(line.slice(7)) as ScenarioResult;
}

const fmtMs = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);

async function main() {
  const db = await createBenchDatabase();
  console.log(`database ${db.name}: filling ${ROWS.toLocaleString('en-US')} events…`);
  try {
    const data = await fillBenchDatabase(db.url, ROWS, Date.now());
    console.log(`filled in ${data.seconds.toFixed(1)} s`);
    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    const [{ version }] = (await sql`select version()`) as unknown as [{ version: string }];
    // The window ends just after the newest event, so the exports' own audit entries never join later runs.
    const to = new Date(new Date(data.newest).getTime() + 1).toISOString();
    const fromFor = async (rows?: number) => {
      if (!rows) return '2000-01-01T00:00:00.000Z';
      const [row] = await sql<{ at: Date }[]>`select occurred_at as at from audit_events where org_id = ${data.orgId} order by occurred_at desc, id desc offset ${rows - 1} limit 1`;
      return row!.at.toISOString();
    };
    const base = { url: db.url, orgId: data.orgId, user: data.user, to, now: new Date().toISOString(), pdfCap: 1_000_000 };
    const table: string[] = [];
    const rawP50 = new Map<number, number>();
    for (const s of SCENARIOS.filter(selected)) {
      const from = await fromFor(s.rows);
      const results: ScenarioResult[] = [];
      for (let i = 0; i < s.runs; i++) results.push(runScenario({ ...base, kind: s.kind, from }));
      const times = results.map((r) => r.ms);
      const p50 = percentile(times, 50);
      const key = s.rows ?? ROWS;
      if (s.kind === 'raw-copy') rawP50.set(key, p50);
      const raw = rawP50.get(key);
      const rows = s.kind === 'raw-copy' ? key : results[0]!.rows;
      const worst = (f: (r: ScenarioResult) => number) => Math.max(...results.map(f));
      const row = [
        s.name,
        rows.toLocaleString('en-US'),
        String(s.runs),
        fmtMs(p50),
        fmtMs(percentile(times, 95)),
        raw ? `${(p50 / raw).toFixed(1)}×` : '—',
        fmtMs(percentile(results.map((r) => r.firstByteMs), 50)),
        `${(results[0]!.bytes / 1_048_576).toFixed(1)} MB`,
        `${worst((r) => r.peakRssMb)} MB`,
        `+${worst((r) => Math.round(r.peakRssMb - r.baselineRssMb))} MB`,
        `${worst((r) => r.peakHeapMb)} MB`,
        results[0]!.retainedGrowthMb === null ? '—' : `${worst((r) => r.retainedGrowthMb ?? 0)} MB`,
        fmtMs(worst((r) => r.loopMaxMs)),
      ];
      table.push(`| ${row.join(' | ')} |`);
      console.log(`  ${row.join(' · ')}`);
    }
    await sql.end();

    console.log(`\nMachine: ${os.availableParallelism()} CPUs (${os.cpus()[0]?.model ?? '?'}), ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, Node ${process.version}, ${version.split(',')[0]}`);
    console.log(`Data: ${ROWS.toLocaleString('en-US')} demo events (seed generator, ${data.seconds.toFixed(0)} s to fill); each run is a fresh process.\n`);
    console.log('| scenario | rows | runs | p50 | p95 | × raw (p50) | first byte (p50) | file | peak RSS | RSS over idle | peak heap | live memory growth | worst event-loop stall |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const line of table) console.log(line);

    const soffice = findLibreOffice();
    if (ONLY && ONLY !== 'xlsx') {
      // The LibreOffice check belongs to the Excel runs.
    } else if (!soffice) {
      console.log('\nLibreOffice check skipped: soffice not found (apt-get install -y libreoffice-calc-nogui).');
    } else {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-xlsx-'));
      try {
        const out = path.join(dir, 'audit.xlsx');
        const exported = runScenario({ ...base, kind: 'xlsx', from: await fromFor(), out });
        const trip = convertWithLibreOffice(out);
        const verdict = trip.dataRows === exported.rows ? 'match' : 'MISMATCH';
        console.log(`\nLibreOffice round trip (${trip.version}): exported ${exported.rows.toLocaleString('en-US')} rows to .xlsx, LibreOffice converted sheet 1 back to CSV with ${trip.dataRows.toLocaleString('en-US')} data rows in ${trip.seconds.toFixed(1)} s: ${verdict}.`);
        console.log(`  first row as LibreOffice reads it: ${JSON.stringify(trip.firstRow.slice(0, 4))}`);
        if (verdict !== 'match') process.exitCode = 1;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await db.drop();
    console.log(`\ndropped ${db.name}`);
  }
}

await main();
