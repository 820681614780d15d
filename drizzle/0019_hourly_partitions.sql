-- Hand-written (issue 17, the open partition): drizzle-kit cannot express partitions or functions.
-- The open piece of audit_events becomes an HOUR: lean hourly partitions (the parent's three indexes only) for the
-- current hour and the hours ahead; the partition job builds a finished hour's secondary indexes (drizzle/0016's ONE
-- list, minutes of rows: quick), and once a UTC day has ended COMPACTS its hours into one daily partition carrying
-- the full set. A free-text term or a non-time sort then reads at most an hour of rows without indexes, not a day
-- (bench/RESULTS.md, "Session 7: hourly open partitions").
--
-- Cost on an existing database: catalog work plus ONE sequential read of today's lean daily partition (re-attached
-- with an earlier upper bound: validating the bound reads it); no index is built, no big partition is rewritten.

-- A lean hourly partition for the UTC hour starting at `hour_start` unless a partition covers (part of) it already
-- or the default partition holds rows of it; returns its name (audit_events_pYYYYMMDDHH), or NULL. Safe under races.
-- Creating a partition locks audit_events against everyone: behind a long reader (an export) it would make every
-- append and read queue behind it, so it gives up after a second (NULL; the hours ahead leave the next runs time).
CREATE OR REPLACE FUNCTION audit_events_create_hour_partition(hour_start timestamptz) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  from_ts timestamptz := date_trunc('hour', hour_start AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
  to_ts timestamptz := from_ts + interval '1 hour';
  part text := 'audit_events_p' || to_char(from_ts AT TIME ZONE 'UTC', 'YYYYMMDDHH24');
BEGIN
  -- One creator at a time (drizzle/0016): two CREATE TABLE ... PARTITION OF at once can deadlock.
  PERFORM pg_advisory_xact_lock(hashtextextended('audit_events_create_partition', 0));
  PERFORM set_config('lock_timeout', '1s', true);
  -- The hour's remainder when a partition reaching into it ends inside it.
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
EXCEPTION WHEN duplicate_table OR invalid_object_definition OR lock_not_available THEN
  RETURN NULL;
END;
$$;
--> statement-breakpoint
-- The UTC days to compact: those that ended at or before `ended_before` and are split into two or more partitions
-- lying wholly inside the day (hours, or what a conversion cut), together one unbroken range [lo, hi). Oldest first.
-- A day held by one partition (compacted, or a 0016 daily) is done; months never qualify.
CREATE OR REPLACE FUNCTION audit_events_days_to_compact(ended_before timestamptz)
RETURNS TABLE (day date, lo timestamptz, hi timestamptz, parts text[])
LANGUAGE sql STABLE AS $$
  SELECT d.day, min(p.lo), max(p.hi), array_agg(p.name ORDER BY p.lo)
  FROM audit_events_partitions() p
  CROSS JOIN LATERAL (SELECT (p.lo AT TIME ZONE 'UTC')::date AS day) d
  WHERE NOT p.is_default AND p.hi <= (d.day + 1)::timestamp AT TIME ZONE 'UTC'
    AND (d.day + 1)::timestamp AT TIME ZONE 'UTC' <= ended_before
  GROUP BY d.day
  HAVING count(*) >= 2 AND sum(p.hi - p.lo) = max(p.hi) - min(p.lo)
  ORDER BY d.day
$$;
--> statement-breakpoint
-- The scratch table a compaction of `day` builds (never a partition): audit_events_compact_YYYYMMDD.
CREATE OR REPLACE FUNCTION audit_events_compact_table(day date) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT 'audit_events_compact_' || to_char(day, 'YYYYMMDD') $$;
--> statement-breakpoint
-- Compaction, phase 1 of 3 (one transaction, no lock a writer or reader waits for: it reads the day's partitions and
-- writes a table no one else sees). Builds the scratch table from scratch (a leftover of an interrupted run is dropped
-- first): the day's rows, the parent's constraints and indexes (so attaching builds none), the full secondary set, a
-- CHECK constraint matching the bound (so attaching reads nothing), the TRUNCATE guard, statistics. Returns its name,
-- or NULL when the day needs no compaction.
CREATE OR REPLACE FUNCTION audit_events_compact_copy(p_day date) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  d record;
  r record;
  scratch text := audit_events_compact_table(p_day);
BEGIN
  SELECT * INTO d FROM audit_events_days_to_compact('infinity') c WHERE c.day = p_day;
  EXECUTE format('DROP TABLE IF EXISTS %I', scratch);
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  EXECUTE format('CREATE TABLE %I (LIKE audit_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)', scratch);
  EXECUTE format('INSERT INTO %I SELECT * FROM audit_events WHERE occurred_at >= %L AND occurred_at < %L', scratch, d.lo, d.hi);
  -- The parent's own indexes: the primary key as a constraint (attaching matches a constraint index only to one),
  -- the others as plain indexes of the same definition.
  FOR r IN
    SELECT x.indexrelid, c.relname, con.oid AS con_oid, con.conname
    FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
    LEFT JOIN pg_constraint con ON con.conindid = x.indexrelid AND con.conrelid = x.indrelid
    WHERE x.indrelid = 'audit_events'::regclass
  LOOP
    IF r.con_oid IS NOT NULL THEN
      EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I %s', scratch, left(scratch || '_' || regexp_replace(r.conname, '^audit_events_', ''), 63), pg_get_constraintdef(r.con_oid));
    ELSE
      EXECUTE regexp_replace(pg_get_indexdef(r.indexrelid), '^(CREATE (UNIQUE )?INDEX) \S+ ON (ONLY )?\S+ ',
        format('\1 %I ON %I ', left(scratch || '_' || regexp_replace(r.relname, '^audit_events_', ''), 63), scratch));
    END IF;
  END LOOP;
  FOR r IN SELECT * FROM audit_events_missing_indexes(scratch::regclass) LOOP
    EXECUTE r.statement;
  END LOOP;
  EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (occurred_at IS NOT NULL AND occurred_at >= %L AND occurred_at < %L)',
    scratch, scratch || '_bound', d.lo, d.hi);
  EXECUTE format('CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()', scratch);
  EXECUTE format('ANALYZE %I', scratch);
  RETURN scratch;
END;
$$;
--> statement-breakpoint
-- Compaction, phase 2 of 3: the parent's foreign keys on the scratch table, so attaching checks none. Each is added
-- NOT VALID in a transaction of its own (a moment's lock on organizations) and validated in the next (validating
-- blocks no writer of organizations). `validate` false adds, true validates; returns how many it touched.
CREATE OR REPLACE FUNCTION audit_events_compact_foreign_keys(p_day date, validate boolean) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  r record;
  n integer := 0;
  scratch text := audit_events_compact_table(p_day);
BEGIN
  IF to_regclass(scratch) IS NULL THEN
    RETURN 0;
  END IF;
  FOR r IN
    SELECT n.name, pg_get_constraintdef(con.oid) AS def, s.convalidated AS valid, s.conname AS have
    FROM pg_constraint con
    CROSS JOIN LATERAL (SELECT left(scratch || '_' || regexp_replace(con.conname, '^audit_events_', ''), 63) AS name) n
    LEFT JOIN pg_constraint s ON s.conrelid = scratch::regclass AND s.conname = n.name
    WHERE con.conrelid = 'audit_events'::regclass AND con.contype = 'f'
  LOOP
    IF NOT validate AND r.have IS NULL THEN
      EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I %s NOT VALID', scratch, r.name, r.def);
      n := n + 1;
    ELSIF validate AND r.have IS NOT NULL AND NOT r.valid THEN
      EXECUTE format('ALTER TABLE %I VALIDATE CONSTRAINT %I', scratch, r.have);
      n := n + 1;
    END IF;
  END LOOP;
  RETURN n;
END;
$$;
--> statement-breakpoint
-- Whether the scratch table of `day` is ready to swap in: built (phase 1 is all or nothing) with every foreign key
-- of the parent validated on it.
CREATE OR REPLACE FUNCTION audit_events_compact_ready(p_day date) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT to_regclass(audit_events_compact_table(p_day)) IS NOT NULL
    AND (SELECT count(*) FROM pg_constraint WHERE conrelid = 'audit_events'::regclass AND contype = 'f')
      = (SELECT count(*) FROM pg_constraint WHERE conrelid = to_regclass(audit_events_compact_table(p_day)) AND contype = 'f' AND convalidated)
$$;
--> statement-breakpoint
-- Compaction, phase 3 of 3: ONE short transaction (lock waits give up after `lock_wait`; the next run retries, the
-- scratch table kept). Writers of audit_events wait from here (readers go on) while the rows that reached the day's
-- partitions since phase 1 are copied over (anti-join on the primary key) and any that retention removed meanwhile
-- are removed (counts differ); then readers wait too for a moment of catalog work: the day's partitions are detached
-- (and set aside for audit_events_drop_stale_compactions), and the scratch table, renamed audit_events_pYYYYMMDD with
-- its indexes, is attached in their place.
-- Readers see the old partitions or the new one, never both or neither; a crash before the commit leaves the old ones
-- attached, after it the new one. A transaction that read audit_events and then writes it (retention's partition pass)
-- can deadlock with this one: PostgreSQL aborts one of the two, and its next run retries.
-- Returns the new partition's name, or NULL when there was nothing (ready) to swap.
CREATE OR REPLACE FUNCTION audit_events_compact_swap(p_day date, lock_wait interval DEFAULT '5 seconds') RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  d record;
  r record;
  scratch text := audit_events_compact_table(p_day);
  final text := 'audit_events_p' || to_char(p_day, 'YYYYMMDD');
  part text;
  source_rows bigint;
  scratch_rows bigint;
BEGIN
  PERFORM set_config('lock_timeout', (extract(epoch FROM lock_wait) * 1000)::bigint::text, true);
  IF NOT audit_events_compact_ready(p_day) THEN
    RETURN NULL;
  END IF;
  LOCK TABLE ONLY audit_events IN SHARE MODE;
  SELECT * INTO d FROM audit_events_days_to_compact('infinity') c WHERE c.day = p_day;
  IF NOT FOUND THEN
    EXECUTE format('DROP TABLE %I', scratch);
    RETURN NULL;
  END IF;
  EXECUTE format('INSERT INTO %1$I SELECT e.* FROM audit_events e WHERE e.occurred_at >= %2$L AND e.occurred_at < %3$L '
    'AND NOT EXISTS (SELECT 1 FROM %1$I s WHERE s.org_id = e.org_id AND s.occurred_at = e.occurred_at AND s.id = e.id)', scratch, d.lo, d.hi);
  -- The scratch table now holds every source row (its primary key is unique): equal counts mean equal sets.
  EXECUTE format('SELECT count(*) FROM audit_events WHERE occurred_at >= %L AND occurred_at < %L', d.lo, d.hi) INTO source_rows;
  EXECUTE format('SELECT count(*) FROM %I', scratch) INTO scratch_rows;
  IF scratch_rows <> source_rows THEN
    EXECUTE format('DELETE FROM %1$I s WHERE NOT EXISTS (SELECT 1 FROM audit_events e WHERE e.occurred_at >= %2$L AND e.occurred_at < %3$L '
      'AND e.org_id = s.org_id AND e.occurred_at = s.occurred_at AND e.id = s.id)', scratch, d.lo, d.hi);
  END IF;
  LOCK TABLE ONLY audit_events IN ACCESS EXCLUSIVE MODE;
  -- Dropping here would make the commit unlink every file of every hour while the locks are held (~0.2 s for 24
  -- hours): they are renamed audit_events_retired_... instead, and dropped after the commit. The conversion's piece of
  -- the day carries the day's own name and index names, so it goes now.
  FOREACH part IN ARRAY d.parts LOOP
    EXECUTE format('ALTER TABLE audit_events DETACH PARTITION %I', part);
    IF part = final THEN
      EXECUTE format('DROP TABLE %I', part);
    ELSE
      EXECUTE format('ALTER TABLE %I RENAME TO %I', part, 'audit_events_retired_' || substr(part, length('audit_events_') + 1));
    END IF;
  END LOOP;
  EXECUTE format('ALTER TABLE %I RENAME TO %I', scratch, final);
  FOR r IN SELECT c.relname FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid WHERE x.indrelid = final::regclass AND c.relname LIKE scratch || '\_%' LOOP
    EXECUTE format('ALTER INDEX %I RENAME TO %I', r.relname, left(final || substr(r.relname, length(scratch) + 1), 63));
  END LOOP;
  FOR r IN SELECT conname FROM pg_constraint WHERE conrelid = final::regclass AND contype IN ('f', 'c') AND conname LIKE scratch || '\_%' LOOP
    EXECUTE format('ALTER TABLE %I RENAME CONSTRAINT %I TO %I', final, r.conname, left(final || substr(r.conname, length(scratch) + 1), 63));
  END LOOP;
  EXECUTE format('ALTER TABLE audit_events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', final, d.lo, d.hi);
  EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', final, final || '_bound');
  RETURN final;
END;
$$;
--> statement-breakpoint
-- What compaction leaves behind: the partitions a swap set aside (audit_events_retired_...), and scratch tables no
-- compaction will use (left by a run interrupted before its swap, for a day that is no longer to compact). Only tables
-- audit_owner owns (the ones compaction made), never a partition. Returns their names.
CREATE OR REPLACE FUNCTION audit_events_drop_stale_compactions() RETURNS SETOF text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  r record;
BEGIN
  FOR r IN
    SELECT c.relname FROM pg_class c
    WHERE c.relkind = 'r' AND NOT c.relispartition AND c.relowner = current_user::regrole
      AND c.relnamespace = (SELECT t.relnamespace FROM pg_class t WHERE t.oid = 'audit_events'::regclass)
      AND (c.relname LIKE 'audit\_events\_retired\_%'
        OR (c.relname LIKE 'audit\_events\_compact\_%'
          AND c.relname NOT IN (SELECT audit_events_compact_table(t.day) FROM audit_events_days_to_compact('infinity') t)))
  LOOP
    EXECUTE format('DROP TABLE %I', r.relname);
    RETURN NEXT r.relname;
  END LOOP;
END;
$$;
--> statement-breakpoint
DO $$
BEGIN
  ALTER FUNCTION audit_events_create_hour_partition(timestamptz) OWNER TO audit_owner;
  ALTER FUNCTION audit_events_compact_copy(date) OWNER TO audit_owner;
  ALTER FUNCTION audit_events_compact_foreign_keys(date, boolean) OWNER TO audit_owner;
  ALTER FUNCTION audit_events_compact_swap(date, interval) OWNER TO audit_owner;
  ALTER FUNCTION audit_events_drop_stale_compactions() OWNER TO audit_owner;
END;
$$;
--> statement-breakpoint
-- The conversion. Today's lean daily partition (drizzle/0016) is re-attached to end at the next full hour (or the hour
-- after its latest row), empty lean days ahead are dropped, and hourly partitions take over from there. Today's
-- shortened day is closed and compacted with its hours like any other day.
DO $$
DECLARE
  r record;
  latest timestamptz;
  cut timestamptz;
  h timestamptz;
BEGIN
  LOCK TABLE audit_events IN ACCESS EXCLUSIVE MODE;
  FOR r IN
    SELECT * FROM audit_events_partitions() p
    WHERE NOT p.is_default AND p.hi - p.lo <= interval '1 day' AND p.hi > now()
    ORDER BY p.lo
  LOOP
    EXECUTE format('SELECT max(occurred_at) FROM %I', r.name) INTO latest;
    IF r.lo > now() THEN
      IF latest IS NULL THEN
        EXECUTE format('DROP TABLE %I', r.name);
      END IF;
      CONTINUE;
    END IF;
    cut := date_trunc('hour', greatest(now(), latest) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + interval '1 hour';
    IF cut < r.hi THEN
      EXECUTE format('ALTER TABLE audit_events DETACH PARTITION %I', r.name);
      EXECUTE format('ALTER TABLE audit_events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', r.name, r.lo, cut);
    END IF;
  END LOOP;
  FOR h IN SELECT generate_series(date_trunc('hour', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', now() + interval '24 hours', interval '1 hour') LOOP
    PERFORM audit_events_create_hour_partition(h);
  END LOOP;
END;
$$;
