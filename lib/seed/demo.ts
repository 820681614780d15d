import { randomBytes } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { insertDemoApiKeys } from '@/db/queries/api-keys';
import { memberships, organizations, users } from '@/db/schema';
import { hashApiKey } from '@/lib/auth/api-keys';
import { hashPassword } from '@/lib/auth/password';
import type { Role } from '@/db/vocabulary/roles';
import { diffSnapshots } from '@/lib/recording/diff';
import { recordAuditEvents, type AuditEntry } from '@/lib/recording/record';
import type { ActorType, Source } from '@/db/vocabulary/audit';
import { FAILURE_REASONS, OBJECT_KINDS, PROJECTS, USER_AGENTS, type ObjectKind } from '@/lib/seed/catalog';
import { Random } from '@/lib/seed/random';
import { INVITED_BEFORE_SHARE, joinedAt, stableUuid, STORIES, storyKeyIdentity, storyTime, type Story } from '@/lib/seed/story';

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

/** Someone or something that acts in the log; only between `from` and `until` (ms; a member's time in the organization, a key's life). */
type Actor = {
  type: ActorType;
  id: string | null;
  label: string;
  source: Source;
  ips: string[];
  agent: string | null;
  role?: Role;
  from: number;
  until: number;
};

const DAY = 86_400_000;

/**
 * Creates the demo organizations and users unless they exist; returns the org ids by slug. Each membership starts when
 * the story (story.ts) says that person joined, in a history of `days` days up to `now`.
 */
export async function ensureDemoTenants(
  db: Db,
  opts: { now?: number; days?: number } = {},
): Promise<{ created: boolean; orgIds: Record<string, string>; userIds: Record<string, string> }> {
  const now = opts.now ?? Date.now();
  const span = (opts.days ?? 90) * DAY;
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
    const rows = DEMO_USERS.flatMap((u) =>
      Object.entries(u.roles).map(([slug, role]) => {
        const member = STORIES[slug as 'acme'].members.find((m) => m.email === u.email);
        return { orgId: orgIds[slug]!, userId: userIds[u.email]!, role: role!, createdAt: member ? joinedAt(member, now, span) : new Date(now) };
      }),
    );
    await tx.insert(memberships).values(rows).onConflictDoNothing();
    return { created, orgIds, userIds };
  });
}

/** A person the generator lets act (an org member, by email), with the role that shapes what they do. */
export type DemoPerson = { email: string; id: string | null; role: Role };

const ALWAYS = { from: -Infinity, until: Infinity };

function humanActor(r: Random, email: string, id: string | null, role: Role | undefined, window: { from: number; until: number }): Actor {
  return {
    type: 'user',
    id,
    role,
    label: email,
    source: 'web',
    ips: [`203.0.113.${r.int(2, 250)}`, `198.51.100.${r.int(2, 250)}`, `2001:db8:${r.hex(4)}::${r.int(1, 99)}`].slice(0, r.int(1, 3)),
    agent: r.pick(USER_AGENTS),
    ...window,
  };
}

function keyActor(r: Random, name: string, id: string, window: { from: number; until: number }): Actor {
  return {
    type: 'api_key',
    id,
    label: name,
    source: 'api',
    ips: [`10.${r.int(0, 20)}.${r.int(0, 255)}.${r.int(1, 254)}`],
    agent: name.startsWith('Terraform') ? 'terraform-provider-acme/3.2.1' : 'curl/8.11.1',
    ...window,
  };
}

const SYSTEM: Actor = { type: 'system', id: 'scheduler', label: 'System scheduler', source: 'system', ips: [], agent: null, ...ALWAYS };

/** Without a story (the benchmark's made-up people): everyone acts all along, plus a former member and two keys. */
function actorsFor(slug: string, people: DemoPerson[], r: Random): Actor[] {
  const humans = people.map((u) => humanActor(r, u.email, u.id, u.role, ALWAYS));
  const former = { ...humanActor(r, `frank@${slug}.test`, `former-${slug}-frank`, undefined, ALWAYS), ips: ['192.0.2.44'], agent: USER_AGENTS[1] };
  const keys = ['CI deploy key', 'Terraform key'].map((name) => keyActor(r, name, `ak_${r.hex(8)}`, ALWAYS));
  return [...humans, former, ...keys, SYSTEM];
}

/** Everyone in the story by email (members who never act included, for their own join), and the keys by name. */
function storyActors(slug: string, story: Story, userIds: Record<string, string>, r: Random, now: number, span: number) {
  const at = (f: number | undefined) => (f === undefined ? Infinity : storyTime(now, span, f));
  const people = new Map<string, Actor>();
  for (const m of story.members) {
    const id = m.formerId ? stableUuid(`demo-former:${slug}:${m.email}`) : (userIds[m.email] ?? null);
    // Members cannot change anything: someone promoted from member acts from the promotion on.
    const from = m.joinedAs === 'member' ? at(m.promoted) : m.joined === null ? -Infinity : at(m.joined);
    people.set(m.email, humanActor(r, m.email, id, m.role, { from, until: at(m.removed) }));
  }
  const keys = new Map<string, Actor>();
  for (const k of story.keys)
    keys.set(
      k.name,
      keyActor(r, k.name, storyKeyIdentity(slug, k.name).id, k.acts ? { from: at(k.created), until: at(k.revoked) } : { from: Infinity, until: Infinity }),
    );
  return { people, keys };
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
  const story = opts.people ? null : (STORIES[opts.slug as 'acme'] ?? null);

  let actors: Actor[];
  let steps: StoryStep[] = [];
  if (story) {
    const { people, keys } = storyActors(opts.slug, story, opts.userIds ?? {}, r, now, span);
    actors = [...[...people.values()].filter((a) => a.role !== 'member'), ...[...keys.values()].filter((k) => k.from !== Infinity), SYSTEM];
    steps = storySteps(opts.slug, story, people, now, span).slice(0, opts.count);
  } else {
    actors = actorsFor(opts.slug, opts.people ?? demoPeople(opts.slug, opts.userIds ?? {}), r);
  }

  // The story's steps at their moments; random events fill the rest of `count`, spread over the span.
  const randomCount = opts.count - steps.length;
  const times = new Float64Array(opts.count);
  for (let i = 0; i < randomCount; i++) times[i] = Math.floor(now - r.next() * span);
  for (let i = 0; i < steps.length; i++) times[randomCount + i] = steps[i]!.at;
  times.sort();
  const stepAt = new Map<number, StoryStep[]>();
  for (const step of steps) stepAt.set(step.at, [...(stepAt.get(step.at) ?? []), step]);

  const kinds = story ? OBJECT_KINDS.filter((k) => k.type !== 'member' && k.type !== 'api_key') : OBJECT_KINDS;
  const live = new Map<string, { id: string; state: Record<string, unknown>; project: string | null }[]>();
  let serial = 0;

  for (let i = 0; i < opts.count; i++) {
    const at = new Date(times[i]!);
    const scripted = stepAt.get(times[i]!)?.shift();
    const actor = scripted ? scripted.actor : pickActor(r, actors, times[i]!);
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

    if (scripted) {
      yield { ...base, ...scripted.entry };
    } else if (actor.role === 'auditor' && r.chance(0.45)) {
      // Auditors only read: their trail is sign-ins and exports, of as many events as the window held then.
      const format = r.pick(['csv', 'xlsx', 'pdf'] as const);
      const range = r.pick(['24h', '7d', '30d'] as const);
      const failuresOnly = r.chance(0.3);
      const inWindow = countBetween(times, at.getTime() - RANGE_MS[range], at.getTime());
      const rows = failuresOnly ? Math.round(inWindow * 0.05) : inWindow;
      yield {
        ...base,
        action: 'export',
        objectType: 'audit_log',
        objectId: null,
        objectLabel: 'Audit log',
        module: 'Audit',
        message: `Exported ${rows.toLocaleString('en-US')} audit events as ${format.toUpperCase()}`,
        metadata: { format, row_count: rows, filters: { range, result: failuresOnly ? ['failure'] : undefined } },
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
      yield objectEvent(r, base, actor, live, () => ++serial, kinds);
    }
  }
}

const RANGE_MS = { '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY } as const;

/** How many of the sorted `times` fall in [from, to). */
function countBetween(times: Float64Array, from: number, to: number): number {
  const lowerBound = (x: number) => {
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (times[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return lowerBound(to) - lowerBound(from);
}

/** A random actor among those who can act at `at` (humans weigh more than keys and the scheduler). */
function pickActor(r: Random, actors: Actor[], at: number): Actor {
  const weights = actors.filter((a) => a.from <= at && at < a.until).map((a) => [a, a.type !== 'user' ? 5 : a.id?.startsWith('former') ? 2 : 12] as const);
  return r.weighted<Actor>(weights);
}

/** One step of the story: who does it, when, and the entry the app records for it (the fields after the request's). */
type StoryStep = { at: number; actor: Actor; entry: Omit<AuditEntry, 'orgId' | 'actor' | 'source'> };

const snapshot = (email: string, role: Role) => ({ email, name: DEMO_USERS.find((u) => u.email === email)?.name ?? email.split('@')[0]!, role });

/** The story as audit entries, in time order, worded like the app's own operations (lib/operations). */
function storySteps(slug: string, story: Story, people: Map<string, Actor>, now: number, span: number): StoryStep[] {
  const at = (f: number) => storyTime(now, span, f);
  const founder = story.members.find((m) => m.joined === null)!;
  const who = (email: string | undefined) => people.get(email ?? founder.email)!;
  const steps: StoryStep[] = [];
  for (const m of story.members) {
    const person = people.get(m.email)!;
    if (m.joined !== null) {
      const role = m.joinedAs ?? m.role;
      const invitation = stableUuid(`demo-invitation:${slug}:${m.email}`);
      steps.push({
        at: at(Math.max(0, m.joined - INVITED_BEFORE_SHARE)),
        actor: who(m.invitedBy),
        entry: {
          action: 'create',
          objectType: 'invitation',
          objectId: invitation,
          objectLabel: m.email,
          module: 'Access',
          message: `Invited ${m.email} as ${role} (link valid 7 days)`,
          after: { email: m.email, role },
        },
      });
      steps.push({
        at: at(m.joined),
        actor: person,
        entry: {
          action: 'create',
          objectType: 'member',
          objectId: person.id,
          objectLabel: m.email,
          module: 'Access',
          message: `${m.email} accepted the invitation and joined as ${role}`,
          after: snapshot(m.email, role),
          changes: diffSnapshots(null, snapshot(m.email, role)),
          metadata: { invitation_id: invitation },
        },
      });
    }
    if (m.joinedAs && m.promoted !== undefined) {
      const before = snapshot(m.email, m.joinedAs);
      const after = snapshot(m.email, m.role);
      steps.push({
        at: at(m.promoted),
        actor: who(founder.email),
        entry: {
          action: 'update',
          objectType: 'member',
          objectId: person.id,
          objectLabel: m.email,
          module: 'Access',
          message: `Changed ${m.email}'s role from ${m.joinedAs} to ${m.role}`,
          before,
          after,
          changes: diffSnapshots(before, after),
        },
      });
    }
    if (m.removed !== undefined) {
      steps.push({
        at: at(m.removed),
        actor: who(m.removedBy),
        entry: {
          action: 'delete',
          objectType: 'member',
          objectId: person.id,
          objectLabel: m.email,
          module: 'Access',
          message: `Removed ${m.email} (${m.role})`,
          before: snapshot(m.email, m.role),
          changes: diffSnapshots(snapshot(m.email, m.role), null),
          metadata: { sessions_ended: 1 },
        },
      });
    }
  }
  for (const k of story.keys) {
    const { id, prefix } = storyKeyIdentity(slug, k.name);
    const label = `${k.name} (${prefix})`;
    const active = { name: k.name, prefix, status: 'active' };
    steps.push({
      at: at(k.created),
      actor: who(k.createdBy),
      entry: {
        action: 'generate',
        objectType: 'api_key',
        objectId: id,
        objectLabel: label,
        module: 'Security',
        message: `Created API key "${k.name}" (${prefix}…)`,
        after: active,
        changes: diffSnapshots(null, active),
      },
    });
    if (k.revoked !== undefined) {
      const revoked = { ...active, status: 'revoked' };
      steps.push({
        at: at(k.revoked),
        actor: who(k.revokedBy),
        entry: {
          action: 'delete',
          objectType: 'api_key',
          objectId: id,
          objectLabel: label,
          module: 'Security',
          message: `Revoked API key "${k.name}" (${prefix}…)`,
          before: active,
          after: revoked,
          changes: diffSnapshots(active, revoked),
        },
      });
    }
  }
  return steps.filter((s) => s.at <= now).sort((a, b) => a.at - b.at);
}

/**
 * The demo keys of `slug`'s story as api_keys rows (created, revoked, last used as the log says). Their secrets are
 * random and thrown away: the demo keys appear on the API keys page but cannot be used.
 */
function storyApiKeys(slug: string, userIds: Record<string, string>, now: number, span: number) {
  const story = STORIES[slug as 'acme'];
  return (story?.keys ?? []).map((k) => {
    const { id, prefix } = storyKeyIdentity(slug, k.name);
    return {
      id,
      name: k.name,
      prefix,
      secretHash: hashApiKey(`${prefix}_${randomBytes(32).toString('base64url')}`),
      createdBy: userIds[k.createdBy] ?? null,
      createdAt: new Date(storyTime(now, span, k.created)),
      revokedAt: k.revoked === undefined ? null : new Date(storyTime(now, span, k.revoked)),
    };
  });
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
  kinds: readonly ObjectKind[],
): AuditEntry {
  const kind: ObjectKind = r.pick(kinds);
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
  const now = opts.now ?? Date.now();
  const { created, orgIds, userIds } = await ensureDemoTenants(db, { now });
  const seed = opts.seed ?? 42;
  const acme = await generateDemoEvents(db, { orgId: orgIds.acme!, slug: 'acme', userIds, count: opts.events, now, seed });
  const globex = await generateDemoEvents(db, {
    orgId: orgIds.globex!,
    slug: 'globex',
    userIds,
    count: Math.max(200, Math.floor(opts.events / 10)),
    now,
    seed: seed + 1,
  });
  // The story's keys once, with the organizations (a later `db:seed` adds history, not keys).
  if (created) for (const slug of ['acme', 'globex'] as const) await insertDemoApiKeys(db, orgIds[slug]!, storyApiKeys(slug, userIds, now, 90 * DAY));
  return { acme, globex };
}
