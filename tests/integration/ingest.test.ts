import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { apiKeys } from '@/db/schema';
import { PEER_HEADER } from '@/lib/recording/client-ip';
import { generateApiKey } from '@/lib/auth/api-keys';
import { handleIngestGet } from '@/lib/api/events-get';
import { handleIngestPost } from '@/lib/ingest/handle-post';
import { rowsOf } from '@/db/rows';
import { describeEachDatabase } from './databases';
import { createOrg, insertEvents } from './fixtures';

const URL_BASE = 'http://localhost/api/v1/events';

async function countEvents(db: Db, orgId: string): Promise<number> {
  const [row] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from audit_events where org_id = ${orgId}`));
  return row!.n;
}

async function countIngested(db: Db, orgId: string): Promise<number> {
  const [row] = rowsOf<{ n: number }>(
    await db.execute(sql`select count(*)::int as n from audit_events where org_id = ${orgId} and source = 'api' and action <> 'read'`),
  );
  return row!.n;
}

type StoredRow = {
  id: string;
  occurred_at: string;
  received_at: string;
  actor_type: string;
  actor_id: string | null;
  actor_label: string;
  source: string;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  action: string;
  object_type: string;
  object_id: string | null;
  object_label: string | null;
  module: string | null;
  project: string | null;
  message: string;
  result: string;
  error_message: string | null;
  before_text: string | null;
  after_text: string | null;
  changes_text: string | null;
  metadata_text: string;
  changed_fields: string[];
};

/** The raw stored row, read with SQL independent of the code under test (jsonb as text, times as ISO). */
async function storedRow(db: Db, orgId: string, id: string): Promise<StoredRow> {
  const [row] = rowsOf<StoredRow>(
    await db.execute(sql`
      select id::text, to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as occurred_at,
             to_char(received_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as received_at,
             actor_type::text, actor_id, actor_label, source::text, host(ip) as ip, user_agent, request_id, action,
             object_type, object_id, object_label, module, project, message, result::text, error_message,
             before::text as before_text, after::text as after_text, changes::text as changes_text,
             metadata::text as metadata_text, changed_fields
      from audit_events where org_id = ${orgId} and id = ${id}::uuid`),
  );
  if (!row) throw new Error(`event ${id} not stored`);
  return row;
}

async function createKey(db: Db, orgId: string, name = 'billing-sync') {
  const generated = generateApiKey();
  const [row] = await db.insert(apiKeys).values({ orgId, name, prefix: generated.prefix, secretHash: generated.secretHash }).returning();
  return { key: generated.key, id: row!.id, prefix: generated.prefix, name };
}

async function setupOrg(db: Db, slug: string) {
  const org = await createOrg(db, slug);
  return { org, apiKey: await createKey(db, org.id) };
}

function postRequest(key: string | null, body: unknown, headers: Record<string, string> = {}): Request {
  return new Request(URL_BASE, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

function getRequest(key: string | null, query = '', headers: Record<string, string> = {}): Request {
  return new Request(`${URL_BASE}${query}`, { headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers } });
}

type IngestBody = { data: { id: string; index: number; duplicate: boolean }[]; request_id: string };
type ErrorBody = { error: string; message: string; errors?: { index?: number; path?: string; param?: string; message: string }[] };
type PageBody = {
  data: { id: string; occurred_at: string; actor: { type: string; id: string | null; label: string }; action: string; object: { type: string } }[];
  next_cursor: string | null;
  request_id: string;
};

const minimal = (i: number) => ({ action: 'update', object: { type: 'invoice', id: `inv_${i}` } });

describeEachDatabase('ingest API: POST /api/v1/events', (ctx) => {
  it('stores a single event with every field it was given, as source api, with a server-set received_at', async () => {
    const { org, apiKey } = await setupOrg(ctx.db, 'ingest-single');
    const occurredAt = new Date(Date.now() - 60_000).toISOString();
    const res = await handleIngestPost(
      ctx.db,
      postRequest(apiKey.key, {
        action: 'Invoice.Paid',
        occurred_at: occurredAt,
        actor: { type: 'user', id: 'u_42', label: 'jane@customer.test' },
        object: { type: 'invoice', id: 'inv_1', label: 'Invoice #1' },
        module: 'billing',
        project: 'eu-prod',
        message: 'Jane marked invoice #1 as paid',
        result: 'failure',
        error_message: 'card declined',
        ip: '2001:db8::7',
        user_agent: 'BillingBot/2.0',
        request_id: 'req-upstream-1',
        before: { status: 'open', amount: 10 },
        after: { status: 'paid', amount: 10 },
        metadata: { attempt: 2 },
      }),
    );
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as IngestBody;
    expect(body.data).toEqual([{ id: expect.any(String), index: 0, duplicate: false }]);

    const row = await storedRow(ctx.db, org.id, body.data[0]!.id);
    expect(row).toMatchObject({
      occurred_at: occurredAt,
      actor_type: 'user',
      actor_id: 'u_42',
      actor_label: 'jane@customer.test',
      source: 'api',
      ip: '2001:db8::7',
      user_agent: 'BillingBot/2.0',
      request_id: 'req-upstream-1',
      action: 'invoice.paid',
      object_type: 'invoice',
      object_id: 'inv_1',
      object_label: 'Invoice #1',
      module: 'billing',
      project: 'eu-prod',
      message: 'Jane marked invoice #1 as paid',
      result: 'failure',
      error_message: 'card declined',
      changed_fields: ['status'],
    });
    // received_at is the server's clock, not the client's occurred_at.
    expect(Math.abs(new Date(row.received_at).getTime() - Date.now())).toBeLessThan(60_000);
    expect(row.received_at).not.toBe(occurredAt);
    expect(JSON.parse(row.changes_text!)).toEqual([{ path: 'status', before: 'open', after: 'paid' }]);
  });

  it('stores an array batch in order and reports each event by index', async () => {
    const { org, apiKey } = await setupOrg(ctx.db, 'ingest-batch');
    const res = await handleIngestPost(
      ctx.db,
      postRequest(
        apiKey.key,
        Array.from({ length: 7 }, (_, i) => minimal(i)),
      ),
    );
    expect(res.status).toBe(201);
    const body = (await res.json()) as IngestBody;
    expect(body.data.map((d) => d.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(new Set(body.data.map((d) => d.id)).size).toBe(7);
    expect(await countEvents(ctx.db, org.id)).toBe(7);
    const objectIds = await Promise.all(body.data.map(async (d) => (await storedRow(ctx.db, org.id, d.id)).object_id));
    expect(objectIds).toEqual(['inv_0', 'inv_1', 'inv_2', 'inv_3', 'inv_4', 'inv_5', 'inv_6']);
  });

  it('defaults the actor to the API key and attributes every event to the key, caller IP and request id', async () => {
    const { org, apiKey } = await setupOrg(ctx.db, 'ingest-attribution');
    const res = await handleIngestPost(
      ctx.db,
      postRequest(apiKey.key, [{ ...minimal(1), ip: '198.51.100.20', metadata: { batch: 'nightly' } }, minimal(2)], {
        [PEER_HEADER]: '203.0.113.9',
        'x-request-id': 'req-from-proxy-1',
      }),
    );
    expect(res.status).toBe(201);
    expect(res.headers.get('x-request-id')).toBe('req-from-proxy-1');
    const body = (await res.json()) as IngestBody;
    expect(body.request_id).toBe('req-from-proxy-1');

    const first = await storedRow(ctx.db, org.id, body.data[0]!.id);
    expect(first).toMatchObject({ actor_type: 'api_key', actor_id: apiKey.id, actor_label: `API key billing-sync (${apiKey.prefix})` });
    // The event's own ip (where it happened) is kept apart from the address that delivered it.
    expect(first.ip).toBe('198.51.100.20');
    expect(JSON.parse(first.metadata_text)).toEqual({
      batch: 'nightly',
      ingest: { api_key_id: apiKey.id, api_key_prefix: apiKey.prefix, client_ip: '203.0.113.9', request_id: 'req-from-proxy-1' },
    });
    const second = await storedRow(ctx.db, org.id, body.data[1]!.id);
    expect(JSON.parse(second.metadata_text).ingest.api_key_id).toBe(apiKey.id);
  });

  it('rejects a whole batch when one event is bad, listing every bad field by index and path, and stores nothing', async () => {
    const { org, apiKey } = await setupOrg(ctx.db, 'ingest-invalid');
    const batch = [
      minimal(0),
      minimal(1),
      {
        action: '9 bad action',
        actor: { type: 'robot', label: 'x' },
        object: { type: 'invoice', colour: 'red' },
        occurred_at: new Date(Date.now() + 10 * 60_000).toISOString(),
        ip: '999.1.1.1',
        received_at: '2020-01-01T00:00:00Z',
        metadata: { ingest: { api_key_id: 'forged' } },
      },
      { object: { type: 'invoice' } },
      minimal(4),
    ];
    const res = await handleIngestPost(ctx.db, postRequest(apiKey.key, batch));
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expect(body.error).toBe('validation_failed');
    expect(body.message).toMatch(/nothing was stored/);
    const where = body.errors!.map((e) => `${e.index}:${e.path}`).sort();
    expect(where).toEqual(['2:action', '2:actor.type', '2:object.colour', '2:occurred_at', '2:ip', '2:received_at', '2:metadata', '3:action'].sort());
    expect(body.errors!.find((e) => e.path === 'received_at')!.message).toBe('Unknown field "received_at".');
    expect(body.errors!.find((e) => e.index === 3)!.message).toBe('Required.');
    expect(await countEvents(ctx.db, org.id)).toBe(0);
  });

  it('reports a bad single object at index 0', async () => {
    const { apiKey } = await setupOrg(ctx.db, 'ingest-invalid-single');
    const res = await handleIngestPost(ctx.db, postRequest(apiKey.key, { action: 'update', object: { type: '' } }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expect(body.errors).toEqual([{ index: 0, path: 'object.type', message: 'Must not be empty.' }]);
  });

  it('turns values PostgreSQL cannot store (NUL characters, runaway nesting) into validation errors, not failures', async () => {
    const { org, apiKey } = await setupOrg(ctx.db, 'ingest-unstorable');
    let deep: unknown = 'leaf';
    for (let i = 0; i < 40; i++) deep = { level: deep };
    const res = await handleIngestPost(
      ctx.db,
      postRequest(apiKey.key, [
        { ...minimal(0), message: 'nul\u0000here' },
        { ...minimal(1), after: { note: 'a\u0000b' } },
        { ...minimal(2), metadata: { deep } },
      ]),
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expect(body.errors!.map((e) => `${e.index}:${e.path}`)).toEqual(['0:message', '1:after', '2:metadata']);
    expect(body.errors![2]!.message).toMatch(/nested more than 32 levels/);
    expect(await countEvents(ctx.db, org.id)).toBe(0);
  });

  it('refuses more than 1,000 events or 1 MB with 413, and stores nothing', async () => {
    const { org, apiKey } = await setupOrg(ctx.db, 'ingest-limits');
    const tooMany = await handleIngestPost(
      ctx.db,
      postRequest(
        apiKey.key,
        Array.from({ length: 1001 }, (_, i) => minimal(i)),
      ),
    );
    expect(tooMany.status).toBe(413);
    expect(((await tooMany.json()) as ErrorBody).error).toBe('too_many_events');

    const big = JSON.stringify({ ...minimal(0), message: 'x', metadata: { blob: 'y'.repeat(1_048_576) } });
    const tooBig = await handleIngestPost(ctx.db, postRequest(apiKey.key, big));
    expect(tooBig.status).toBe(413);
    expect(((await tooBig.json()) as ErrorBody).error).toBe('payload_too_large');

    const declared = await handleIngestPost(ctx.db, postRequest(apiKey.key, minimal(0), { 'content-length': '2000000' }));
    expect(declared.status).toBe(413);

    const atLimit = await handleIngestPost(
      ctx.db,
      postRequest(
        apiKey.key,
        Array.from({ length: 1000 }, (_, i) => minimal(i)),
      ),
    );
    expect(atLimit.status).toBe(201);
    expect(await countEvents(ctx.db, org.id)).toBe(1000);
  });

  it('answers 415 for a non-JSON content type and 400 for malformed JSON', async () => {
    const { org, apiKey } = await setupOrg(ctx.db, 'ingest-format');
    const form = await handleIngestPost(ctx.db, postRequest(apiKey.key, 'action=update', { 'content-type': 'application/x-www-form-urlencoded' }));
    expect(form.status).toBe(415);
    expect(((await form.json()) as ErrorBody).error).toBe('unsupported_media_type');
    const broken = await handleIngestPost(ctx.db, postRequest(apiKey.key, '{"action": "update",'));
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as ErrorBody).error).toBe('malformed_json');
    const withCharset = await handleIngestPost(ctx.db, postRequest(apiKey.key, minimal(0), { 'content-type': 'application/json; charset=utf-8' }));
    expect(withCharset.status).toBe(201);
    expect(await countEvents(ctx.db, org.id)).toBe(1);
  });

  it('answers 401 with WWW-Authenticate for a missing, malformed, unknown or revoked key', async () => {
    const { org, apiKey } = await setupOrg(ctx.db, 'ingest-auth');
    const revoked = await createKey(ctx.db, org.id, 'old');
    await ctx.db.execute(sql`update api_keys set revoked_at = now() where org_id = ${org.id} and id = ${revoked.id}::uuid`);
    const unknown = generateApiKey().key;
    const forged = `${apiKey.prefix}_${'A'.repeat(43)}`;
    for (const key of [null, 'not-a-key', unknown, forged, revoked.key]) {
      const res = await handleIngestPost(ctx.db, postRequest(key, minimal(0)));
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(res.headers.get('x-request-id')).toBeTruthy();
      expect(((await res.json()) as ErrorBody).error).toBe('unauthorized');
      expect((await handleIngestGet(ctx.db, getRequest(key))).status).toBe(401);
    }
    expect(await countEvents(ctx.db, org.id)).toBe(0);
  });
});

describeEachDatabase('ingest API: idempotency', (ctx) => {
  it('replays the original response for a repeated Idempotency-Key and stores one copy', async () => {
    const { org, apiKey } = await setupOrg(ctx.db, 'idem-replay');
    const body = [minimal(1), minimal(2)];
    const first = await handleIngestPost(ctx.db, postRequest(apiKey.key, body, { 'idempotency-key': 'order-77' }));
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const firstBody = (await first.json()) as IngestBody;

    const again = await handleIngestPost(ctx.db, postRequest(apiKey.key, body, { 'idempotency-key': 'order-77' }));
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(firstBody);
    expect(await countIngested(ctx.db, org.id)).toBe(2);
  });

  it('answers 422 when an Idempotency-Key is reused with a different body, storing nothing new', async () => {
    const { org, apiKey } = await setupOrg(ctx.db, 'idem-conflict');
    const first = await handleIngestPost(ctx.db, postRequest(apiKey.key, minimal(1), { 'idempotency-key': 'k-1' }));
    expect(first.status).toBe(201);
    const other = await handleIngestPost(ctx.db, postRequest(apiKey.key, minimal(2), { 'idempotency-key': 'k-1' }));
    expect(other.status).toBe(422);
    expect(((await other.json()) as ErrorBody).error).toBe('idempotency_key_reused');
    expect(await countIngested(ctx.db, org.id)).toBe(1);
  });

  it('lets exactly one of two concurrent requests with the same key store the events', async () => {
    const { org, apiKey } = await setupOrg(ctx.db, 'idem-race');
    const body = [minimal(1), minimal(2), minimal(3)];
    const [a, b] = await Promise.all([
      handleIngestPost(ctx.db, postRequest(apiKey.key, body, { 'idempotency-key': 'race' })),
      handleIngestPost(ctx.db, postRequest(apiKey.key, body, { 'idempotency-key': 'race' })),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect([a.headers.get('idempotent-replayed'), b.headers.get('idempotent-replayed')].sort()).toEqual(['true', null].sort());
    expect(((await a.json()) as IngestBody).data).toEqual(((await b.json()) as IngestBody).data);
    expect(await countIngested(ctx.db, org.id)).toBe(3);
  });

  it('treats a key older than 24 hours as unused, and keeps keys per organization', async () => {
    const { org, apiKey } = await setupOrg(ctx.db, 'idem-expiry');
    const other = await setupOrg(ctx.db, 'idem-expiry-other');
    expect((await handleIngestPost(ctx.db, postRequest(apiKey.key, minimal(1), { 'idempotency-key': 'daily' }))).status).toBe(201);
    // Another organization may use the same key string for its own, different request.
    const foreign = await handleIngestPost(ctx.db, postRequest(other.apiKey.key, minimal(9), { 'idempotency-key': 'daily' }));
    expect(foreign.status).toBe(201);
    expect(foreign.headers.get('idempotent-replayed')).toBeNull();

    await ctx.db.execute(sql`update idempotency_keys set created_at = now() - interval '25 hours' where org_id = ${org.id}`);
    const later = await handleIngestPost(ctx.db, postRequest(apiKey.key, minimal(2), { 'idempotency-key': 'daily' }));
    expect(later.status).toBe(201);
    expect(later.headers.get('idempotent-replayed')).toBeNull();
    expect(await countIngested(ctx.db, org.id)).toBe(2);
    expect(await countIngested(ctx.db, other.org.id)).toBe(1);
  });

  it('stores an event with a per-event idempotency_key once, reporting later copies as duplicates', async () => {
    const { org, apiKey } = await setupOrg(ctx.db, 'idem-event');
    const first = await handleIngestPost(ctx.db, postRequest(apiKey.key, [{ ...minimal(1), idempotency_key: 'evt-1' }, minimal(2)]));
    const firstIds = ((await first.json()) as IngestBody).data;

    const second = await handleIngestPost(
      ctx.db,
      postRequest(apiKey.key, [
        { ...minimal(1), idempotency_key: 'evt-1' },
        { ...minimal(3), idempotency_key: 'evt-3' },
        { ...minimal(3), idempotency_key: 'evt-3' },
      ]),
    );
    expect(second.status).toBe(201);
    const data = ((await second.json()) as IngestBody).data;
    expect(data[0]).toEqual({ id: firstIds[0]!.id, index: 0, duplicate: true });
    expect(data[1]).toMatchObject({ index: 1, duplicate: false });
    expect(data[2]).toEqual({ id: data[1]!.id, index: 2, duplicate: true });
    expect(await countIngested(ctx.db, org.id)).toBe(3);

    // An expired event key no longer suppresses the event.
    await ctx.db.execute(sql`update idempotency_keys set created_at = now() - interval '25 hours' where org_id = ${org.id} and key = 'evt-1'`);
    const third = await handleIngestPost(ctx.db, postRequest(apiKey.key, { ...minimal(1), idempotency_key: 'evt-1' }));
    expect(((await third.json()) as IngestBody).data[0]!.duplicate).toBe(false);
    expect(await countIngested(ctx.db, org.id)).toBe(4);
  });

  it('releases keys of a rejected batch, so a corrected retry with the same keys is stored', async () => {
    const { org, apiKey } = await setupOrg(ctx.db, 'idem-rollback');
    const bad = [{ ...minimal(1), idempotency_key: 'evt-r' }, { object: { type: 'x' } }];
    expect((await handleIngestPost(ctx.db, postRequest(apiKey.key, bad, { 'idempotency-key': 'retry-1' }))).status).toBe(400);
    const good = [{ ...minimal(1), idempotency_key: 'evt-r' }, minimal(2)];
    const res = await handleIngestPost(ctx.db, postRequest(apiKey.key, good, { 'idempotency-key': 'retry-1' }));
    expect(res.status).toBe(201);
    expect(((await res.json()) as IngestBody).data.map((d) => d.duplicate)).toEqual([false, false]);
    expect(await countIngested(ctx.db, org.id)).toBe(2);
  });
});

describeEachDatabase('ingest API: secrets never reach the database', (ctx) => {
  it('redacts password, api_key and nested credentials in before, after, changes and metadata', async () => {
    const { org, apiKey } = await setupOrg(ctx.db, 'ingest-secrets');
    const secrets = ['hunter2-before', 'hunter2-after', 'sk_live_abc123', 'tok-nested-999', 'tok-meta-777', 'chg-secret-555'];
    const res = await handleIngestPost(
      ctx.db,
      postRequest(apiKey.key, [
        {
          action: 'update',
          object: { type: 'connector', id: 'c1' },
          before: { name: 'crm', password: 'hunter2-before' },
          after: { name: 'crm2', password: 'hunter2-after', api_key: 'sk_live_abc123', credentials: { token: 'tok-nested-999' } },
          metadata: { via: 'sync', nested: { credentials: { token: 'tok-meta-777' } } },
        },
        { action: 'update', object: { type: 'connector', id: 'c2' }, changes: [{ path: 'auth.password', before: null, after: 'chg-secret-555' }] },
      ]),
    );
    expect(res.status).toBe(201);
    const raw = rowsOf<{ t: string }>(
      await ctx.db.execute(
        sql`select concat_ws('|', before::text, after::text, changes::text, metadata::text) as t from audit_events where org_id = ${org.id}`,
      ),
    )
      .map((r) => r.t)
      .join('\n');
    for (const secret of secrets) expect(raw).not.toContain(secret);
    expect(raw).toContain('[REDACTED]');
    const [first] = ((await res.json()) as IngestBody).data;
    const row = await storedRow(ctx.db, org.id, first!.id);
    // The change is still visible (that the password changed), just not its values; other fields are intact.
    expect(row.changed_fields.sort()).toEqual(['api_key', 'credentials', 'name', 'password'].sort());
    expect(JSON.parse(row.after_text!).name).toBe('crm2');
  });
});

describeEachDatabase('ingest API: GET /api/v1/events', (ctx) => {
  it('lists only the key’s organization, newest first, paging without repeats', async () => {
    const { org, apiKey } = await setupOrg(ctx.db, 'read-a');
    const other = await setupOrg(ctx.db, 'read-b');
    const now = Date.now();
    // Past times (the read events this test causes are newer, so they never enter a later page).
    await insertEvents(ctx.db, org.id, 60, { times: (i) => new Date(now - 3_600_000 + Math.floor(i / 3) * 1000), label: 'a@example.com' });
    await insertEvents(ctx.db, other.org.id, 15, { times: (i) => new Date(now - 1_800_000 + i * 1000), label: 'b@example.com' });

    const seen: string[] = [];
    let query = '?size=25';
    let pages = 0;
    for (;;) {
      const res = await handleIngestGet(ctx.db, getRequest(apiKey.key, query));
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const page = (await res.json()) as PageBody;
      pages++;
      expect(page.data.every((e) => e.actor.label === 'a@example.com')).toBe(true);
      seen.push(...page.data.map((e) => e.id));
      if (!page.next_cursor) break;
      query = `?size=25&after=${page.next_cursor}`;
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(60);
    expect(new Set(seen).size).toBe(60);
    const expected = rowsOf<{ id: string }>(
      await ctx.db.execute(sql`select id::text from audit_events where org_id = ${org.id} and action <> 'read' order by occurred_at desc, id desc`),
    ).map((r) => r.id);
    expect(seen).toEqual(expected);
  });

  it('returns events in the documented snake_case shape', async () => {
    const { apiKey } = await setupOrg(ctx.db, 'read-shape');
    const posted = await handleIngestPost(
      ctx.db,
      postRequest(apiKey.key, { action: 'publish', object: { type: 'flow', id: 'f1', label: 'Onboarding' }, ip: '192.0.2.1', message: 'Published' }),
    );
    const { data: ids } = (await posted.json()) as IngestBody;
    const page = (await (await handleIngestGet(ctx.db, getRequest(apiKey.key, '?size=25'))).json()) as PageBody;
    expect(page.data).toEqual([
      {
        id: ids[0]!.id,
        occurred_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        actor: { type: 'api_key', id: apiKey.id, label: `API key billing-sync (${apiKey.prefix})` },
        source: 'api',
        ip: '192.0.2.1',
        action: 'publish',
        object: { type: 'flow', id: 'f1', label: 'Onboarding' },
        message: 'Published',
        result: 'success',
      },
    ]);
    expect(page.next_cursor).toBeNull();
  });

  it('answers 400 with the issues for unknown or malformed parameters, and lists nothing', async () => {
    const { org, apiKey } = await setupOrg(ctx.db, 'read-params');
    for (const query of ['?size=7', '?after=not-a-cursor', '?sort=action', '?size=25&size=50']) {
      const res = await handleIngestGet(ctx.db, getRequest(apiKey.key, query));
      expect(res.status).toBe(400);
      const body = (await res.json()) as ErrorBody;
      expect(body.error).toBe('invalid_parameters');
      expect(body.errors!.length).toBeGreaterThan(0);
      expect(body.errors![0]!.param).toBeTruthy();
    }
    expect(await countEvents(ctx.db, org.id)).toBe(0);
  });

  it('records each read as an audit event of the key’s organization', async () => {
    const { org, apiKey } = await setupOrg(ctx.db, 'read-audited');
    await insertEvents(ctx.db, org.id, 30, { times: (i) => new Date(Date.now() - 600_000 + i * 1000) });
    const res = await handleIngestGet(ctx.db, getRequest(apiKey.key, '?size=25', { [PEER_HEADER]: '203.0.113.50', 'x-request-id': 'req-read-1' }));
    expect(res.status).toBe(200);
    const reads = rowsOf<{
      actor_type: string;
      actor_id: string;
      source: string;
      object_type: string;
      message: string;
      ip: string;
      request_id: string;
      metadata: string;
    }>(
      await ctx.db.execute(
        sql`select actor_type::text, actor_id, source::text, object_type, message, host(ip) as ip, request_id, metadata::text as metadata
            from audit_events where org_id = ${org.id} and action = 'read'`,
      ),
    );
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({
      actor_type: 'api_key',
      actor_id: apiKey.id,
      source: 'api',
      object_type: 'audit_log',
      message: 'Listed 25 audit events through the API',
      ip: '203.0.113.50',
      request_id: 'req-read-1',
    });
    expect(JSON.parse(reads[0]!.metadata)).toEqual({ query: { size: '25' }, row_count: 25 });
  });

  it('never shows one organization’s events to another organization’s key, even with its cursor', async () => {
    const a = await setupOrg(ctx.db, 'tenant-ingest-a');
    const b = await setupOrg(ctx.db, 'tenant-ingest-b');
    await handleIngestPost(
      ctx.db,
      postRequest(
        b.apiKey.key,
        Array.from({ length: 30 }, (_, i) => ({ ...minimal(i), message: 'secret b' })),
      ),
    );
    await handleIngestPost(ctx.db, postRequest(a.apiKey.key, [{ ...minimal(0), message: 'a only' }]));

    const pageB = (await (await handleIngestGet(ctx.db, getRequest(b.apiKey.key, '?size=25'))).json()) as PageBody;
    expect(pageB.next_cursor).not.toBeNull();
    for (const query of ['?size=200', `?size=25&after=${pageB.next_cursor}`]) {
      const res = await handleIngestGet(ctx.db, getRequest(a.apiKey.key, query));
      const page = (await res.json()) as PageBody;
      const ids = new Set(page.data.map((e) => e.id));
      const foreign = rowsOf<{ id: string }>(await ctx.db.execute(sql`select id::text from audit_events where org_id = ${b.org.id}`));
      expect(foreign.some((r) => ids.has(r.id))).toBe(false);
    }
    // B's reads were recorded in B, A's in A: nothing crossed over.
    const crossed = rowsOf<{ n: number }>(
      await ctx.db.execute(sql`select count(*)::int as n from audit_events where org_id = ${b.org.id} and actor_id = ${a.apiKey.id}`),
    );
    expect(crossed[0]!.n).toBe(0);
  });
});
