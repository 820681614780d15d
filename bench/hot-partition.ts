/**
 * `npx tsx bench/hot-partition.ts --url <database> --org acme --day 2026-11-30 [--close]`: the viewer's first pages
 * on one day while its partition is open (lean: primary key, (org_id, seq), (org_id, id) only), then, with
 * `--close`, after the partition job has built its secondary indexes. Each query is the exact statement the viewer
 * sends (captured from postgres.js), timed through listAuditEvents (p50/p95 of 15 runs) and shown with its plan's
 * top node and execution time (EXPLAIN ANALYZE). Prints one Markdown table.
 */
import { parseArgs } from 'node:util';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Db } from '@/db/client';
import { listAuditEvents } from '@/db/queries/audit-events';
import * as schema from '@/db/schema';
import { runPartitionJob } from '@/lib/lifecycle/partition-close';
import type { AuditFilters } from '@/lib/view/filters';
import { resolveQueryFilters } from '@/lib/view/query-filters';
import { defaultFilters, type Sort } from '@/lib/view/search-params';
import { timeRuns } from './lib/measure';

const { values: args } = parseArgs({
  options: { url: { type: 'string' }, org: { type: 'string', default: 'acme' }, day: { type: 'string' }, close: { type: 'boolean', default: false } },
});
if (!args.url || !args.day) throw new Error('--url and --day are required');
const dayStart = new Date(`${args.day}T00:00:00Z`);
const now = new Date(dayStart.getTime() + 20 * 3_600_000);

type Case = { name: string; filters: Partial<AuditFilters>; sort?: Sort };
const CASES: Case[] = [
  { name: 'default view (24 h, newest first)', filters: {} },
  { name: 'filter: action = delete', filters: { include: { ...defaultFilters().include, action: ['delete'] } } },
  { name: 'filter: one user', filters: { include: { ...defaultFilters().include, actor: [] } } },
  { name: 'free text, common word', filters: { text: ['updated'] } },
  { name: 'free text, rare term', filters: { text: ['zzq-rare'] } },
  { name: 'sort by user, ascending', filters: {}, sort: { column: 'actor', dir: 'asc' } },
];

const captured: { query: string; params: unknown[] }[] = [];
const client = postgres(args.url, { max: 2, onnotice: () => {}, debug: (_c, query, params) => captured.push({ query, params: params as unknown[] }) });
const raw = postgres(args.url, { max: 1, onnotice: () => {} });
const db = drizzle(client, { schema }) as unknown as Db;

async function measure(label: string, orgId: string, actor: string): Promise<string[]> {
  const lines: string[] = [];
  for (const c of CASES) {
    const f = c.name === 'filter: one user' ? { include: { ...defaultFilters().include, actor: [actor] } } : c.filters;
    const filters = resolveQueryFilters({ ...defaultFilters(), ...f }, now, 'UTC');
    const opts = { orgId, filters, sort: c.sort ?? ({ column: 'time', dir: 'desc' } as Sort), limit: 50 };
    captured.length = 0;
    const page = await listAuditEvents(db, opts);
    const statement = captured.find((q) => /from "audit_events"/i.test(q.query)) ?? captured.at(-1)!;
    const timing = await timeRuns(() => listAuditEvents(db, opts), 15);
    const plan = await raw.unsafe(`explain (analyze, format json) ${statement.query}`, statement.params as never[]);
    const top = (plan[0] as unknown as { 'QUERY PLAN': { Plan: { 'Node Type': string }; 'Execution Time': number }[] })['QUERY PLAN'][0]!;
    lines.push(
      `| ${label} | ${c.name} | ${page.rows.length} | ${timing.p50Ms.toFixed(1)} ms | ${timing.p95Ms.toFixed(1)} ms | ${top['Execution Time'].toFixed(1)} ms | ${top.Plan['Node Type']} |`,
    );
  }
  return lines;
}

try {
  const [org] = await raw<{ id: string }[]>`select id from organizations where slug = ${args.org!}`;
  if (!org) throw new Error(`no organization ${args.org}`);
  const [part] = await raw<{ name: string; n: number; rows: number }[]>`
    select p.name, (select count(*)::int from pg_index where indrelid = p.name::regclass) as n,
      (select count(*)::int from audit_events where org_id = ${org.id} and occurred_at >= p.lo and occurred_at < p.hi) as rows
    from audit_events_partitions() p where p.lo <= ${dayStart.toISOString()}::timestamptz and p.hi > ${dayStart.toISOString()}::timestamptz`;
  const [actor] = await raw<{ actor_label: string }[]>`select actor_label from audit_events where org_id = ${org.id}
    and occurred_at >= ${dayStart.toISOString()}::timestamptz order by occurred_at limit 1`;
  await raw`analyze ${raw(part!.name)}`;
  const lines = [
    `${part!.name}: ${part!.rows.toLocaleString('en-US')} rows of ${args.org} that day`,
    '',
    '| partition | query (first page, 50 rows) | rows | p50 | p95 | EXPLAIN ANALYZE | plan top |',
    '|---|---|---|---|---|---|---|',
    ...(await measure(`open (${part!.n} indexes)`, org.id, actor?.actor_label ?? '')),
  ];
  if (args.close) {
    const started = performance.now();
    await runPartitionJob(db, new Date(dayStart.getTime() + 26 * 3_600_000));
    const seconds = (performance.now() - started) / 1000;
    await raw`analyze ${raw(part!.name)}`;
    const [after] = await raw<{ n: number }[]>`select count(*)::int as n from pg_index where indrelid = ${part!.name}::regclass`;
    lines.push(...(await measure(`closed (${after!.n} indexes, job ${seconds.toFixed(1)} s)`, org.id, actor?.actor_label ?? '')));
  }
  console.log(lines.join('\n'));
} finally {
  await client.end({ timeout: 5 });
  await raw.end({ timeout: 5 });
}
