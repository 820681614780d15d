import { eq, inArray } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { memberships, organizations, users } from '@/db/schema';
import { hashPassword } from '@/lib/auth/password';
import type { Role } from '@/db/vocabulary/roles';
import { diffSnapshots } from '@/lib/recording/diff';
import { recordAuditEvents, type AuditEntry } from '@/lib/recording/record';
import type { ActorType, Source } from '@/db/vocabulary/audit';
import { FAILURE_REASONS, OBJECT_KINDS, PROJECTS, USER_AGENTS, type ObjectKind } from '@/lib/seed/catalog';
import { Random } from '@/lib/seed/random';

/** The demo sign-in, stated in the README. Only ever seeded into a database that asked for it. */
export const DEMO_PASSWORD = 'audit-demo-2026';

export const DEMO_ORGS = [
  { slug: 'acme', name: 'Acme Corp', timeZone: 'Europe/Berlin' },
  { slug: 'globex', name: 'Globex Inc', timeZone: 'America/New_York' },
] as const;

export const DEMO_USERS: readonly { email: string; name: string; roles: Partial<Record<'acme' | 'globex', Role>> }[] = [
  { email: 'alice@acme.test', name: 'Alice Owner', roles: { acme: 'owner', globex: 'auditor' } },
  { email: 'bob@acme.test', name: 'Bob Admin', roles: { acme: 'admin' } },
  { email: 'carol@acme.test', name: 'Carol Auditor', roles: { acme: 'auditor' } },
  { email: 'dave@acme.test', name: 'Dave Member', roles: { acme: 'member' } },
  { email: 'gina@globex.test', name: 'Gina Globex', roles: { globex: 'owner' } },
];

type Actor = { type: ActorType; id: string | null; label: string; source: Source; ips: string[]; agent: string | null; role?: Role };

const DAY = 86_400_000;

/** Creates the demo organizations and users unless they exist; returns the org ids by slug. */
export async function ensureDemoTenants(db: Db): Promise<{ created: boolean; orgIds: Record<string, string>; userIds: Record<string, string> }> {
  const existing = await db
    .select()
    .from(organizations)
    .where(
      inArray(
        organizations.slug,
        DEMO_ORGS.map((o) => o.slug),
      ),
    );
  const created = existing.length === 0;
  const hash = await hashPassword(DEMO_PASSWORD);
  return db.transaction(async (tx) => {
    await tx
      .insert(organizations)
      .values([...DEMO_ORGS])
      .onConflictDoNothing();
    await tx
      .insert(users)
      .values(DEMO_USERS.map((u) => ({ email: u.email, name: u.name, passwordHash: hash })))
      .onConflictDoNothing();
    const orgRows = await tx
      .select()
      .from(organizations)
      .where(
        inArray(
          organizations.slug,
          DEMO_ORGS.map((o) => o.slug),
        ),
      );
    const userRows = await tx
      .select()
      .from(users)
      .where(
        inArray(
          users.email,
          DEMO_USERS.map((u) => u.email),
        ),
      );
    const orgIds = Object.fromEntries(orgRows.map((o) => [o.slug, o.id]));
    const userIds = Object.fromEntries(userRows.map((u) => [u.email, u.id]));
    const rows = DEMO_USERS.flatMap((u) => Object.entries(u.roles).map(([slug, role]) => ({ orgId: orgIds[slug]!, userId: userIds[u.email]!, role: role! })));
    await tx.insert(memberships).values(rows).onConflictDoNothing();
    return { created, orgIds, userIds };
  });
}

/** A person the generator lets act (an org member, by email), with the role that shapes what they do. */
export type DemoPerson = { email: string; id: string | null; role: Role };

function actorsFor(slug: string, people: DemoPerson[], r: Random): Actor[] {
  const humans = people.map((u) => ({
    type: 'user' as const,
    id: u.id,
    role: u.role,
    label: u.email,
    source: 'web' as const,
    ips: [`203.0.113.${r.int(2, 250)}`, `198.51.100.${r.int(2, 250)}`, `2001:db8:${r.hex(4)}::${r.int(1, 99)}`].slice(0, r.int(1, 3)),
    agent: r.pick(USER_AGENTS),
  }));
  const former = {
    type: 'user' as const,
    id: `former-${slug}-frank`,
    label: `frank@${slug}.test`,
    source: 'web' as const,
    ips: ['192.0.2.44'],
    agent: USER_AGENTS[1],
  };
  const keys = ['CI deploy', 'Terraform'].map((name) => ({
    type: 'api_key' as const,
    id: `ak_${r.hex(8)}`,
    label: `${name} key`,
    source: 'api' as const,
    ips: [`10.${r.int(0, 20)}.${r.int(0, 255)}.${r.int(1, 254)}`],
    agent: name === 'Terraform' ? 'terraform-provider-acme/3.2.1' : 'curl/8.11.1',
  }));
  const system = { type: 'system' as const, id: 'scheduler', label: 'System scheduler', source: 'system' as const, ips: [], agent: null };
  return [...humans, former, ...keys, system];
}

/** The demo users with a role in `slug` other than member (members cannot change anything). */
function demoPeople(slug: string, userIds: Record<string, string>): DemoPerson[] {
  return DEMO_USERS.filter((u) => u.roles[slug as 'acme'] && u.roles[slug as 'acme'] !== 'member').map((u) => ({
    email: u.email,
    id: userIds[u.email] ?? null,
    role: u.roles[slug as 'acme']!,
  }));
}

export type DemoEntryOptions = {
  orgId: string;
  slug: string;
  count: number;
  /** Who acts; defaults to the demo users with a role in `slug`. */
  people?: DemoPerson[];
  userIds?: Record<string, string>;
  seed?: number;
  now?: number;
  days?: number;
};

/**
 * `count` realistic entries over the last `days` days (default 90, up to `now`) for one organization, oldest
 * first: objects are created, changed, published and deleted in time order so every record has a coherent
 * history. Pure and reproducible from `seed`; the seed writes them through recordAuditEvents, the benchmark
 * loader (bench/lib/load.ts) builds the same rows and COPYs them.
 */
export function* demoEntries(opts: DemoEntryOptions): Generator<AuditEntry> {
  const r = new Random(opts.seed ?? 42);
  const now = opts.now ?? Date.now();
  const span = (opts.days ?? 90) * DAY;
  const times = new Float64Array(opts.count);
  for (let i = 0; i < opts.count; i++) times[i] = Math.floor(now - r.next() * span);
  times.sort();

  const actors = actorsFor(opts.slug, opts.people ?? demoPeople(opts.slug, opts.userIds ?? {}), r);
  const humans = actors.filter((a) => a.type === 'user');
  const formerUser = actors.find((a) => a.id?.startsWith('former'))!;
  const weights: (readonly [Actor, number])[] = [
    ...humans.map((h) => [h, 12] as const),
    [formerUser, 2],
    ...actors.filter((a) => a.type !== 'user').map((a) => [a, 5] as const),
  ];
  const live = new Map<string, { id: string; state: Record<string, unknown>; project: string | null }[]>();
  let serial = 0;

  for (let i = 0; i < opts.count; i++) {
    const at = new Date(times[i]!);
    const actor = r.weighted<Actor>(weights);
    const base = {
      orgId: opts.orgId,
      id: r.uuidv7(at.getTime()),
      occurredAt: at,
      receivedAt: new Date(at.getTime() + r.int(5, 900)),
      actor: { type: actor.type, id: actor.id, label: actor.label },
      source: actor.source,
      ip: actor.ips.length ? r.pick(actor.ips) : null,
      userAgent: actor.agent,
      requestId: `req_${r.hex(16)}`,
    };

    if (actor.role === 'auditor' && r.chance(0.45)) {
      // Auditors only read: their trail is sign-ins and exports.
      const format = r.pick(['csv', 'xlsx', 'pdf'] as const);
      const rows = r.int(40, 25_000);
      yield {
        ...base,
        action: 'export',
        objectType: 'audit_log',
        objectId: null,
        objectLabel: 'Audit log',
        module: 'Audit',
        message: `Exported ${rows.toLocaleString('en-US')} audit events as ${format.toUpperCase()}`,
        metadata: { format, row_count: rows, filters: { range: r.pick(['24h', '7d', '30d']), result: r.chance(0.3) ? ['failure'] : undefined } },
      };
    } else if (actor.type === 'user' && (actor.role === 'auditor' || r.chance(0.12))) {
      const action = r.weighted([
        ['login', 8],
        ['logout', 3],
        ['login_failed', 1.5],
      ] as const);
      yield {
        ...base,
        action,
        objectType: 'session',
        objectId: actor.id,
        objectLabel: actor.label,
        module: 'Access',
        message: action === 'login' ? 'Signed in' : action === 'logout' ? 'Signed out' : `Sign-in failed for ${actor.label}`,
        result: action === 'login_failed' ? 'failure' : 'success',
        errorMessage: action === 'login_failed' ? 'Invalid email or password' : null,
        metadata: { attempted_email: action === 'login_failed' ? actor.label : undefined, method: 'password' },
      };
    } else {
      yield objectEvent(r, base, actor, live, () => ++serial);
    }
  }
}

/** Appends demoEntries(opts) to the organization through the one write path (hash-chained and redacted like real entries). */
export async function generateDemoEvents(db: Db, opts: DemoEntryOptions & { userIds: Record<string, string> }): Promise<number> {
  let batch: AuditEntry[] = [];
  let written = 0;
  for (const entry of demoEntries(opts)) {
    batch.push(entry);
    if (batch.length >= 500) {
      await recordAuditEvents(db, batch);
      written += batch.length;
      batch = [];
    }
  }
  if (batch.length) await recordAuditEvents(db, batch);
  return written + batch.length;
}

function objectEvent(
  r: Random,
  base: Omit<AuditEntry, 'action' | 'objectType'>,
  actor: Actor,
  live: Map<string, { id: string; state: Record<string, unknown>; project: string | null }[]>,
  nextSerial: () => number,
): AuditEntry {
  const kind: ObjectKind = r.pick(OBJECT_KINDS);
  const pool = live.get(kind.type) ?? [];
  live.set(kind.type, pool);
  const singleton = kind.type === 'settings';
  const mustCreate = pool.length === 0 || (!singleton && pool.length < 400 && r.chance(0.18));
  const verb = mustCreate ? 'create' : r.weighted([['update', 62], ['delete', singleton ? 0 : 6], ...kind.extraActions.map((a) => [a, 22] as const)]);
  const failed = r.chance(0.05);
  const metaBase = actor.source === 'api' ? { api_version: '2026-10-01' } : {};
  const label = (s: Record<string, unknown>) => kind.label(s);
  const noun = kind.type.replace(/_/g, ' ');

  if (verb === 'create') {
    const n = nextSerial();
    const state = kind.create(r, n);
    const id = singleton ? 'org-settings' : `${kind.type.slice(0, 3)}_${r.hex(10)}`;
    const project = kind.projectScoped ? r.pick(PROJECTS) : null;
    const common = { ...base, action: 'create', objectType: kind.type, objectId: id, objectLabel: label(state), module: kind.module, project };
    if (failed) {
      return {
        ...common,
        result: 'failure',
        errorMessage: r.pick(FAILURE_REASONS),
        message: `Failed to create ${noun} "${label(state)}"`,
        metadata: { ...metaBase, request: { method: 'POST', path: `/api/${kind.type}s`, params: state } },
      };
    }
    pool.push({ id, state, project });
    return {
      ...common,
      message: `Created ${noun} "${label(state)}"`,
      before: null,
      after: state,
      changes: diffSnapshots(null, state),
      metadata: { ...metaBase, request: { method: 'POST', path: `/api/${kind.type}s` } },
    };
  }

  const index = r.int(0, pool.length - 1);
  const obj = pool[index]!;
  const common = { ...base, objectType: kind.type, objectId: obj.id, objectLabel: label(obj.state), module: kind.module, project: obj.project };
  const path = `/api/${kind.type}s/${obj.id}`;

  if (failed) {
    return {
      ...common,
      action: verb,
      result: 'failure',
      errorMessage: r.pick(FAILURE_REASONS),
      message: `Failed to ${verb} ${noun} "${label(obj.state)}"`,
      metadata: { ...metaBase, request: { method: verb === 'delete' ? 'DELETE' : 'POST', path } },
    };
  }
  if (verb === 'update') {
    let after = kind.update(r, obj.state);
    let changes = diffSnapshots(obj.state, after);
    // Random edits can land on the current value; an admin console wouldn't record a no-op save as an update.
    for (let tries = 0; changes.length === 0 && tries < 5; tries++) {
      after = kind.update(r, obj.state);
      changes = diffSnapshots(obj.state, after);
    }
    const before = obj.state;
    obj.state = after;
    const fields = changes.map((c) => c.path);
    return {
      ...common,
      action: 'update',
      objectLabel: label(after),
      message: `Updated ${noun} "${label(after)}": ${fields.join(', ')}`,
      before,
      after,
      changes,
      metadata: { ...metaBase, request: { method: 'PATCH', path } },
    };
  }
  if (verb === 'delete') {
    pool.splice(index, 1);
    return {
      ...common,
      action: 'delete',
      message: `Deleted ${noun} "${label(obj.state)}"`,
      before: obj.state,
      after: null,
      changes: diffSnapshots(obj.state, null),
      metadata: { ...metaBase, request: { method: 'DELETE', path } },
    };
  }
  const messages: Record<string, string> = {
    publish: `Published ${noun} "${label(obj.state)}"`,
    send: kind.type === 'end_user' ? `Sent invitation to ${label(obj.state)}` : `Sent test message through ${noun} "${label(obj.state)}"`,
    generate: `Generated a new secret for API key "${label(obj.state)}"`,
  };
  return {
    ...common,
    action: verb,
    message: messages[verb] ?? `${verb} ${noun}`,
    metadata: { ...metaBase, request: { method: 'POST', path: `${path}/${verb}` } },
  };
}

/**
 * First-start seed: demo tenants plus `events` events for Acme (and a tenth as many for Globex).
 * Does nothing when the demo organization already exists, so a restart never re-seeds.
 */
export async function seedDemoIfEmpty(db: Db, opts: { events: number; now?: number }): Promise<boolean> {
  const [acme] = await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, 'acme'));
  if (acme) return false;
  await seedDemo(db, { events: opts.events, now: opts.now });
  return true;
}

/** Ensures the demo tenants and appends events to them (used by `npm run db:seed`). */
export async function seedDemo(db: Db, opts: { events: number; now?: number; seed?: number }) {
  const { orgIds, userIds } = await ensureDemoTenants(db);
  const seed = opts.seed ?? 42;
  const acme = await generateDemoEvents(db, { orgId: orgIds.acme!, slug: 'acme', userIds, count: opts.events, now: opts.now, seed });
  const globex = await generateDemoEvents(db, {
    orgId: orgIds.globex!,
    slug: 'globex',
    userIds,
    count: Math.max(200, Math.floor(opts.events / 10)),
    now: opts.now,
    seed: seed + 1,
  });
  return { acme, globex };
}
