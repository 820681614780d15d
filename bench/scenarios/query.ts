/**
 * The viewer's query layer at scale: the first page for a grid of filter combinations, the 1,000th page by
 * keyset, the filter options and the total, each through the product's functions (readViewState ->
 * resolveQueryFilters -> listAuditEvents / countAuditEvents / listFacetOptions, exactly what app/(admin)/audit
 * does) and each against a hand-written SQL yardstick with the same WHERE, ORDER BY and LIMIT on the same data.
 */
import { openDatabase, type DbHandle } from '@/db/client';
import { countAuditEvents, listAuditEvents, listFacetOptions } from '@/db/queries/audit-events';
import type { QueryFilters } from '@/db/queries/audit-where';
import { resolveQueryFilters } from '@/lib/view/query-filters';
import type { Cursor } from '@/lib/view/cursor';
import { readViewState } from '@/lib/view/view-state';
import { timeRuns, type Timing } from '../lib/measure';
import type { BenchContext, ScenarioRow } from '../lib/types';

const ZONE = 'Europe/Berlin';
const LIST_COLUMNS =
  'id, occurred_at, actor_type, actor_id, actor_label, source, ip, action, object_type, object_id, object_label, message, result, error_message, changes';

/** A raw WHERE (after org_id = $1) with its parameters, from the resolved filters. */
type RawWhere = (f: QueryFilters, arg: (v: unknown) => string) => string[];

export type Combo = { name: string; params: Record<string, string>; raw: RawWhere; sort?: string };

const time: RawWhere = (f, arg) => [...(f.from ? [`occurred_at >= ${arg(f.from)}`] : []), ...(f.to ? [`occurred_at < ${arg(f.to)}`] : [])];
const SEARCH_COLUMNS = 'message, actor_label, object_label, object_id, metadata';
/** Free text by hand: the word index (drizzle/0017) narrows, the ILIKE decides; the planner sees only the index's estimate. */
const search = (term: string, arg: (v: unknown) => string) =>
  `coalesce(audit_search_haystack(${SEARCH_COLUMNS}) ilike ${arg(`%${term}%`)}, false) and audit_search_document(${SEARCH_COLUMNS}) @@ audit_search_query(${arg(term)})`;

/** The grid: date presets, action, user, object type, IP CIDR, changed field, free text, query language, sorts. */
export function comboGrid(slug: string): Combo[] {
  const person = `user07@${slug}.test`;
  const former = `frank@${slug}.test`;
  return [
    { name: 'default view (last 24 hours)', params: {}, raw: time },
    { name: 'last 7 days', params: { range: '7d' }, raw: time },
    { name: 'last 30 days', params: { range: '30d' }, raw: time },
    { name: 'all time', params: { range: 'all' }, raw: time },
    { name: 'action = delete, all time', params: { range: 'all', action: 'delete' }, raw: (f, a) => [...time(f, a), `action in (${a('delete')})`] },
    { name: 'user = one of 40 people, 30 days', params: { range: '30d', actor: person }, raw: (f, a) => [...time(f, a), `actor_label in (${a(person)})`] },
    {
      name: 'user = a former member (rare), all time',
      params: { range: 'all', actor: former },
      raw: (f, a) => [...time(f, a), `actor_label in (${a(former)})`],
    },
    {
      name: 'object type = connector, all time',
      params: { range: 'all', type: 'connector' },
      raw: (f, a) => [...time(f, a), `object_type in (${a('connector')})`],
    },
    {
      name: 'type + action + result = failure, 30 days',
      params: { range: '30d', type: 'flow', action: 'publish', result: 'failure' },
      raw: (f, a) => [...time(f, a), `action in (${a('publish')})`, `object_type in (${a('flow')})`, `result::text in (${a('failure')})`],
    },
    {
      name: 'IP in 10.0.0.0/8 (API keys), 7 days',
      params: { range: '7d', ip: '10.0.0.0/8' },
      raw: (f, a) => [...time(f, a), `ip <<= ${a('10.0.0.0/8')}::inet`],
    },
    {
      name: 'changed field = role, all time',
      params: { range: 'all', field: 'role' },
      raw: (f, a) => [...time(f, a), `changed_fields && array[${a('role')}]::text[]`],
    },
    {
      name: 'changed field = sso_enforced (rare), all time',
      params: { range: 'all', field: 'sso_enforced' },
      raw: (f, a) => [...time(f, a), `changed_fields && array[${a('sso_enforced')}]::text[]`],
    },
    { name: 'free text "stripe" (a word), 7 days', params: { range: '7d', text: 'stripe' }, raw: (f, a) => [...time(f, a), search('stripe', a)] },
    {
      name: 'free text "customer.example" (common words), all time',
      params: { range: 'all', text: 'customer.example' },
      raw: (f, a) => [...time(f, a), search('customer.example', a)],
    },
    {
      name: 'free text, rare ("sync 4242"), all time',
      params: { range: 'all', text: 'sync 4242' },
      raw: (f, a) => [...time(f, a), search('sync 4242', a)],
    },
    {
      name: 'free text, an IP address ("10.0.0.1"), all time',
      params: { range: 'all', text: '10.0.0.1' },
      raw: (f, a) => [...time(f, a), search('10.0.0.1', a)],
    },
    {
      name: 'not action = login, 30 days',
      params: { range: '30d', 'not.action': 'login' },
      raw: (f, a) => [...time(f, a), `(action is null or action not in (${a('login')}))`],
    },
    {
      name: 'query language: action:update type:member field:role created:>=(30 days ago)',
      params: { q: `action:update type:member field:role created:>=${new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10)}` },
      raw: (f, a) => [...time(f, a), `action in (${a('update')})`, `object_type in (${a('member')})`, `changed_fields && array[${a('role')}]::text[]`],
    },
    { name: 'sorted by action, all time', params: { range: 'all', sort: 'action.asc' }, raw: time, sort: 'action asc, occurred_at asc, id asc' },
    { name: 'sorted by user, 30 days', params: { range: '30d', sort: 'actor.desc' }, raw: time, sort: 'lower(actor_label) desc, occurred_at desc, id desc' },
  ];
}

function resolve(params: Record<string, string>, now: Date) {
  const { state, issues } = readViewState(new URLSearchParams(params), ZONE);
  if (issues.length) throw new Error(`bench combo ${JSON.stringify(params)} does not parse: ${issues.map((i) => i.message).join('; ')}`);
  return { state, filters: resolveQueryFilters(state.filters, now, ZONE) };
}

export function rawFirstPage(
  orgId: string,
  combo: Combo,
  f: QueryFilters,
  limit: number,
  extra?: (arg: (v: unknown) => string) => string,
): { text: string; args: unknown[] } {
  const args: unknown[] = [orgId];
  const arg = (v: unknown) => {
    args.push(v instanceof Date ? v.toISOString() : v);
    return `$${args.length}`;
  };
  const where = ['org_id = $1', ...combo.raw(f, arg), ...(extra ? [extra(arg)] : [])];
  return {
    text: `select ${LIST_COLUMNS} from audit_events where ${where.join(' and ')} order by ${combo.sort ?? 'occurred_at desc, id desc'} limit ${limit + 1}`,
    args,
  };
}

function row(group: string, scenario: string, product: Timing, raw: Timing | null, target: number, note?: string): ScenarioRow {
  return {
    group,
    scenario,
    runs: product.runs,
    p50Ms: product.p50Ms,
    p95Ms: product.p95Ms,
    maxMs: product.maxMs,
    rawP50Ms: raw?.p50Ms,
    target: `p95 ≤ ${target} ms`,
    met: product.p95Ms <= target,
    note,
  };
}

/** Runs every query-layer scenario against ctx.orgs[org] (default: the largest organization). */
export async function runQueryScenarios(ctx: BenchContext, opts: { org?: number; handle?: DbHandle } = {}): Promise<ScenarioRow[]> {
  const org = ctx.orgs[opts.org ?? 0]!;
  const handle = opts.handle ?? (await openDatabase({ url: ctx.url }));
  const exec = rawExecutor(handle);
  const runs = ctx.quick ? 5 : 30;
  const rows: ScenarioRow[] = [];
  const size = `${org.slug}, ${org.events.toLocaleString('en-US')} events`;
  try {
    const now = new Date();
    // First page, per combination: product vs the plain SELECT (interleaved, so both see the same cache and load).
    for (const combo of comboGrid(org.slug)) {
      const { state, filters } = resolve(combo.params, now);
      const q = rawFirstPage(org.id, combo, filters, state.size);
      const product = () => listAuditEvents(handle.db, { orgId: org.id, filters, sort: state.sort, limit: state.size });
      const [p, r] = await interleaved(product, () => exec(q.text, q.args), runs);
      const got = (await product()).rows.length;
      const want = Math.min((await exec(q.text, q.args)).length, state.size);
      if (got !== want) throw new Error(`${combo.name}: the product returned ${got} rows, the yardstick ${want}`);
      rows.push(row('first page (50 rows), query layer', combo.name, p, r, 50, `${got} rows`));
      if (p.p95Ms > 50) rows[rows.length - 1]!.plan = await explain(exec, q);
    }

    // The 1,000th page: the cursor is the last row of page 999, found by the database itself.
    for (const combo of [comboGrid(org.slug)[3]!, comboGrid(org.slug)[4]!, comboGrid(org.slug)[17]!]) {
      const { state, filters } = resolve(combo.params, now);
      const offset = state.size * 999 - 1;
      const probe = rawFirstPage(org.id, combo, filters, 0);
      const boundary = (await exec(probe.text.replace(/limit \d+$/, `offset ${offset} limit 1`), probe.args)) as {
        occurred_at: Date | string;
        id: string;
        action: string;
      }[];
      if (!boundary[0]) {
        rows.push({
          group: 'deep page (keyset), query layer',
          scenario: `${combo.name}: page 1,000`,
          runs: 0,
          p50Ms: NaN,
          p95Ms: NaN,
          maxMs: NaN,
          note: 'fewer than 1,000 pages',
        });
        continue;
      }
      const b = { ...boundary[0], occurred_at: new Date(boundary[0].occurred_at) };
      const after: Cursor = combo.sort ? { v: b.action, at: b.occurred_at, id: b.id } : { at: b.occurred_at, id: b.id };
      const q = rawFirstPage(org.id, combo, filters, state.size, (arg) =>
        combo.sort
          ? `(action, occurred_at, id) > (${arg(b.action)}, ${arg(b.occurred_at)}, ${arg(b.id)})`
          : `(occurred_at, id) < (${arg(b.occurred_at)}, ${arg(b.id)})`,
      );
      const product = () => listAuditEvents(handle.db, { orgId: org.id, filters, sort: state.sort, limit: state.size, after });
      const [p, r] = await interleaved(product, () => exec(q.text, q.args), runs);
      const page = await product();
      const expected = (await exec(q.text, q.args)) as { id: string }[];
      if (page.rows[0]?.id !== expected[0]?.id) throw new Error(`${combo.name} page 1,000 starts at ${page.rows[0]?.id}, the yardstick at ${expected[0]?.id}`);
      rows.push(row('deep page (keyset), query layer', `${combo.name}: page 1,000`, p, r, 50));
      if (p.p95Ms > 50) rows[rows.length - 1]!.plan = await explain(exec, q);
    }

    // Filter options (every value ever recorded) and the total (exact to 10,000, else the planner's estimate).
    const options = await timeRuns(() => listFacetOptions(handle.db, org.id), runs);
    const optionsRaw = await timeRuns(() => exec('select facet, value from audit_facets where org_id = $1 order by facet, value', [org.id]), runs);
    rows.push(row('filter options and total', 'filter options (all 7 lists)', options, optionsRaw, 100));
    for (const combo of comboGrid(org.slug).filter((_, i) => [0, 1, 3, 5, 10, 12, 16].includes(i))) {
      const { filters } = resolve(combo.params, now);
      const count = await countAuditEvents(handle.db, org.id, filters);
      const q = rawFirstPage(org.id, combo, filters, 0);
      const countSql = `select count(*) from audit_events where ${q.text.split(' where ')[1]!.split(' order by ')[0]}`;
      const p = await timeRuns(() => countAuditEvents(handle.db, org.id, filters), ctx.quick ? 3 : 15);
      // The yardstick is the exact count(*) a naive viewer would run: what the estimate saves.
      const r = await timeRuns(() => exec(countSql, q.args), ctx.quick ? 1 : 3, 1);
      const [{ count: exact }] = (await exec(countSql, q.args)) as [{ count: string }];
      const label = count.exact
        ? `exact ${count.count.toLocaleString('en-US')}`
        : `estimate ${count.count.toLocaleString('en-US')} (exact ${Number(exact).toLocaleString('en-US')})`;
      rows.push(row('filter options and total', `total: ${combo.name}`, p, r, 100, `${label}; yardstick = exact count(*)`));
    }
  } finally {
    if (!opts.handle) await handle.close();
  }
  for (const r of rows) r.note = r.note ? `${r.note} · ${size}` : size;
  return rows;
}

/** The plan behind a miss, with planning and execution time (both count at the query layer). */
async function explain(exec: Exec, q: { text: string; args: unknown[] }): Promise<string> {
  const lines = await exec(`explain (analyze, buffers, summary) ${q.text}`, q.args);
  return lines.map((l) => String(Object.values(l)[0])).join('\n');
}

type Exec = (text: string, args: unknown[]) => Promise<Record<string, unknown>[]>;

/** Plain SQL with $n parameters on the product's own connection (postgres.js or PGlite), no ORM in between. */
function rawExecutor(handle: DbHandle): Exec {
  const client = (
    handle.db as unknown as {
      $client: {
        unsafe?: (t: string, a: unknown[]) => Promise<Record<string, unknown>[]>;
        query?: (t: string, a: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;
      };
    }
  ).$client;
  if (handle.kind === 'postgres') return (text, args) => client.unsafe!(text, args);
  return async (text, args) => (await client.query!(text, args)).rows;
}

/** Alternates the product and the yardstick run by run, after warming both, so neither gets a cache the other lacked. */
async function interleaved(product: () => Promise<unknown>, raw: () => Promise<unknown>, runs: number): Promise<[Timing, Timing]> {
  const p: number[] = [];
  const r: number[] = [];
  for (let i = 0; i < 2; i++) {
    await product();
    await raw();
  }
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    await product();
    p.push(performance.now() - t);
    t = performance.now();
    await raw();
    r.push(performance.now() - t);
  }
  const stats = (times: number[]): Timing => {
    const sorted = [...times].sort((a, b) => a - b);
    const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
    return { runs, p50Ms: pick(0.5), p95Ms: pick(0.95), maxMs: sorted[sorted.length - 1]!, times };
  };
  return [stats(p), stats(r)];
}
