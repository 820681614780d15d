-- Hand-written (issue 17, the hot partition): drizzle-kit cannot express partitions or functions.
-- Secondary indexes move from the partitioned parent to each partition, so that recent days can live in lean
-- daily partitions holding only the parent's indexes: the primary key (org_id, occurred_at, id), the chain's
-- (org_id, seq) and lookups by id (org_id, id). COPY into such a partition skips the ~10 secondary indexes that
-- made it 6.5-8.5x slower than into an index-free table (bench/RESULTS.md, "Session 5: write path"). Once a day has
-- ended, lib/lifecycle/partition-close.ts builds its secondary indexes in bulk from the ONE list below. Monthly
-- partitions (history, backfills) and the default partition always carry the full set.
--
-- Cost on an existing database: catalog work plus ONE sequential read of every partition (re-attaching validates
-- the partition bound; no index is rebuilt). The table is locked for the migration's duration.

-- THE secondary index set of a closed partition: one row per index, `suffix` naming it (<partition>_<suffix>).
-- Edit here to change what a closed partition carries; the close job builds what a partition lacks.
CREATE OR REPLACE FUNCTION audit_events_secondary_indexes() RETURNS TABLE (suffix text, definition text)
LANGUAGE sql IMMUTABLE AS $$
  VALUES
    ('org_object_idx', '(org_id, object_type, object_id, occurred_at DESC NULLS LAST)'),
    ('org_actor_idx', '(org_id, actor_id, occurred_at DESC NULLS LAST)'),
    ('search_trgm_idx', $d$USING gin (org_id, (message || ' ' || actor_label || ' ' || coalesce(object_label, '') || ' ' || coalesce(object_id, '') || ' ' || metadata::text) gin_trgm_ops)$d$),
    ('changed_fields_idx', 'USING gin (org_id, changed_fields)'),
    ('org_action_idx', '(org_id, action, occurred_at, id)'),
    ('org_ip_idx', '(org_id, ip)'),
    ('org_request_idx', '(org_id, request_id)'),
    ('org_actor_label_idx', '(org_id, actor_label, occurred_at, id)'),
    ('org_type_idx', '(org_id, object_type, occurred_at, id)'),
    ('org_actor_label_lower_idx', '(org_id, lower(actor_label), occurred_at, id)')
$$;
--> statement-breakpoint
-- Every partition of audit_events with its bounds, read from the catalog (the DEFAULT one has none). The bound text
-- is printed and parsed back in the same session, so the session's time zone cannot shift it.
CREATE OR REPLACE FUNCTION audit_events_partitions() RETURNS TABLE (name text, lo timestamptz, hi timestamptz, is_default boolean)
LANGUAGE sql STABLE AS $$
  SELECT c.relname::text, (m)[1]::timestamptz, (m)[2]::timestamptz, m IS NULL
  FROM pg_inherits i
  JOIN pg_class c ON c.oid = i.inhrelid
  CROSS JOIN LATERAL regexp_match(pg_get_expr(c.relpartbound, c.oid), $r$FROM \('([^']*)'\) TO \('([^']*)'\)$r$) AS m
  WHERE i.inhparent = 'audit_events'::regclass
$$;
--> statement-breakpoint
-- The indexes of the list a table lacks (or holds invalid, left by an interrupted concurrent build), each with the
-- statement that builds it. Works for any table shaped like audit_events (the bench builds a scratch one).
CREATE OR REPLACE FUNCTION audit_events_missing_indexes(part regclass, concurrent boolean DEFAULT false)
RETURNS TABLE (name text, invalid boolean, statement text)
LANGUAGE sql STABLE AS $$
  SELECT n.name, ic.oid IS NOT NULL,
    format('CREATE INDEX %s %I ON %s %s', CASE WHEN concurrent THEN 'CONCURRENTLY' ELSE '' END, n.name, part, s.definition)
  FROM audit_events_secondary_indexes() s
  JOIN pg_class t ON t.oid = part
  CROSS JOIN LATERAL (SELECT left(t.relname || '_' || s.suffix, 63) AS name) n
  LEFT JOIN pg_class ic ON ic.relname = n.name AND ic.relnamespace = t.relnamespace
  LEFT JOIN pg_index x ON x.indexrelid = ic.oid
  WHERE ic.oid IS NULL OR NOT x.indisvalid
$$;
--> statement-breakpoint
-- The partitions that must carry the full index set and lack some of it: the default one, and every partition whose
-- range ended at or before `ended_before` (the close job passes now minus its grace period). Oldest first.
CREATE OR REPLACE FUNCTION audit_events_partitions_to_close(ended_before timestamptz) RETURNS SETOF text
LANGUAGE sql STABLE AS $$
  SELECT p.name FROM audit_events_partitions() p
  WHERE (p.is_default OR p.hi <= ended_before) AND EXISTS (SELECT 1 FROM audit_events_missing_indexes(p.name::regclass))
  ORDER BY p.lo NULLS FIRST
$$;
--> statement-breakpoint
-- Builds (plainly, in the caller's transaction) the secondary indexes a partition of audit_events lacks; returns how
-- many. SECURITY DEFINER: audit_owner owns the partitions, the app's role need not. The close job uses CREATE INDEX
-- CONCURRENTLY instead where its role may (a server, owning role); this is the path for PGlite and a two-role setup.
CREATE OR REPLACE FUNCTION audit_events_build_partition_indexes(part regclass) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  ix record;
  n integer := 0;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = part AND inhparent = 'audit_events'::regclass) THEN
    RAISE EXCEPTION '% is not a partition of audit_events', part USING ERRCODE = 'insufficient_privilege';
  END IF;
  FOR ix IN SELECT * FROM audit_events_missing_indexes(part) LOOP
    IF ix.invalid THEN
      EXECUTE format('DROP INDEX %I', ix.name);
    END IF;
    EXECUTE ix.statement;
    n := n + 1;
  END LOOP;
  -- The planner's statistics on the new expression indexes (free text) come from ANALYZE only, and autovacuum does
  -- not re-analyze a partition that stopped growing.
  IF n > 0 THEN
    EXECUTE format('ANALYZE %s', part);
  END IF;
  RETURN n;
END;
$$;
--> statement-breakpoint
-- A lean daily partition for the UTC day `day` unless a partition covers (part of) it already or the default
-- partition holds rows of that day; returns its name, or NULL. Safe under races.
CREATE OR REPLACE FUNCTION audit_events_create_day_partition(day date) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  part text := 'audit_events_p' || to_char(day, 'YYYYMMDD');
  from_ts timestamptz := day::timestamp AT TIME ZONE 'UTC';
  to_ts timestamptz := (day + 1)::timestamp AT TIME ZONE 'UTC';
BEGIN
  -- One creator at a time: two CREATE TABLE ... PARTITION OF at once can deadlock on the parent and the default partition.
  PERFORM pg_advisory_xact_lock(hashtextextended('audit_events_create_partition', 0));
  -- The day's remainder when a partition reaching into it ends inside it (the conversion below ends this month's at
  -- the moment it ran, so ingest is lean from then on, not from tomorrow).
  from_ts := coalesce((SELECT max(p.hi) FROM audit_events_partitions() p WHERE p.lo < from_ts AND p.hi > from_ts AND p.hi < to_ts), from_ts);
  IF to_regclass(part) IS NOT NULL OR EXISTS (SELECT 1 FROM audit_events_partitions() p WHERE p.lo < to_ts AND p.hi > from_ts) THEN
    RETURN NULL;
  END IF;
  IF EXISTS (SELECT 1 FROM audit_events_default WHERE occurred_at >= from_ts AND occurred_at < to_ts) THEN
    RETURN NULL;
  END IF;
  EXECUTE format('CREATE TABLE %I PARTITION OF audit_events FOR VALUES FROM (%L) TO (%L)', part, from_ts, to_ts);
  -- Statement triggers are not cloned onto partitions: guard TRUNCATE of the partition itself too.
  EXECUTE format('CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()', part);
  RETURN part;
EXCEPTION WHEN duplicate_table OR invalid_object_definition THEN
  RETURN NULL; -- created meanwhile, or overlapping a partition created meanwhile
END;
$$;
--> statement-breakpoint
-- drizzle/0008's monthly partition, now for history and backfills only: created with the full index set (empty, so
-- at once), and not where daily partitions cover part of the month.
CREATE OR REPLACE FUNCTION audit_events_create_month_partition(month_start date) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  first_day date := date_trunc('month', month_start)::date;
  part text := 'audit_events_p' || to_char(first_day, 'YYYYMM');
  from_ts timestamptz := first_day::timestamp AT TIME ZONE 'UTC';
  to_ts timestamptz := (first_day + interval '1 month')::timestamp AT TIME ZONE 'UTC';
BEGIN
  -- One creator at a time: two CREATE TABLE ... PARTITION OF at once can deadlock on the parent and the default partition.
  PERFORM pg_advisory_xact_lock(hashtextextended('audit_events_create_partition', 0));
  IF to_regclass(part) IS NOT NULL OR EXISTS (SELECT 1 FROM audit_events_partitions() p WHERE p.lo < to_ts AND p.hi > from_ts) THEN
    RETURN NULL;
  END IF;
  IF EXISTS (SELECT 1 FROM audit_events_default WHERE occurred_at >= from_ts AND occurred_at < to_ts) THEN
    RETURN NULL;
  END IF;
  EXECUTE format('CREATE TABLE %I PARTITION OF audit_events FOR VALUES FROM (%L) TO (%L)', part, from_ts, to_ts);
  EXECUTE format('CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()', part);
  PERFORM audit_events_build_partition_indexes(part::regclass);
  RETURN part;
EXCEPTION WHEN duplicate_table OR invalid_object_definition THEN
  RETURN NULL;
END;
$$;
--> statement-breakpoint
-- Retention's partition pass, as in drizzle/0012, for daily partitions too (the checks never read the name).
CREATE OR REPLACE FUNCTION audit_drop_partition(p_name text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  part regclass;
  blocking uuid;
BEGIN
  SELECT c.oid INTO part FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
  WHERE i.inhparent = 'audit_events'::regclass AND c.relname = p_name AND c.relname <> 'audit_events_default';
  IF part IS NULL THEN
    RAISE EXCEPTION '% is not a monthly or daily partition of audit_events', p_name USING ERRCODE = 'insufficient_privilege';
  END IF;
  EXECUTE format(
    'SELECT p.org_id FROM (SELECT org_id, max(seq) AS max_seq FROM %I GROUP BY org_id) p '
    'JOIN organizations o ON o.id = p.org_id LEFT JOIN (SELECT org_id, max(seq) AS seq FROM audit_chain_anchors GROUP BY org_id) a ON a.org_id = p.org_id '
    'WHERE o.legal_hold OR a.seq IS NULL OR p.max_seq > a.seq LIMIT 1', p_name) INTO blocking;
  IF blocking IS NOT NULL THEN
    RAISE EXCEPTION 'partition % holds entries of organization % past its retention anchor', p_name, blocking USING ERRCODE = 'insufficient_privilege';
  END IF;
  EXECUTE format('DROP TABLE %I', p_name);
END;
$$;
--> statement-breakpoint
-- audit_owner owns the partitions (drizzle/0012), so it creates and indexes them: before the conversion creates any.
DO $$
BEGIN
  ALTER FUNCTION audit_events_build_partition_indexes(regclass) OWNER TO audit_owner;
  ALTER FUNCTION audit_events_create_day_partition(date) OWNER TO audit_owner;
  ALTER FUNCTION audit_events_create_month_partition(date) OWNER TO audit_owner;
  ALTER FUNCTION audit_drop_partition(text) OWNER TO audit_owner;
END;
$$;
--> statement-breakpoint
-- The conversion. Each partition's copy of a parent index is renamed <partition>_<suffix> (so the close job sees
-- what a partition has), every partition is detached (its indexes become its own), the parent's secondary indexes
-- are dropped (nothing to rebuild), and the partitions are attached again: this month's up to the moment of the migration (or just
-- after its latest row), empty future months dropped; then lean daily partitions: the rest of today, and the days ahead.
DO $$
DECLARE
  r record;
  today date := (now() AT TIME ZONE 'UTC')::date;
  this_month timestamptz := date_trunc('month', today)::timestamp AT TIME ZONE 'UTC';
  latest timestamptz;
  hi timestamptz;
  d date;
BEGIN
  FOR r IN
    SELECT ci.oid::regclass AS idx, cp.relname AS part, substr(pi.relname, length('audit_events_') + 1) AS suffix
    FROM pg_inherits ii
    JOIN pg_class ci ON ci.oid = ii.inhrelid
    JOIN pg_class pi ON pi.oid = ii.inhparent
    JOIN pg_index x ON x.indexrelid = ci.oid
    JOIN pg_class cp ON cp.oid = x.indrelid
    WHERE pi.relname IN (SELECT 'audit_events_' || s.suffix FROM audit_events_secondary_indexes() s)
  LOOP
    EXECUTE format('ALTER INDEX %s RENAME TO %I', r.idx, left(r.part || '_' || r.suffix, 63));
  END LOOP;
  CREATE TEMP TABLE audit_events_conversion ON COMMIT DROP AS SELECT * FROM audit_events_partitions();
  FOR r IN SELECT * FROM audit_events_conversion LOOP
    EXECUTE format('ALTER TABLE audit_events DETACH PARTITION %I', r.name);
  END LOOP;
  FOR r IN SELECT 'audit_events_' || s.suffix AS name FROM audit_events_secondary_indexes() s LOOP
    EXECUTE format('DROP INDEX IF EXISTS %I', r.name);
  END LOOP;
  -- Bounded partitions first, the default last (attaching the default checks its rows against all the others).
  FOR r IN SELECT * FROM audit_events_conversion WHERE NOT is_default ORDER BY lo LOOP
    hi := r.hi;
    IF r.lo > now() THEN
      EXECUTE format('SELECT max(occurred_at) FROM %I', r.name) INTO latest;
      IF latest IS NULL THEN
        EXECUTE format('DROP TABLE %I', r.name);
        CONTINUE;
      END IF;
    ELSIF r.lo = this_month THEN
      EXECUTE format('SELECT max(occurred_at) FROM %I', r.name) INTO latest;
      -- Ends now (the table is locked: nothing lands meanwhile), or just after a row dated later.
      hi := least(r.hi, greatest(date_trunc('second', now()) + interval '1 second', latest + interval '1 microsecond'));
    END IF;
    EXECUTE format('ALTER TABLE audit_events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', r.name, r.lo, hi);
  END LOOP;
  FOR r IN SELECT * FROM audit_events_conversion WHERE is_default LOOP
    EXECUTE format('ALTER TABLE audit_events ATTACH PARTITION %I DEFAULT', r.name);
  END LOOP;
  FOR d IN SELECT generate_series(today, today + 7, interval '1 day')::date LOOP
    PERFORM audit_events_create_day_partition(d);
  END LOOP;
END;
$$;
