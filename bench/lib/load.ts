/**
 * Fills a fresh benchmark database fast: the demo generator's realistic entries (lib/seed/demo.ts), built by the
 * product's buildAuditRow and canonical chain form (bench/lib/templates.ts), hash-chained and streamed in with
 * COPY instead of INSERTs. Secondary indexes and the foreign key are dropped for the load and recreated from their own
 * definitions afterwards (the classic bulk-load order), so the schema that is measured is the migrated one.
 */
import { createHash } from 'node:crypto';
import postgres from 'postgres';
import type { DemoPerson } from '@/lib/seed/demo';
import { GENESIS_HASH } from '@/lib/chain/entry-hash';
import { Random } from '@/lib/seed/random';
import { CLOSE_GRACE_MS } from '@/lib/lifecycle/partition-close';
import { COPY_COLUMNS } from './copy-format';
import { buildTemplates, type RowTemplate } from './templates';
import { hashPassword } from '@/lib/auth/password';
import type { Role } from '@/lib/auth/roles';
import type { BenchContext, BenchOrg } from './types';

/** Organizations of very different sizes: shares of the events, and how many people act in each. */
export const BENCH_ORGS = [
  { slug: 'acme', name: 'Acme Corp', share: 0.85, people: 40 },
  { slug: 'globex', name: 'Globex Inc', share: 0.12, people: 12 },
  { slug: 'initech', name: 'Initech', share: 0.029, people: 5 },
  { slug: 'umbrella', name: 'Umbrella', share: 0.001, people: 2 },
] as const;

/** Longer than any history the loader makes, so a retention run never eats the data being measured. */
export const BENCH_RETENTION_DAYS = 3650;

export const BENCH_PASSWORD = 'bench-password-2026';
export const BENCH_EMAIL = 'bench-owner@bench.test';

/** Distinct generated entries per organization; larger organizations reuse them with fresh ids, times and chain links. */
const MAX_TEMPLATES = 100_000;
const ROWS_PER_COPY = 200_000;

/**
 * COPYs `count` rows for one organization, oldest first, evenly spread from `oldest` to `newest` with jitter,
 * cycling through its templates; each row gets its own UUIDv7, request id, seq, prev_hash and SHA-256 hash
 * (the hash of exactly the canonical form computeEntryHash would build). Returns the chain head and time span.
 */
async function copyOrgRows(
  sql: postgres.Sql,
  templates: RowTemplate[],
  count: number,
  oldest: number,
  newest: number,
  seed: number,
): Promise<{ seq: number; hash: string; first: number; last: number }> {
  const r = new Random(seed);
  const step = (newest - oldest) / count;
  let seq = 0;
  let prev = GENESIS_HASH;
  let first = 0;
  let last = 0;
  while (seq < count) {
    const copy = await sql.unsafe(`copy audit_events (${COPY_COLUMNS.join(', ')}) from stdin with (format csv)`).writable();
    const finished = new Promise<void>((resolve, reject) => {
      copy.on('finish', resolve);
      copy.on('error', reject);
    });
    const end = Math.min(count, seq + ROWS_PER_COPY);
    while (seq < end) {
      let text = '';
      const batchEnd = Math.min(end, seq + 1000);
      for (; seq < batchEnd;) {
        const t = templates[seq % templates.length]!;
        const ms = Math.floor(oldest + seq * step + r.next() * step * 0.9);
        const at = new Date(ms).toISOString();
        const id = r.uuidv7(ms);
        const request = `req_${r.hex(16)}`;
        seq += 1;
        const c = t.canon;
        const hash = createHash('sha256')
          .update(c[0] + id + c[1] + at + c[2] + prev + c[3] + request + c[4] + seq + c[5], 'utf8')
          .digest('hex');
        const v = t.csv;
        text += `${v[0]}${id}${v[1]}${at}${v[2]}${new Date(ms + 5 + (seq % 900)).toISOString()}${v[3]}${request}${v[4]}${seq},"${prev}","${hash}"\n`;
        prev = hash;
        first ||= ms;
        last = ms;
      }
      if (!copy.write(text)) await new Promise<void>((resolve) => copy.once('drain', () => resolve()));
    }
    copy.end();
    await finished;
  }
  return { seq, hash: prev, first, last };
}

type IndexDef = { name: string; def: string };
type Phase = { name: string; seconds: number };

/** Months (first days, UTC) from `oldest` to the one holding `newest` (days ahead are the migration's lean ones). */
function monthsBetween(oldest: number, newest: number): string[] {
  const out: string[] = [];
  const d = new Date(Date.UTC(new Date(oldest).getUTCFullYear(), new Date(oldest).getUTCMonth(), 1));
  while (d.getTime() <= newest) {
    out.push(d.toISOString().slice(0, 10));
    d.setUTCMonth(d.getUTCMonth() + 1);
  }
  return out;
}

export type LoadResult = { ctx: Omit<BenchContext, 'quick'>; seconds: number; phases: Phase[]; tableBytes: number; indexBytes: number };

/**
 * Loads `events` events spread over the last `days` days into the (migrated, empty) database at `url`,
 * split across BENCH_ORGS, plus a signed-in-able owner of every organization and their people.
 */
export async function loadBenchData(url: string, opts: { events: number; days: number; now: number; log?: (line: string) => void }): Promise<LoadResult> {
  const log = opts.log ?? (() => {});
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const phases: Phase[] = [];
  const started = performance.now();
  let mark = started;
  const phase = (name: string) => {
    const now = performance.now();
    phases.push({ name, seconds: (now - mark) / 1000 });
    log(`  ${name}: ${((now - mark) / 1000).toFixed(1)} s`);
    mark = now;
  };
  try {
    // Tenants, the bench owner and each organization's people (one password hash for all: argon2 is slow on purpose).
    const hash = await hashPassword(BENCH_PASSWORD);
    const [owner] = await sql<{ id: string }[]>`insert into users (email, name, password_hash) values (${BENCH_EMAIL}, 'Bench Owner', ${hash}) returning id`;
    const orgs: { slug: string; id: string; count: number; people: DemoPerson[] }[] = [];
    let assigned = 0;
    for (const [i, o] of BENCH_ORGS.entries()) {
      const count = i === BENCH_ORGS.length - 1 ? opts.events - assigned : Math.round(opts.events * o.share);
      assigned += count;
      const [org] = await sql<
        { id: string }[]
      >`insert into organizations (slug, name, retention_days) values (${o.slug}, ${o.name}, ${BENCH_RETENTION_DAYS}) returning id`;
      await sql`insert into memberships (org_id, user_id, role) values (${org!.id}, ${owner!.id}, 'owner')`;
      const people: DemoPerson[] = [];
      for (let p = 0; p < o.people; p++) {
        const role: Role = p % 10 === 9 ? 'auditor' : p % 4 === 0 ? 'owner' : 'admin';
        const email = `user${String(p + 1).padStart(2, '0')}@${o.slug}.test`;
        const [user] = await sql<
          { id: string }[]
        >`insert into users (email, name, password_hash) values (${email}, ${`User ${p + 1} of ${o.name}`}, ${hash}) returning id`;
        await sql`insert into memberships (org_id, user_id, role) values (${org!.id}, ${user!.id}, ${role})`;
        people.push({ email, id: user!.id, role });
      }
      orgs.push({ slug: o.slug, id: org!.id, count, people });
    }

    // Fully indexed partitions for every month the history covers (the migration makes this month and days ahead).
    const oldest = opts.now - opts.days * 86_400_000;
    for (const month of monthsBetween(oldest, opts.now)) await sql`select audit_events_create_month_partition(${month}::date)`;

    // Drop what slows a bulk load, keeping the definitions: every index but the primary key, and the foreign key.
    const indexes = await sql<IndexDef[]>`
      select c.relname as name, pg_get_indexdef(i.indexrelid) as def
      from pg_index i join pg_class c on c.oid = i.indexrelid
      where i.indrelid = 'audit_events'::regclass and not i.indisprimary order by c.relname`;
    const fks = await sql<IndexDef[]>`
      select conname as name, pg_get_constraintdef(oid) as def from pg_constraint
      where conrelid = 'audit_events'::regclass and contype = 'f'`;
    for (const fk of fks) await sql.unsafe(`alter table audit_events drop constraint "${fk.name}"`);
    for (const ix of indexes) await sql.unsafe(`drop index "${ix.name}"`);
    // The secondary indexes live on each partition (drizzle/0016): dropped here, rebuilt from the one list below.
    const own = await sql<{ name: string; part: string }[]>`
      select ic.oid::regclass::text as name, p.name as part from audit_events_partitions() p cross join audit_events_secondary_indexes() s
      join pg_class ic on ic.relname = left(p.name || '_' || s.suffix, 63) and ic.relkind = 'i'`;
    for (const ix of own) await sql.unsafe(`drop index ${ix.name}`);
    const indexed = [...new Set(own.map((ix) => ix.part))];
    phase('tenants, partitions, drop indexes');

    const result: BenchOrg[] = [];
    for (const [i, org] of orgs.entries()) {
      const templates = buildTemplates({
        orgId: org.id,
        slug: org.slug,
        people: org.people,
        count: Math.min(org.count, MAX_TEMPLATES),
        seed: 2026 + i,
        now: opts.now,
        days: opts.days,
      });
      const head = await copyOrgRows(sql, templates, org.count, oldest, opts.now, 7000 + i);
      await sql`insert into audit_chain_heads (org_id, seq, hash) values (${org.id}, ${head.seq}, ${head.hash})
                on conflict (org_id) do update set seq = excluded.seq, hash = excluded.hash`;
      result.push({ slug: org.slug, id: org.id, events: org.count, oldest: new Date(head.first).toISOString(), newest: new Date(head.last).toISOString() });
      log(
        `  ${org.slug}: ${org.count.toLocaleString('en-US')} events from ${templates.length.toLocaleString('en-US')} templates, chain head #${head.seq} (${((performance.now() - mark) / 1000).toFixed(0)} s)`,
      );
    }
    phase('generate, hash-chain and COPY');

    await sql`set maintenance_work_mem = '1GB'`;
    for (const ix of indexes) {
      // pg_get_indexdef names the partitioned parent with ON ONLY (no partitions); the real statement builds them all.
      await sql.unsafe(ix.def.replace(' ON ONLY ', ' ON '));
      phase(`index ${ix.name}`);
    }
    // Back what was dropped, and what the partition job would have closed by now (a day that ended, the default one).
    const ended = await sql<{ name: string }[]>`select name from audit_events_partitions()
      where is_default or hi <= ${new Date(opts.now - CLOSE_GRACE_MS).toISOString()}::timestamptz`;
    const closed = [...new Set([...indexed, ...ended.map((p) => p.name)])];
    for (const part of closed) await sql`select audit_events_build_partition_indexes(${part}::regclass)`;
    phase(`secondary indexes of ${closed.length} closed partitions`);
    for (const fk of fks) await sql.unsafe(`alter table audit_events add constraint "${fk.name}" ${fk.def}`);
    phase('foreign key');
    // The append stores filter options itself (lib/recording/facets.ts); rows COPYed here bring theirs in one pass.
    await sql`
      insert into audit_facets (org_id, facet, value)
      select distinct e.org_id, f.facet, f.value
      from audit_events e
      cross join lateral (values ('action', e.action), ('type', e.object_type), ('actor', e.actor_label), ('module', e.module),
        ('project', e.project), ('source', e.source::text), ('result', e.result::text)) as f(facet, value)
      where f.value is not null and f.value <> ''
      on conflict do nothing`;
    phase('facets');
    await sql`vacuum (analyze) audit_events`;
    await sql`analyze audit_facets`;
    phase('vacuum analyze');

    const [size] = await sql<{ table: string; indexes: string }[]>`
      select sum(pg_table_size(inhrelid))::text as table, sum(pg_indexes_size(inhrelid))::text as indexes
      from pg_inherits where inhparent = 'audit_events'::regclass`;
    return {
      ctx: { url, orgs: result, user: { id: owner!.id, email: BENCH_EMAIL, password: BENCH_PASSWORD, label: BENCH_EMAIL } },
      seconds: (performance.now() - started) / 1000,
      phases,
      tableBytes: Number(size!.table),
      indexBytes: Number(size!.indexes),
    };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Reads the context back from a database loaded earlier (BENCH_REUSE=<database name>), without reloading. */
export async function readBenchContext(url: string): Promise<Omit<BenchContext, 'quick'>> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [owner] = await sql<{ id: string }[]>`select id from users where email = ${BENCH_EMAIL}`;
    const orgs = await sql<{ slug: string; id: string; events: string; oldest: Date; newest: Date }[]>`
      select o.slug, o.id, h.seq::text as events,
        (select min(occurred_at) from audit_events e where e.org_id = o.id) as oldest,
        (select max(occurred_at) from audit_events e where e.org_id = o.id and e.seq <= h.seq) as newest
      from organizations o join audit_chain_heads h on h.org_id = o.id
      where o.slug = any(${BENCH_ORGS.map((o) => o.slug)}) order by h.seq desc`;
    if (!owner || orgs.length === 0) throw new Error(`${url} holds no benchmark data`);
    return {
      url,
      orgs: orgs.map((o) => ({ slug: o.slug, id: o.id, events: Number(o.events), oldest: o.oldest.toISOString(), newest: o.newest.toISOString() })),
      user: { id: owner.id, email: BENCH_EMAIL, password: BENCH_PASSWORD, label: BENCH_EMAIL },
    };
  } finally {
    await sql.end({ timeout: 5 });
  }
}
