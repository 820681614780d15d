-- Hand-written: free text through a word index instead of pg_trgm (README "Searching"). The trigram GIN cost ~45 us
-- of server CPU per inserted row (~40% of a 1,000-row insert); this word index costs less (figures in
-- bench/RESULTS.md). A search term finds the events where it occurs starting at the beginning of a word (word-prefix
-- search): "customer.ex" and "custo" find "alice@customer.example", "stomer" no longer does.
--
-- The haystack the search reads: the one definition, used by the ILIKE recheck (db/queries/audit-where.ts) and by the
-- document below, so the index and the recheck always read the same text.
CREATE OR REPLACE FUNCTION audit_search_haystack(message text, actor_label text, object_label text, object_id text, metadata jsonb)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN message || ' ' || actor_label || ' ' || coalesce(object_label, '') || ' ' || coalesce(object_id, '') || ' ' || metadata::text;
--> statement-breakpoint
-- Text -> its words, lower-cased, for the document and for a search term alike (one normalisation, so a term's words
-- are the document's words). A word is a run of anything but ASCII punctuation/space/control characters and the
-- listed Unicode punctuation, spaces and symbols: "alice@customer.example" -> alice, customer, example;
-- "member.role_changed" -> member, role, changed; "10.0.0.1" -> 10, 0, 0, 1. CJK characters and emoji are one word
-- each (CJK is written without spaces, so "京都" is found inside "東京都"). The ranges are spelled out instead of
-- [[:alnum:]] so the words do not depend on the database's locale (PGlite runs in C, the server in C.UTF-8).
-- A lexeme may not pass 2,047 bytes and an insert must never fail on a long word: in a text of 1,024 bytes or more
-- words are cut to 64 characters (in a shorter one no word can reach the limit, even lower-cased: the
-- cut costs a subquery, skipped for most rows).
CREATE OR REPLACE FUNCTION audit_search_words(doc text)
RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN (
  SELECT CASE WHEN octet_length(doc) < 1024 THEN split.words ELSE ARRAY(SELECT left(w, 64) FROM unnest(split.words) AS w) END
  FROM (SELECT array_remove(regexp_split_to_array(
    lower(regexp_replace(doc, '[\u2600-\u27bf\u2e80-\u2fdf\u3040-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f\U0001f000-\U0001faff\U00020000-\U0003134f]', ' \& ', 'g')),
    '[\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f\u0080-\u00bf\u00d7\u00f7\u2000-\u206f\u20a0-\u20cf\u2190-\u25ff\u27c0-\u2bff\u3000-\u303f\ufe00-\ufe0f\ufe30-\ufe4f\ufeff\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\ufff0-\uffff]+'
  ), '') AS words) AS split
);
--> statement-breakpoint
-- The indexed document: the haystack's words, without positions (the ILIKE recheck checks adjacency and order).
CREATE OR REPLACE FUNCTION audit_search_document(message text, actor_label text, object_label text, object_id text, metadata jsonb)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN array_to_tsvector(audit_search_words(audit_search_haystack(message, actor_label, object_label, object_id, metadata)));
--> statement-breakpoint
-- A search term -> the words every match must hold: each word exactly, except a prefix for the last one when the term
-- ends inside it ("alice@cust" -> 'alice' & 'cust':*), and a word of 64 characters or more by its first 64 as a
-- prefix (which finds it whether the document's copy was cut or not). A prefix of one or two characters beside other
-- words is left to the recheck: it would expand to thousands of lexemes ("10.0.0.1": '10' & '0' & '0', 14 ms instead
-- of 90 on 1M events). A term with no words ("%", "--") gets a query every document matches, so the ILIKE recheck
-- alone decides (a scan of the organization's rows in the time range).
-- "closed": appending a letter adds a word, so the term ends in punctuation and its last word is whole.
CREATE OR REPLACE FUNCTION audit_search_query(term text)
RETURNS tsquery LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN coalesce(
  (SELECT string_agg(format('''%s''', left(w.word, 64)) || CASE WHEN w.prefix THEN ':*' ELSE '' END, ' & ' ORDER BY w.n)::tsquery
   FROM (SELECT u.word, u.n, cardinality(t.words) AS total,
                (u.n = cardinality(t.words) AND NOT t.closed) OR char_length(u.word) >= 64 AS prefix
         FROM (SELECT audit_search_words(term) AS words,
                      cardinality(audit_search_words(term || 'a')) > cardinality(audit_search_words(term)) AS closed) t,
              unnest(t.words) WITH ORDINALITY AS u(word, n)) w
   WHERE NOT (w.prefix AND char_length(w.word) < 3 AND w.total > 1)),
  '!''-'''::tsquery
);
--> statement-breakpoint
-- The word index joins the one list of a closed partition's secondary indexes (drizzle/0016) in place of the
-- trigram index: the close job builds it on every day that closes. Lean open days carry neither.
CREATE OR REPLACE FUNCTION audit_events_secondary_indexes() RETURNS TABLE (suffix text, definition text)
LANGUAGE sql IMMUTABLE AS $$
  VALUES
    ('org_object_idx', '(org_id, object_type, object_id, occurred_at DESC NULLS LAST)'),
    ('org_actor_idx', '(org_id, actor_id, occurred_at DESC NULLS LAST)'),
    ('search_words_idx', 'USING gin (org_id, audit_search_document(message, actor_label, object_label, object_id, metadata))'),
    ('changed_fields_idx', 'USING gin (org_id, changed_fields)'),
    ('org_action_idx', '(org_id, action, occurred_at, id)'),
    ('org_ip_idx', '(org_id, ip)'),
    ('org_request_idx', '(org_id, request_id)'),
    ('org_actor_label_idx', '(org_id, actor_label, occurred_at, id)'),
    ('org_type_idx', '(org_id, object_type, occurred_at, id)'),
    ('org_actor_label_lower_idx', '(org_id, lower(actor_label), occurred_at, id)')
$$;
--> statement-breakpoint
-- Every partition that carries the full set (it has the trigram index) swaps it for the word index now; btree_gin
-- (drizzle/0004) lets org_id lead it, as in the other GIN index. On a large database this is the migration's cost:
-- about 70-100 us per row on two cores (bench/RESULTS.md).
DO $$
DECLARE
  r record;
BEGIN
  FOR r IN
    SELECT p.name, left(p.name || '_search_trgm_idx', 63) AS trgm, left(p.name || '_search_words_idx', 63) AS words
    FROM audit_events_partitions() p
    WHERE to_regclass(left(p.name || '_search_trgm_idx', 63)) IS NOT NULL
  LOOP
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I USING gin (org_id, audit_search_document(message, actor_label, object_label, object_id, metadata))', r.words, r.name);
    EXECUTE format('DROP INDEX %I', r.trgm);
  END LOOP;
END;
$$;
--> statement-breakpoint
-- The planner tells a common term (an ordered scan that stops after a page) from a rare one (the index) by the
-- statistics of the indexed document, gathered by ANALYZE only. Autovacuum never analyzes the partitioned parent and
-- re-analyzes a partition only after enough new rows, so closed months would have none: without this, a common term
-- over all time took 1.2 s instead of 30 ms on 1M events. ANALYZE samples at most 30,000 rows per partition.
ANALYZE audit_events;
