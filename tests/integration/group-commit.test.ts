import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { copyRowPrefix } from '@/db/queries/audit-event-copy';
import { verifyChain } from '@/lib/chain/verify';
import { handleIngestPost } from '@/lib/ingest/handle-post';
import { commitInGroup } from '@/lib/ingest/group-commit';
import { prepareIngestBatch, storeBatches, type IngestOutcome, type PreparedBatch } from '@/lib/ingest/record-batch';
import { validateBatch } from '@/lib/ingest/validate-batch';
import { createKey, seqsOf } from './chain-helpers';
import { rowsOf } from './context';
import { describeEachDatabase } from './databases';
import { createOrg } from './fixtures';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const post = (key: string, body: unknown, headers: Record<string, string> = {}) =>
  new Request('http://localhost/api/v1/events', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers },
    body: JSON.stringify(body),
  });
const events = (tag: string, n: number) =>
  range(1, n).map((i) => ({
    action: 'update',
    object: { type: 'invoice', id: `${tag}_${i}`, label: `Invoice ${tag} ${i}` },
    actor: { type: 'user', id: `u_${i % 3}`, label: `user${i % 3}@customer.example` },
    project: `project-${tag}`,
    ip: i % 2 ? '2001:DB8::1' : '198.51.100.7',
    before: { amount: i, note: 'tab\there, newline\nthere, backslash \\ and "quotes"' },
    after: { amount: i + 1, note: 'tab\there, newline\nthere, backslash \\ and "quotes"' },
    metadata: { tag, emoji: 'ü €' },
  }));

async function storedIds(db: Parameters<typeof seqsOf>[0], orgId: string): Promise<Set<string>> {
  return new Set(rowsOf<{ id: string }>(await db.execute(sql`select id::text from audit_events where org_id = ${orgId}`)).map((r) => r.id));
}

describeEachDatabase('ingest: group commit per organization', (ctx) => {
  it('keeps one unbroken chain under 16 concurrent writers, every acknowledged event stored exactly as sent', async () => {
    const org = await createOrg(ctx.db, 'group-chain');
    const key = await createKey(ctx.db, org.id);
    const responses = await Promise.all(range(1, 16).map((b) => handleIngestPost(ctx.db, post(key, events(`b${b}`, 25)))));
    expect(responses.map((r) => r.status)).toEqual(range(1, 16).map(() => 201));
    const acknowledged = (await Promise.all(responses.map((r) => r.json() as Promise<{ data: { id: string }[] }>))).flatMap((b) => b.data.map((d) => d.id));
    expect(new Set(acknowledged).size).toBe(400);
    expect(await storedIds(ctx.db, org.id)).toEqual(new Set(acknowledged));
    expect(await seqsOf(ctx.db, org.id)).toEqual(range(1, 400));
    expect(await verifyChain(ctx.db, org.id)).toMatchObject({ ok: true, count: 400 });
    // The COPY text kept tabs, newlines, backslashes, quotes and non-ASCII; the address is in PostgreSQL's form.
    const [row] = rowsOf<{ note: string; emoji: string; ip: string }>(
      await ctx.db.execute(
        sql`select after->>'note' as note, metadata->>'emoji' as emoji, host(ip) as ip from audit_events where org_id = ${org.id} and object_id = 'b3_1'`,
      ),
    );
    expect(row).toEqual({ note: 'tab\there, newline\nthere, backslash \\ and "quotes"', emoji: 'ü €', ip: '2001:db8::1' });
  });

  it('offers every value the batches brought as a filter option, without a trigger', async () => {
    const org = await createOrg(ctx.db, 'group-facets');
    const key = await createKey(ctx.db, org.id);
    await Promise.all(['x', 'y', 'x'].map((tag) => handleIngestPost(ctx.db, post(key, events(tag, 4)))));
    await handleIngestPost(ctx.db, post(key, events('z', 2)));
    const facets = rowsOf<{ facet: string; value: string }>(
      await ctx.db.execute(sql`select facet, value from audit_facets where org_id = ${org.id} and facet in ('project', 'actor') order by facet, value`),
    );
    expect(facets).toEqual([
      { facet: 'actor', value: 'user0@customer.example' },
      { facet: 'actor', value: 'user1@customer.example' },
      { facet: 'actor', value: 'user2@customer.example' },
      { facet: 'project', value: 'project-x' },
      { facet: 'project', value: 'project-y' },
      { facet: 'project', value: 'project-z' },
    ]);
  });

  it('fails an invalid batch alone: before merging (validation) and after (the database refuses it)', async () => {
    const org = await createOrg(ctx.db, 'group-bad');
    const key = await createKey(ctx.db, org.id);
    const invalid = [...events('bad', 3), { action: 'update', object: { type: 'invoice' }, actor: { type: 'robot', label: 'x' } }];
    const responses = await Promise.all([
      handleIngestPost(ctx.db, post(key, events('g1', 5))),
      handleIngestPost(ctx.db, post(key, invalid)),
      handleIngestPost(ctx.db, post(key, events('g2', 5))),
    ]);
    expect(responses.map((r) => r.status)).toEqual([201, 400, 201]);

    // A batch that passed validation but that the database refuses (here: an upper-case action, against the
    // table's CHECK), merged with good ones: it alone fails, atomically; the others are stored.
    const now = new Date();
    const prepare = async (tag: string): Promise<PreparedBatch> => {
      // 6 events each: the merged group (18 rows) goes in as one COPY, a batch alone as one INSERT.
      const valid = validateBatch(events(tag, 6), now);
      if (!valid.ok) throw new Error('fixture events invalid');
      return prepareIngestBatch(ctx.db, {
        key: { orgId: org.id, keyId: crypto.randomUUID(), name: 'k', prefix: 'ak_test' },
        request: { ip: null, userAgent: null, requestId: `req-${tag}` },
        events: valid.events,
        now,
      });
    };
    const [first, good1, refused, good2] = await Promise.all(['first', 'good1', 'refused', 'good2'].map(prepare));
    const row = refused!.rows[1]!;
    row.fields.action = 'UPDATE';
    row.copyPrefix = copyRowPrefix(row.fields);
    // The first commits alone (nothing else waits yet); the next three wait and are merged into one transaction,
    // which the database refuses; then each of the three runs alone: 1 + 1 + 3 transactions.
    let transactions = 0;
    const counted = new Proxy(ctx.db, {
      get(target, prop) {
        const value = Reflect.get(target, prop);
        if (prop === 'transaction') transactions++;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const settled = await Promise.allSettled([first!, good1!, refused!, good2!].map((b) => commitInGroup(counted, b, storeBatches)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(transactions).toBe(5);
    expect((settled[1] as PromiseFulfilledResult<IngestOutcome>).value.kind).toBe('stored');

    const stored = await storedIds(ctx.db, org.id);
    for (const batch of [first!, good1!, good2!]) for (const id of batch.ids) expect(stored.has(id)).toBe(true);
    for (const id of refused!.ids) expect(stored.has(id)).toBe(false);
    expect(stored.size).toBe(10 + 18);
    expect(await verifyChain(ctx.db, org.id)).toMatchObject({ ok: true, count: 28 });
  });

  it('replays a batch sent twice with one Idempotency-Key even when both land in one group', async () => {
    const org = await createOrg(ctx.db, 'group-idem');
    const key = await createKey(ctx.db, org.id);
    const body = events('same', 3);
    const [a, b, c] = await Promise.all([
      handleIngestPost(ctx.db, post(key, events('other', 2))),
      handleIngestPost(ctx.db, post(key, body, { 'idempotency-key': 'k-1' })),
      handleIngestPost(ctx.db, post(key, body, { 'idempotency-key': 'k-1' })),
    ]);
    expect([a!.status, b!.status, c!.status]).toEqual([201, 201, 201]);
    expect([b!.headers.get('idempotent-replayed'), c!.headers.get('idempotent-replayed')].sort()).toEqual(['true', null].sort());
    expect(((await b!.json()) as { data: unknown }).data).toEqual(((await c!.json()) as { data: unknown }).data);
    expect(await seqsOf(ctx.db, org.id)).toEqual(range(1, 5));
  });
});
