import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { listAuditEvents } from '@/db/queries/audit-events';
import { escapeLike } from '@/db/queries/audit-where';
import { rowsOf } from '@/db/rows';
import { recordAuditEvents } from '@/lib/recording/record';
import { resolveQueryFilters } from '@/lib/view/query-filters';
import { defaultFilters } from '@/lib/view/search-params';
import { describeEachDatabase } from './databases';
import { createOrg } from './fixtures';
import { rng as prng } from '../support/rng';

// drizzle/0020 rewrote audit_search_words for speed. Word indexes built before it hold 0017's output and are not
// rebuilt, so the new function must return exactly what 0017's returned, for every text: compared here with 0017's
// own definitions (tests/fixtures/search-words-0017.sql, installed under other names) over a corpus of every kind of
// text an event can carry.

const FIXTURE = fs.readFileSync(path.join(process.cwd(), 'tests/fixtures/search-words-0017.sql'), 'utf8');
const MIGRATION_0017 = fs.readFileSync(path.join(process.cwd(), 'drizzle/0017_free_text_word_index.sql'), 'utf8');
const fixtureStatements = FIXTURE.split('--> statement-breakpoint').map((s) => s.slice(s.indexOf('CREATE OR REPLACE FUNCTION')).trim());

const cp = (n: number) => String.fromCodePoint(n);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** 0017's listed ranges (CJK and emoji spaced out, punctuation split on), with their neighbours on each side. */
const LISTED_RANGES: [number, number][] = [
  [0x80, 0xbf],
  [0xd7, 0xd7],
  [0xf7, 0xf7],
  [0x2000, 0x206f],
  [0x20a0, 0x20cf],
  [0x2190, 0x25ff],
  [0x27c0, 0x2bff],
  [0x3000, 0x303f],
  [0xfe00, 0xfe0f],
  [0xfe30, 0xfe4f],
  [0xfeff, 0xfeff],
  [0xff01, 0xff0f],
  [0xff1a, 0xff20],
  [0xff3b, 0xff40],
  [0xff5b, 0xff65],
  [0xfff0, 0xffff],
  [0x2600, 0x27bf],
  [0x2e80, 0x2fdf],
  [0x3040, 0x31ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xac00, 0xd7af],
  [0xf900, 0xfaff],
  [0xff66, 0xff9f],
  [0x1f000, 0x1faff],
  [0x20000, 0x3134f],
];
const isSurrogate = (n: number) => n >= 0xd800 && n <= 0xdfff;
const boundaryCodePoints = LISTED_RANGES.flatMap(([a, b]) => [a - 1, a, a + 1, b - 1, b, b + 1]).filter((n) => n > 0 && !isSurrogate(n));

const WORDS = [
  'Alice',
  'customer',
  'EXAMPLE',
  'member',
  'role_changed',
  'v1',
  '10',
  '0',
  'usr',
  '3F2A9C1E',
  'ÄRGER',
  'über',
  'naïve',
  'İstanbul',
  'ΟΔΟΣ',
  'Москва',
  'שלום',
  '東京都',
  'カスタマー',
  'ｶﾀｶﾅ',
  '한국어',
  '🎉',
  '👩‍💻',
  '👍🏽',
  '𠀀𠀁',
  '𝔘𝔫𝔦',
  'ß',
  'ǅ',
  'ﬁ',
];
const SEPARATORS = [
  ' ',
  '.',
  '@',
  '-',
  '_',
  '/',
  ':',
  '"',
  ',',
  '{',
  '}',
  '[',
  ']',
  '(',
  ')',
  ';',
  '=',
  '&',
  '?',
  '#',
  '\\',
  "'",
  '\t',
  '\n',
  '\r',
  '…',
  '—',
  '“',
  '”',
  '\u00a0',
  '·',
  '€',
  '→',
  '\u3000',
  '、',
  '！',
  '\ufeff',
  '\u200b',
  '\u0001',
  '\u007f',
];

function corpus(): string[] {
  const texts: string[] = ['', ' ', '   ', '...', '—', '🎉', 'a', 'A', '0'];
  // Every ASCII code point but NUL (PostgreSQL text cannot hold it), alone, between words, doubled, at the ends.
  for (const c of range(1, 127).map(cp)) texts.push(c, `alpha${c}Beta`, `${c}${c}x${c}Y9${c}`, `${c}Z ${c} z${c}`);
  // The listed ranges' edges, and a sample from inside each.
  for (const c of boundaryCodePoints.map(cp)) texts.push(c, `ab${c}CD`, `${c}x${c}`);
  for (const [a, b] of LISTED_RANGES)
    for (let n = a; n <= b; n += Math.max(1, Math.floor((b - a) / 24))) if (!isSurrogate(n)) texts.push(`Wort${cp(n)}Wort ${cp(n)}`);
  // What events carry: emails, dotted names, IPs, URLs, user agents, JSON metadata as the haystack prints it.
  texts.push(
    'alice@customer.example Bob.Smith+tag@Sub.Example.COM',
    'member.role_changed api_key.create settings.update',
    '10.0.0.1 192.168.1.15 ::1 fe80::1ff:fe23:4567:890a 2001:db8::8a2e:370:7334',
    'https://app.example.com/api/flows/flo_037859ec01/publish?x=1&y=%20#frag',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
    JSON.stringify({ request: { path: '/api/connectors/con_946900796d', method: 'PATCH' }, changes: { role: ['member', 'admin'] } }),
    JSON.stringify({ note: 'line one\nline "two"\ttab \\ back', quote: "it's", n: -12.5e3, ok: true, nil: null }),
    JSON.stringify({ name: 'Café “quoted” — über', cjk: '東京都の顧客', emoji: 'party🎉 👩‍💻' }),
    'Updated connector "S3 connector 470": region user02@acme.test S3 connector 470 con_946900796d {"request": {"path": "/api/connectors/con_946900796d", "method": "PATCH"}}',
    'Exported 1,000 rows (…) as CSV',
  );
  // Texts just under and over 1,024 bytes, with words shorter and longer than 64 characters, in ASCII and with
  // characters of 2, 3 and 4 bytes (so bytes and characters differ around the limit).
  for (const unit of ['k', 'é', '東', '🎉', 'Ab']) {
    for (const wordLength of [10, 63, 64, 65, 70, 200, 1100]) {
      for (const target of [1000, 1020, 1023, 1024, 1025, 1030, 1100]) {
        let text = '';
        while (Buffer.byteLength(text) < target) text += `${unit.repeat(wordLength)}.`;
        texts.push(text, text.slice(0, Math.max(0, text.length - 3)));
        // Trim back to exactly around the limit, in whole code points.
        const points = Array.from(text);
        while (points.length && Buffer.byteLength(points.join('')) > target) points.pop();
        texts.push(points.join(''));
      }
    }
  }
  // Random mixtures of all of the above.
  const random = prng(2026);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  for (let i = 0; i < 3000; i++) {
    const parts: string[] = [];
    const n = Math.floor(random() * (i % 10 === 0 ? 160 : 24));
    const asciiOnly = i % 3 !== 0;
    for (let k = 0; k < n; k++) {
      const r = random();
      if (r < 0.5) parts.push(asciiOnly ? pick(WORDS.slice(0, 10)) : pick(WORDS));
      else if (r < 0.9) parts.push(asciiOnly ? pick(SEPARATORS.slice(0, 26)) : pick(SEPARATORS));
      else parts.push(cp(asciiOnly ? 1 + Math.floor(random() * 127) : pick(boundaryCodePoints)));
    }
    texts.push(parts.join(''));
  }
  return texts;
}

describeEachDatabase('audit_search_words: the same words as drizzle/0017 for every text', (ctx) => {
  const texts = corpus();

  beforeAll(async () => {
    for (const statement of fixtureStatements) await ctx.db.execute(sql.raw(statement));
  });

  it('installs 0017 exactly as the migration wrote it (only the names differ)', () => {
    expect(fixtureStatements).toHaveLength(3);
    for (const statement of fixtureStatements) {
      const original = statement
        .replaceAll('audit_search_words_0017(', 'audit_search_words(')
        .replace('audit_search_query_0017(', 'audit_search_query(')
        .replace('audit_search_document_0017(', 'audit_search_document(');
      expect(MIGRATION_0017).toContain(original);
    }
  });

  it(`splits ${texts.length.toLocaleString('en-US')} texts into the same words, in the same order`, async () => {
    expect(texts.length).toBeGreaterThan(5000);
    const rows = rowsOf<{ n: number; differ: number; ascii: number; long: number; empty: number; differing: string[] | null }>(
      await ctx.db.execute(sql`
        select count(*)::int as n,
               count(*) filter (where audit_search_words(t) is distinct from audit_search_words_0017(t))::int as differ,
               count(*) filter (where t ~ '^[\x01-\x7f]*$' and octet_length(t) < 1024)::int as ascii,
               count(*) filter (where octet_length(t) >= 1024)::int as long,
               count(*) filter (where cardinality(audit_search_words(t)) = 0)::int as empty,
               (array_agg(t) filter (where audit_search_words(t) is distinct from audit_search_words_0017(t)))[1:5] as differing
        from jsonb_array_elements_text(${JSON.stringify(texts)}::jsonb) as t`),
    );
    const [r] = rows;
    expect(r?.n).toBe(texts.length);
    expect(r?.differing ?? [], 'texts whose words differ from 0017').toEqual([]);
    expect(r?.differ).toBe(0);
    // The corpus reaches every path: short ASCII (the fast one), long texts, texts with no words.
    expect(r?.ascii).toBeGreaterThan(1500);
    expect(r?.long).toBeGreaterThan(100);
    expect(r?.empty).toBeGreaterThan(50);
  });

  it('gives the same document and the same query for every text, and NULL for NULL', async () => {
    const [r] = rowsOf<{ documents: number; queries: number; differing: string[] | null; nulls: boolean }>(
      await ctx.db.execute(sql`
        select count(*) filter (where array_to_tsvector(audit_search_words(t))::text is distinct from array_to_tsvector(audit_search_words_0017(t))::text)::int as documents,
               count(*) filter (where audit_search_query(t)::text is distinct from audit_search_query_0017(t)::text)::int as queries,
               (array_agg(t) filter (where audit_search_query(t)::text is distinct from audit_search_query_0017(t)::text))[1:5] as differing,
               (select audit_search_words(null) is null and audit_search_query(null) is null) as nulls
        from jsonb_array_elements_text(${JSON.stringify(texts.filter((t) => Buffer.byteLength(t) < 300))}::jsonb) as t`),
    );
    expect(r?.differing ?? [], 'terms whose query differs from 0017').toEqual([]);
    expect(r?.documents).toBe(0);
    expect(r?.queries).toBe(0);
    expect(r?.nulls).toBe(true);
  });
});

describeEachDatabase('free text through the viewer after drizzle/0020', (ctx) => {
  let orgId = '';
  // Long before the partitions the migrations create: the default partition, which carries the word index.
  const AT = new Date('2020-03-14T09:00:00Z');
  const MESSAGES = [
    'Updated connector "S3 connector 470": region',
    'Invited bob@customer.example to Acme; role=admin & plan=pro',
    'Signed in from 10.0.0.1 (Mozilla/5.0 (X11; Linux x86_64))',
    'Café “quoted” — über CUSTOMERS',
    '東京都の顧客 added 🎉 party🎉',
    `Key ${'k'.repeat(90)} created`,
    `Big import ${'row.'.repeat(300)}done`,
  ];
  beforeAll(async () => {
    for (const statement of fixtureStatements) await ctx.db.execute(sql.raw(statement));
    orgId = (await createOrg(ctx.db, 'words-viewer')).id;
    await recordAuditEvents(
      ctx.db,
      MESSAGES.map((message, i) => ({
        orgId,
        source: 'api',
        occurredAt: new Date(AT.getTime() + i * 60_000),
        actor: { type: 'user', id: null, label: i % 2 ? 'Dana Scully' : 'ops@acme.test' },
        action: 'note.create',
        objectType: 'note',
        objectLabel: `note ${i}`,
        message,
        metadata: { index: i, path: `/api/notes/${i}` },
      })),
    );
  });

  const TERMS = [
    'connector',
    's3 conn',
    'customer.example',
    'role=admin',
    '10.0.0.1',
    'mozilla/5',
    'café',
    'über',
    '京都',
    '🎉',
    'k'.repeat(70),
    'row.row',
    'note',
    'zzqx',
  ];

  it.each(TERMS)('finds for %j the rows 0017 would', async (term) => {
    const filters = resolveQueryFilters({ ...defaultFilters(), range: { from: null, to: null }, text: [term] }, AT, 'UTC');
    const page = await listAuditEvents(ctx.db, { orgId, filters, sort: { column: 'time', dir: 'desc' }, limit: 50 });
    const found = page.rows.map((r) => r.id).sort();
    const want = rowsOf<{ id: string }>(
      await ctx.db.execute(sql`
        select id::text as id from audit_events
        where org_id = ${orgId}
          and array_to_tsvector(audit_search_words_0017(audit_search_haystack(message, actor_label, object_label, object_id, metadata))) @@ audit_search_query_0017(${term})
          and audit_search_haystack(message, actor_label, object_label, object_id, metadata) ilike ${`%${escapeLike(term)}%`}`),
    )
      .map((r) => r.id)
      .sort();
    expect(found).toEqual(want);
    if (term !== 'zzqx') expect(found.length).toBeGreaterThan(0);
  });
});
