import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { apiKeys } from '@/db/schema';
import { rowsOf } from '@/db/rows';
import { generateApiKey } from '@/lib/auth/api-keys';
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
