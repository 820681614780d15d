/**
 * `npm run bench`: the product's speed at scale against the raw database as the yardstick.
 *
 *   npm run bench -- [--events 1000000] [--days 730] [--only query,page,exports,ingest,verify,embedded]
 *                    [--export-rows 1000000] [--embedded 100000] [--quick] [--keep] [--reuse <database>] [--name <database>]
 *                    [--in-process]  (the write group without the app server: the route's function in this process)
 *                    [--workers N]   (server processes of the app the HTTP scenarios start: its WEB_CONCURRENCY)
 *
 * Creates a fresh database on the PostgreSQL server at BENCH_ADMIN_URL (default 127.0.0.1:5432), fills it
 * with --events hash-chained events over --days days for four organizations of very different sizes
 * (bench/lib/load.ts), runs every scenario group through the product's own code paths, prints one Markdown
 * table (also written to bench/out/latest.md) and drops the database (--keep leaves it; --reuse <name>
 * measures a database kept earlier, after applying any new migrations). --embedded N also loads N events
 * into the embedded database (PGlite, in memory) through the product's write path and runs the query layer.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { analyzeEmbedded } from '@/lib/boot/embedded-analyze';
import { organizations } from '@/db/schema';
import { openMigratedDatabase } from '@/lib/boot/migrate';
import { generateDemoEvents } from '@/lib/seed/demo';
import { ADMIN_URL, createBenchDatabase } from './lib/bench-db';
import { loadBenchData, readBenchContext } from './lib/load';
import { startBenchServer, type BenchServer } from './lib/server';
import type { BenchContext, ScenarioRow } from './lib/types';
import { runExportScenarios } from './scenarios/exports';
import { runIngestScenarios } from './scenarios/ingest';
import { runPageScenarios } from './scenarios/page';
import { runQueryScenarios } from './scenarios/query';
import { runVerifyScenarios } from './scenarios/verify';
import { runWritePathScenarios } from './scenarios/write-path';

const GROUPS = ['query', 'verify', 'exports', 'page', 'ingest', 'write', 'embedded'] as const;
type Group = (typeof GROUPS)[number];

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: process.env.BENCH_EVENTS ?? '1000000' },
    days: { type: 'string', default: '730' },
    only: { type: 'string', default: process.env.BENCH_ONLY ?? '' },
    'export-rows': { type: 'string' },
    embedded: { type: 'string', default: process.env.BENCH_EMBEDDED ?? '100000' },
    quick: { type: 'boolean', default: process.env.BENCH_QUICK === '1' },
    keep: { type: 'boolean', default: false },
    reuse: { type: 'string', default: process.env.BENCH_REUSE },
    name: { type: 'string' },
    'in-process': { type: 'boolean', default: false },
    workers: { type: 'string', default: process.env.BENCH_WORKERS },
  },
});

const only = new Set(
  (args.only === 'none' ? [] : args.only ? args.only.split(',') : GROUPS.filter((g) => g !== 'embedded' || Number(args.embedded) > 0)) as Group[],
);
const workers = args.workers === undefined ? undefined : Number(args.workers);
if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1)) throw new Error(`--workers must be a whole number from 1 (got "${args.workers}")`);
for (const g of only) if (!GROUPS.includes(g)) throw new Error(`--only: unknown group "${g}" (groups: ${GROUPS.join(', ')})`);
const log = (line: string) => console.log(line);

const fmt = (ms: number | undefined) =>
  ms === undefined || Number.isNaN(ms)
    ? '—'
    : ms >= 10_000
      ? `${(ms / 1000).toFixed(1)} s`
      : ms >= 1000
        ? `${(ms / 1000).toFixed(2)} s`
        : ms >= 10
          ? `${Math.round(ms)} ms`
          : `${ms.toFixed(1)} ms`;

function tableOf(rows: ScenarioRow[]): string {
  const lines = [
    '| group | scenario | runs | p50 | p95 | max | raw p50 | × raw (p50) | figure | target | met | note |',
    '|---|---|---:|---:|---:|---:|---:|---:|---|---|---|---|',
  ];
  for (const r of rows) {
    const ratio = r.rawP50Ms && r.p50Ms ? `${(r.p50Ms / r.rawP50Ms).toFixed(1)}×` : '—';
    const met = r.met === undefined ? '' : r.met ? 'yes' : '**MISSED**';
    lines.push(
      `| ${r.group} | ${r.scenario} | ${r.runs} | ${fmt(r.p50Ms)} | ${fmt(r.p95Ms)} | ${fmt(r.maxMs)} | ${fmt(r.rawP50Ms)} | ${ratio} | ${r.figure ?? ''} | ${r.target ?? ''} | ${met} | ${r.note ?? ''} |`,
    );
  }
  return lines.join('\n');
}

/** The embedded database: N events through the product's write path (recordAuditEvents, hash-chained), then the query layer. */
async function embeddedRows(events: number, quick: boolean): Promise<ScenarioRow[]> {
  const handle = await openMigratedDatabase({ pgliteDir: 'memory://' });
  try {
    const [org] = await handle.db.insert(organizations).values({ slug: 'acme', name: 'Acme Corp', retentionDays: 3650 }).returning();
    const people = Array.from({ length: 40 }, (_, i) => ({
      email: `user${String(i + 1).padStart(2, '0')}@acme.test`,
      id: null,
      role: (i % 10 === 9 ? 'auditor' : 'admin') as 'admin',
    }));
    const started = performance.now();
    await generateDemoEvents(handle.db, { orgId: org!.id, slug: 'acme', userIds: {}, people, count: events, days: 730, seed: 2026 });
    log(`embedded: ${events.toLocaleString('en-US')} events through recordAuditEvents in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    // What the server does at start and daily (PGlite has no autovacuum).
    await analyzeEmbedded(handle);
    const newest = new Date().toISOString();
    const ctx: BenchContext = {
      url: 'memory://',
      orgs: [{ slug: 'acme', id: org!.id, events, oldest: newest, newest }],
      user: { id: '', email: '', password: '', label: '' },
      quick,
    };
    const rows = await runQueryScenarios(ctx, { handle });
    return rows.map((r) => ({ ...r, group: `embedded PGlite: ${r.group}` }));
  } finally {
    await handle.close();
  }
}

async function main() {
  const events = Number(args.events);
  const started = Date.now();
  let dbName: string;
  let url: string;
  let drop: (() => Promise<void>) | null = null;
  let loadSummary = '';
  let base: Omit<BenchContext, 'quick'>;

  if (args.reuse) {
    dbName = args.reuse;
    const u = new URL(ADMIN_URL);
    u.pathname = `/${dbName}`;
    url = u.toString();
    const handle = await openMigratedDatabase({ url });
    await handle.close();
    base = await readBenchContext(url);
    loadSummary = `reused database ${dbName} (loaded earlier by this harness; migrations applied)`;
  } else {
    const db = await createBenchDatabase(args.name);
    dbName = db.name;
    url = db.url;
    if (!args.keep) drop = db.drop;
    log(`database ${dbName}: loading ${events.toLocaleString('en-US')} events over ${args.days} days…`);
    const loaded = await loadBenchData(url, { events, days: Number(args.days), now: Date.now(), log });
    base = loaded.ctx;
    loadSummary = `loaded in ${(loaded.seconds / 60).toFixed(1)} min (${loaded.phases.map((p) => `${p.name} ${p.seconds.toFixed(0)} s`).join(', ')}); table ${(loaded.tableBytes / 1e9).toFixed(1)} GB, indexes ${(loaded.indexBytes / 1e9).toFixed(1)} GB`;
  }
  const ctx: BenchContext = { ...base, quick: args.quick };
  const total = ctx.orgs.reduce((n, o) => n + o.events, 0);
  const exportRows = Number(args['export-rows'] ?? Math.min(1_000_000, Math.floor(total * 0.8)));
  log(loadSummary);
  log(`organizations: ${ctx.orgs.map((o) => `${o.slug} ${o.events.toLocaleString('en-US')}`).join(', ')}`);

  const rows: ScenarioRow[] = [];
  const runGroup = async (group: Group, fn: () => Promise<ScenarioRow[]>) => {
    if (!only.has(group)) return;
    log(`\n== ${group}`);
    const t = Date.now();
    const got = await fn();
    for (const r of got)
      log(`  ${r.scenario}: p50 ${fmt(r.p50Ms)} p95 ${fmt(r.p95Ms)} raw ${fmt(r.rawP50Ms)} ${r.figure ?? ''} ${r.met === false ? 'MISSED' : ''}`);
    log(`  (${((Date.now() - t) / 1000).toFixed(0)} s)`);
    rows.push(...got);
  };

  let server: BenchServer | null = null;
  let serverStarted = false;
  try {
    await runGroup('query', () => runQueryScenarios(ctx));
    await runGroup('verify', () => runVerifyScenarios(ctx));
    await runGroup('exports', () => runExportScenarios(ctx, { rows: exportRows }));
    if (only.has('page') || only.has('ingest') || (only.has('write') && !args['in-process'])) {
      server = await startBenchServer({ databaseUrl: url, email: ctx.user.email, password: ctx.user.password, workers, log });
      serverStarted = true;
      ctx.baseUrl = server.baseUrl;
      ctx.cookie = server.cookie;
    }
    await runGroup('page', () => runPageScenarios(ctx));
    await runGroup('ingest', () => runIngestScenarios(ctx));
    await runGroup('write', () => runWritePathScenarios(ctx));
    await runGroup('embedded', () => embeddedRows(Number(args.embedded), args.quick));
  } finally {
    await server?.stop();
    if (drop) {
      await drop();
      log(`dropped ${dbName}`);
    } else log(`kept ${dbName}`);
  }

  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  const settings = await admin<{ name: string; setting: string; unit: string | null }[]>`
    select name, setting, unit from pg_settings where name in ('shared_buffers', 'work_mem', 'effective_cache_size', 'max_parallel_workers_per_gather', 'random_page_cost')`;
  const [{ version }] = (await admin`select version()`) as unknown as [{ version: string }];
  await admin.end();
  const machine = [
    `${os.availableParallelism()} CPUs (${os.cpus()[0]?.model ?? '?'}), ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, load average at the end ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
    `Node ${process.version}; ${version.split(',')[0]}; ${settings.map((s) => `${s.name}=${s.setting}${s.unit ?? ''}`).join(', ')}`,
    `${ctx.orgs.reduce((n, o) => n + o.events, 0).toLocaleString('en-US')} events: ${ctx.orgs.map((o) => `${o.slug} ${o.events.toLocaleString('en-US')}`).join(', ')}; ${loadSummary}`,
    `run ${new Date(started).toISOString()}, ${((Date.now() - started) / 60_000).toFixed(0)} min${args.quick ? ', QUICK (not for RESULTS.md)' : ''}`,
    ...(serverStarted ? [`app server: WEB_CONCURRENCY=${workers ?? 'unset (its default)'}`] : []),
  ];
  const out = `${machine.map((m) => `- ${m}`).join('\n')}\n\n${tableOf(rows)}\n`;
  console.log(`\n${out}`);
  const dir = path.join(import.meta.dirname, 'out');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'latest.md'), out);
  const plans = rows.filter((r) => r.plan).map((r) => `### ${r.group}: ${r.scenario}\n\n\`\`\`\n${r.plan}\n\`\`\`\n`);
  writeFileSync(path.join(dir, 'plans.md'), plans.join('\n'));
  if (plans.length) console.log(`EXPLAIN ANALYZE of ${plans.length} missed quer${plans.length === 1 ? 'y' : 'ies'}: bench/out/plans.md`);
  if (rows.some((r) => r.met === false)) console.log(`${rows.filter((r) => r.met === false).length} target(s) missed: see the table.`);
}

await main();
