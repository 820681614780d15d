-- Hand-written: a faster audit_search_words (drizzle/0017) with the same output for every text, so every word index
-- built on it stays valid without a rebuild. The index stores audit_search_document(...), which is
-- array_to_tsvector(audit_search_words(haystack)): a word index holds what the function returned when the row was
-- written, and PostgreSQL never re-checks it when the function changes. Same output for every text means the rows
-- indexed before this migration and after it hold the same lexemes, and a term finds them all as before.
-- tests/integration/search-words.test.ts compares this definition with 0017's on both databases over thousands of
-- texts (every ASCII code point, emails, IPs, JSON, accents, CJK, emoji, the listed Unicode punctuation, long words).
--
-- audit_search_document and audit_search_query stay as they are: the index expression is the same, so queries keep
-- matching the existing indexes (a new document function would not match the expression a session has cached).
--
-- Why it was slow: splitting with regexp_split_to_array runs the regular-expression engine once per word (~1 us per
-- word on the server, ~40 words in an audit row). The document now costs ~0.5x on the server and ~0.7x in the
-- embedded database (bench/RESULTS.md "Session 7: a faster word split").
--
-- The general split, 0017's definition unchanged: any text.
CREATE OR REPLACE FUNCTION audit_search_words_general(doc text)
RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN (
  SELECT CASE WHEN octet_length(doc) < 1024 THEN split.words ELSE ARRAY(SELECT left(w, 64) FROM unnest(split.words) AS w) END
  FROM (SELECT array_remove(regexp_split_to_array(
    lower(regexp_replace(doc, '[\u2600-\u27bf\u2e80-\u2fdf\u3040-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f\U0001f000-\U0001faff\U00020000-\U0003134f]', ' \& ', 'g')),
    '[\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f\u0080-\u00bf\u00d7\u00f7\u2000-\u206f\u20a0-\u20cf\u2190-\u25ff\u27c0-\u2bff\u3000-\u303f\ufe00-\ufe0f\ufe30-\ufe4f\ufeff\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\ufff0-\uffff]+'
  ), '') AS words) AS split
);
--> statement-breakpoint
-- Most audit text is printable ASCII (JSON metadata, emails, paths, ids). In a text under 1,024 bytes made only of
-- printable ASCII, tab, line breaks and "…", the words are what remains after every character other than a letter or a
-- digit becomes a space: a regular-expression test and plain replace() calls (a memory search each), then
-- string_to_array. Why that equals the general split there: that split's separators in such a text are exactly the
-- characters other than A-Z, a-z and 0-9 (its class lists all of ASCII but letters and digits; "…" is U+2026, in
-- \u2000-\u206f); it adds spaces around CJK characters and emoji only, and there are none; lower() turns no letter or
-- digit into a separator or back, and on ASCII letters it reads no neighbouring character; and no word cut applies
-- under 1,024 bytes. Longer texts and any other character take the general split.
-- The common separators first: only a text with a rarer ASCII one pays the 21 further replace() calls (~5 us even
-- when they find nothing).
CREATE OR REPLACE FUNCTION audit_search_words(doc text)
RETURNS text[] LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT AS $$
BEGIN
  IF octet_length(doc) < 1024 THEN
    IF doc ~ E'^[ 0-9A-Za-z":,./_@{}()\\[\\]…-]*$' THEN
      RETURN array_remove(string_to_array(lower(
        replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
          doc, '"', ' '), ':', ' '), ',', ' '), '.', ' '), '/', ' '), '_', ' '), '-', ' '), '@', ' '), '{', ' '), '}', ' '),
          '(', ' '), ')', ' '), '[', ' '), ']', ' '), '…', ' ')
      ), ' '), '');
    END IF;
    IF doc ~ E'^[\\t\\n\\r\\x20-\\x7e…]*$' THEN
      RETURN array_remove(string_to_array(lower(
        replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
        replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
        replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
          doc, E'\t', ' '), E'\n', ' '), E'\r', ' '), '!', ' '), '#', ' '), '$', ' '), '%', ' '), '&', ' '), '''', ' '),
          '*', ' '), '+', ' '), ';', ' '), '<', ' '), '=', ' '), '>', ' '), '?', ' '), E'\\', ' '), '^', ' '), '`', ' '),
          '|', ' '), '~', ' '),
          '"', ' '), ':', ' '), ',', ' '), '.', ' '), '/', ' '), '_', ' '), '-', ' '), '@', ' '), '{', ' '), '}', ' '),
          '(', ' '), ')', ' '), '[', ' '), ']', ' '), '…', ' ')
      ), ' '), '');
    END IF;
  END IF;
  RETURN audit_search_words_general(doc);
END;
$$;
