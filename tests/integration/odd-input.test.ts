import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { apiKeys } from '@/db/schema';
import { rowsOf } from '@/db/rows';
import { generateApiKey } from '@/lib/auth/api-keys';
import { handleIngestGet } from '@/lib/api/events-get';
import { handleIngestPost } from '@/lib/ingest/handle-post';
import { describeEachDatabase } from './databases';
import { createOrg } from './fixtures';

// Odd bytes an attacker (or a buggy client) sends: each is a clear 400 that stores nothing, never a 500.

async function setup(db: Db, slug: string) {
  const org = await createOrg(db, slug);
  const key = generateApiKey();
  await db.insert(apiKeys).values({ orgId: org.id, name: 'odd', prefix: key.prefix, secretHash: key.secretHash });
  return { orgId: org.id, key: key.key };
}

async function count(db: Db, orgId: string): Promise<number> {
  const [row] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from audit_events where org_id = ${orgId}`));
  return row!.n;
}

const post = (key: string, body: string) =>
  new Request('http://localhost/api/v1/events', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body });

describeEachDatabase('ingest: odd input is refused with 400 and stores nothing', (ctx) => {
  it.each([
    ['a lone surrogate', '{"action":"a","object":{"type":"t"},"message":"\\ud800"}', 'message'],
    ['an overflowing number', '{"action":"a","object":{"type":"t"},"after":{"n":1e400}}', 'after.n'],
    ['a __proto__ key', '{"action":"a","object":{"type":"t"},"metadata":{"__proto__":{"x":1}}}', 'metadata.__proto__'],
    ['an integer beyond 2^53', '{"action":"a","object":{"type":"t"},"before":{"id":9007199254740993}}', 'before.id'],
    ['a NUL byte', '{"action":"a","object":{"type":"t","label":"x\\u0000y"}}', 'object.label'],
  ])('%s', async (_name, body, path) => {
    const { orgId, key } = await setup(ctx.db, `odd-${path.replace(/[^a-z]/g, '')}-${Math.random().toString(36).slice(2, 6)}`);
    const res = await handleIngestPost(ctx.db, post(key, body));
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: string; errors: { path: string }[] };
    expect(json.error).toBe('validation_failed');
    expect(json.errors.map((e) => e.path)).toContain(path);
    expect(await count(ctx.db, orgId)).toBe(0);
  });
});

describeEachDatabase('read API: odd parameters are a 400 naming the parameter, never a 500', (ctx) => {
  const get = (key: string, query: string) => new Request(`http://localhost/api/v1/events?${query}`, { headers: { authorization: `Bearer ${key}` } });
  const ipCursor = Buffer.from(JSON.stringify([Date.UTC(2026, 0, 1), '01890a5d-ac96-774b-bcce-b302099a8057', 'not-an-ip'])).toString('base64url');

  it.each([
    ['from in year 0000', 'from=0000-01-01T00:00Z', 'from'],
    ['to past year 9999 after its offset', 'to=9999-12-31T23:59:59.999-23:59', 'to'],
    ['a NUL in text', 'text=a%00b', 'text'],
    ['a NUL in action', 'action=up%00date', 'action'],
    ['a NUL in object', 'object=x%00', 'object'],
    ['a crafted cursor with a non-IP value for sort=ip', `sort=ip.asc&after=${ipCursor}`, 'after'],
  ])('%s', async (_name, query, param) => {
    const { key } = await setup(ctx.db, `oddget-${param}-${Math.random().toString(36).slice(2, 6)}`);
    const res = await handleIngestGet(ctx.db, get(key, query));
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: string; errors: { param: string }[] };
    expect(json.error).toBe('invalid_parameters');
    expect(json.errors.map((e) => e.param)).toContain(param);
  });
});
