import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { countAuditEvents, listAuditEvents } from '@/db/queries/audit-events';
import { escapeLike } from '@/db/queries/audit-where';
import { rowsOf } from '@/db/rows';
import { handleIngestGet } from '@/lib/api/events-get';
import { generateApiKey } from '@/lib/auth/api-keys';
import { recordAuditEvents, type AuditEntry } from '@/lib/recording/record';
import { resolveQueryFilters } from '@/lib/view/query-filters';
import { defaultFilters, parseAuditSearchParams } from '@/lib/view/search-params';
import { apiKeys } from '@/db/schema';
import { describeEachDatabase } from './databases';
import { createOrg } from './fixtures';

// Free text is a word-prefix search (drizzle/0017): the word index narrows, an ILIKE recheck decides. Wherever a
// term starts at the beginning of a word, the result must be exactly what ILIKE '%term%' over the haystack gives.

const NOW = new Date('2026-11-21T12:00:00Z');

const EVENTS: Omit<AuditEntry, 'orgId' | 'source' | 'actor'>[] = [
  {
    action: 'member.role_changed',
    objectType: 'member',
    objectId: 'usr-3f2a9c1e-77b1',
    objectLabel: 'alice@customer.example',
    message: 'Changed role to admin',
    metadata: { event: 'member.role_changed' },
  },
  { action: 'member.invited', objectType: 'member', objectLabel: 'bob@customer.example', message: 'Invited Bob', metadata: { ip: '10.20.30.40' } },
  { action: 'settings.update', objectType: 'settings', message: 'Raised quota to 100%', metadata: { note: 'user_name kept' } },
  { action: 'settings.update', objectType: 'settings', message: 'Raised quota to 1000', metadata: { note: 'userXname kept' } },
  { action: 'flow.publish', objectType: 'flow', objectId: 'flw_0042', objectLabel: 'Nightly sync 4242', message: 'Published flow' },
  { action: 'login', objectType: 'session', message: 'Signed in from 192.168.1.15', metadata: { agent: 'Mozilla/5.0 (X11; Linux x86_64)' } },
  { action: 'note.create', objectType: 'note', message: 'שלום עולם from the Tel Aviv office' },
  { action: 'note.create', objectType: 'note', message: '東京都の顧客 added', objectLabel: 'カスタマー' },
  { action: 'deploy', objectType: 'release', message: 'Deploy 🎉 done, party🎉 after', objectLabel: 'v1.2.3-rc.1' },
  { action: 'note.create', objectType: 'note', message: 'Café “quoted” — über CUSTOMERS' },
  { action: 'api_key.create', objectType: 'api_key', message: `Key ${'k'.repeat(90)} created`, objectId: '3F2A9C1E-0000-4000-8000-00000000ABCD' },
];

describeEachDatabase('free text: word index with an exact ILIKE recheck', (ctx) => {
  let orgId = '';
  let otherOrg = '';
  beforeAll(async () => {
    orgId = (await createOrg(ctx.db, 'freetext-org')).id;
    otherOrg = (await createOrg(ctx.db, 'freetext-other')).id;
    const entry = (org: string) => (e: (typeof EVENTS)[number], i: number) =>
      ({ ...e, orgId: org, source: 'api', actor: { type: 'user', id: null, label: i % 2 ? 'Dana Scully' : 'ops@acme.test' } }) satisfies AuditEntry;
    await recordAuditEvents(ctx.db, EVENTS.map(entry(orgId)));
    await recordAuditEvents(ctx.db, EVENTS.slice(0, 3).map(entry(otherOrg)));
  });

  const filters = (text: string[]) => resolveQueryFilters({ ...defaultFilters(), range: { from: null, to: null }, text }, NOW, 'UTC');
  const search = async (...text: string[]) =>
    (await listAuditEvents(ctx.db, { orgId, filters: filters(text), sort: { column: 'time', dir: 'desc' }, limit: 100 })).rows.map((r) => r.id).sort();
  /** What ILIKE alone says, written independently of the product's SQL functions. */
  const ilike = async (...terms: string[]) =>
    rowsOf<{ id: string }>(
      await ctx.db.execute(
        sql`select id::text as id from audit_events where org_id = ${orgId} and ${sql.join(
          terms.map(
            (t) =>
              sql`(message || ' ' || actor_label || ' ' || coalesce(object_label, '') || ' ' || coalesce(object_id, '') || ' ' || metadata::text) ilike ${`%${escapeLike(t)}%`}`,
          ),
          sql` and `,
        )}`,
      ),
    )
      .map((r) => r.id)
      .sort();
  const expectSameAsIlike = async (terms: string[], atLeast = 1) => {
    const want = await ilike(...terms);
    expect(want.length, `ILIKE finds ${terms.join(' + ')}`).toBeGreaterThanOrEqual(atLeast);
    expect(await search(...terms), terms.join(' + ')).toEqual(want);
  };

  it.each([
    ['an email', 'alice@customer.example', 1],
    ['a domain', 'customer.example', 2],
    ['the start of a domain', 'customer.ex', 2],
    ['a word of an email', 'bob', 1],
    ['a dotted action', 'member.role_changed', 1],
    ['a dotted action cut short', 'member.role_ch', 1],
    ['the second part of a dotted action', 'role_changed', 1],
    ['an id with dashes', 'usr-3f2a9c1e-77b1', 1],
    ['the start of an id', 'usr-3f2a', 1],
    ['a uuid in upper case, searched in lower case', '3f2a9c1e-0000-4000-8000-00000000abcd', 1],
    ['an IPv4 address in metadata', '10.20.30.40', 1],
    ['the start of an IPv4 address', '192.168.1', 1],
    ['a version', 'v1.2.3-rc', 1],
    ['a path-like user agent', 'Mozilla/5.0', 1],
    ['a word that ends in punctuation', 'alice@', 1],
    ['a term that starts with punctuation', '@customer', 2],
  ])('finds %s exactly as ILIKE does (%s)', async (_name, term, n) => {
    await expectSameAsIlike([term], n);
  });

  it('is case-insensitive both ways, as ILIKE is', async () => {
    await expectSameAsIlike(['ALICE@Customer.EXAMPLE'], 1);
    await expectSameAsIlike(['customers'], 1);
    await expectSameAsIlike(['DANA scully'], 1);
  });

  it('needs every term (AND), each anywhere', async () => {
    await expectSameAsIlike(['customer', 'invited'], 1);
    await expectSameAsIlike(['quota', 'kept'], 2);
    expect(await search('alice', 'invited')).toEqual([]);
  });

  it('treats % and _ as text, not wildcards', async () => {
    await expectSameAsIlike(['100%'], 1);
    await expectSameAsIlike(['user_name'], 1);
    await expectSameAsIlike(['%'], 1);
    await expectSameAsIlike(['_'], 3);
    // "1000" and "userXname" would match if % or _ were wildcards.
    expect((await search('100%')).length).toBe(1);
    expect((await search('user_name')).length).toBe(1);
  });

  it('answers a term made only of punctuation by the ILIKE alone (no words to look up)', async () => {
    await expectSameAsIlike(['—'], 1);
    await expectSameAsIlike(['@'], 1);
    await expectSameAsIlike(['“'], 1);
    await expectSameAsIlike([' — '], 1);
    expect(await search('%%%')).toEqual([]);
    expect(await search('~~')).toEqual(await ilike('~~'));
  });

  it('finds non-Latin scripts: Hebrew words, CJK characters anywhere in a run, emoji', async () => {
    await expectSameAsIlike(['שלום'], 1);
    await expectSameAsIlike(['עולם from'], 1);
    // CJK is written without spaces: each character is a word, so the middle of a run is found too.
    await expectSameAsIlike(['東京'], 1);
    await expectSameAsIlike(['京都'], 1);
    await expectSameAsIlike(['顧客'], 1);
    await expectSameAsIlike(['マー'], 1);
    await expectSameAsIlike(['🎉'], 1);
    await expectSameAsIlike(['party🎉'], 1);
    await expectSameAsIlike(['über'], 1);
    await expectSameAsIlike(['café'], 1);
  });

  it('finds very long words and very long terms (words are indexed up to 64 characters, then by prefix)', async () => {
    await expectSameAsIlike(['k'.repeat(90)], 1);
    await expectSameAsIlike([`key ${'k'.repeat(70)}`], 1);
    expect(await search('k'.repeat(91))).toEqual([]);
    const long = `${'Changed role to admin '.repeat(40)}`.trim();
    expect(await search(long)).toEqual(await ilike(long));
  });

  it('searches from the start of words: a mid-word substring is not found (ILIKE would find it)', async () => {
    expect((await ilike('stomer')).length).toBe(3);
    expect(await search('stomer')).toEqual([]);
    expect(await search('lice@customer')).toEqual([]);
    // The same text from a word's start is found.
    await expectSameAsIlike(['customer'], 3);
  });

  it('finds every event where a term starts a word, and nothing ILIKE would not find (tried from every word)', async () => {
    const haystacks = new Map(
      rowsOf<{ id: string; h: string }>(
        await ctx.db.execute(
          sql`select id::text as id, message || ' ' || actor_label || ' ' || coalesce(object_label, '') || ' ' || coalesce(object_id, '') || ' ' || metadata::text as h from audit_events where org_id = ${orgId}`,
        ),
      ).map((r) => [r.id, r.h]),
    );
    // A word certainly starts at the beginning of the text and after an ASCII space or punctuation mark.
    const separator = /[\s!-/:-@[-`{-~]/;
    const startsAWord = (h: string, term: string) => {
      const text = h.toLowerCase();
      const t = term.toLowerCase();
      for (let i = text.indexOf(t); i >= 0; i = text.indexOf(t, i + 1)) if (i === 0 || separator.test(text[i - 1]!)) return true;
      return false;
    };
    const terms = new Map<string, string>();
    for (const [id, h] of haystacks) {
      const chars = [...h];
      for (let i = 0; i < chars.length; i++) {
        if ((i > 0 && !separator.test(chars[i - 1]!)) || separator.test(chars[i]!)) continue;
        for (const len of [1, 4, 9, 20]) terms.set(chars.slice(i, i + len).join(''), id);
      }
    }
    expect(terms.size).toBeGreaterThan(200);
    for (const [term, from] of terms) {
      const found = await search(term);
      const all = await ilike(term);
      expect(found, term).toContain(from);
      expect(all, term).toEqual(expect.arrayContaining(found));
      // What ILIKE finds and the search does not holds the term only in the middle of words.
      for (const id of all.filter((i) => !found.includes(i))) expect(startsAWord(haystacks.get(id)!, term), `${term} in ${haystacks.get(id)}`).toBe(false);
    }
  });

  it('counts through the same where-builder as the page, and stays in its organization', async () => {
    const want = await ilike('customer.example');
    expect(await countAuditEvents(ctx.db, orgId, filters(['customer.example']))).toEqual({ count: want.length, exact: true });
    expect((await countAuditEvents(ctx.db, otherOrg, filters(['customer.example']))).count).toBe(2);
  });

  it('refuses a NUL byte or a lone surrogate in the term with a 400 or a clean result, never a 500', async () => {
    // Its own organization: every API read is itself recorded, and would land in the searched events.
    const apiOrg = await createOrg(ctx.db, 'freetext-api');
    const key = generateApiKey();
    await ctx.db.insert(apiKeys).values({ orgId: apiOrg.id, name: 'freetext', prefix: key.prefix, secretHash: key.secretHash });
    const get = (query: string) =>
      handleIngestGet(ctx.db, new Request(`http://localhost/api/v1/events?${query}`, { headers: { authorization: `Bearer ${key.key}` } }));
    for (const query of ['text=a%00b', 'text=%00', 'text=x%ED%A0%80', 'text=%ED%A0%80', `text=${'%25'.repeat(300)}`]) {
      const res = await get(query);
      expect(res.status, query).toBeLessThan(500);
      // Only earlier reads (recorded with their query) could match; none holds the term's text at a word start.
      if (res.status === 200)
        expect(
          ((await res.json()) as { data: { message: string }[] }).data.filter((e) => !/read|list|api/i.test(e.message)),
          query,
        ).toEqual([]);
    }
    expect((await get('text=a%00b')).status).toBe(400);
    // The page refuses them while reading the URL; the SQL never sees them.
    for (const text of ['a\u0000b', 'x\ud800', '\udc00']) {
      const { issues } = parseAuditSearchParams({ range: 'all', text });
      expect(
        issues.map((i) => i.param),
        JSON.stringify(text),
      ).toEqual(['text']);
    }
    // Even straight to the where-builder, a lone surrogate is a clean query, not an error.
    expect(await search('x\ud800')).toEqual([]);
  });
});
