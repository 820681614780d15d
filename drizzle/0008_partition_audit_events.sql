-- Hand-written: drizzle-kit cannot express partitioning, triggers or data copies.
-- audit_events becomes RANGE-partitioned by occurred_at, one partition per calendar month (UTC), so retention
-- can drop whole months instead of deleting rows (lib/audit/retention.ts). Keys and indexes keep their names and
-- shapes; the only change is audit_events_org_seq_idx, which can no longer be unique (a unique index on a
-- partitioned table must contain occurred_at): seq stays unique because it is assigned under the chain-head lock.
ALTER TABLE audit_events RENAME TO audit_events_unpartitioned;
--> statement-breakpoint
-- LIKE copies columns, defaults, NOT NULL (also the chain columns' nullability before the backfill) and the CHECK.
CREATE TABLE audit_events (LIKE audit_events_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (occurred_at);
--> statement-breakpoint
-- Rows outside every monthly partition (older than the first, or beyond the months created ahead) land here.
CREATE TABLE audit_events_default PARTITION OF audit_events DEFAULT;
--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events_default
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
--> statement-breakpoint
-- Creates the partition for the UTC month starting at `month_start` unless it exists; returns its name, or NULL
-- when it exists already or when the default partition holds rows of that month (attaching would fail: the
-- month then stays in the default partition, which retention handles by deleting rows). Safe under races.
CREATE OR REPLACE FUNCTION audit_events_create_month_partition(month_start date) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  first_day date := date_trunc('month', month_start)::date;
  part text := 'audit_events_p' || to_char(first_day, 'YYYYMM');
  lo timestamptz := first_day::timestamp AT TIME ZONE 'UTC';
  hi timestamptz := (first_day + interval '1 month')::timestamp AT TIME ZONE 'UTC';
BEGIN
  IF to_regclass(part) IS NOT NULL THEN
    RETURN NULL;
  END IF;
  IF EXISTS (SELECT 1 FROM audit_events_default WHERE occurred_at >= lo AND occurred_at < hi) THEN
    RETURN NULL;
  END IF;
  EXECUTE format('CREATE TABLE %I PARTITION OF audit_events FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
  -- Statement triggers are not cloned onto partitions: guard TRUNCATE of the partition itself too.
  EXECUTE format('CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()', part);
  RETURN part;
EXCEPTION WHEN duplicate_table THEN
  RETURN NULL;
END;
$$;
--> statement-breakpoint
-- Months holding existing entries (at most 24 back; older ones go to the default partition), this month and 3 ahead.
DO $$
DECLARE
  this_month date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
  m date;
BEGIN
  SELECT date_trunc('month', min(occurred_at) AT TIME ZONE 'UTC')::date INTO m FROM audit_events_unpartitioned;
  m := least(greatest(coalesce(m, this_month), (this_month - interval '24 months')::date), this_month);
  WHILE m <= this_month + interval '3 months' LOOP
    PERFORM audit_events_create_month_partition(m);
    m := (m + interval '1 month')::date;
  END LOOP;
END;
$$;
--> statement-breakpoint
-- INSERT is what the append-only trigger allows; the new table has no triggers yet anyway (facets exist already).
INSERT INTO audit_events SELECT * FROM audit_events_unpartitioned;
--> statement-breakpoint
DROP TABLE audit_events_unpartitioned;
--> statement-breakpoint
ALTER TABLE audit_events ADD CONSTRAINT audit_events_pkey PRIMARY KEY (org_id, occurred_at, id);
--> statement-breakpoint
ALTER TABLE audit_events ADD CONSTRAINT audit_events_org_id_organizations_id_fk FOREIGN KEY (org_id) REFERENCES organizations(id);
--> statement-breakpoint
CREATE INDEX audit_events_org_event_idx ON audit_events (org_id, id);
--> statement-breakpoint
CREATE INDEX audit_events_org_object_idx ON audit_events (org_id, object_type, object_id, occurred_at DESC NULLS LAST);
--> statement-breakpoint
CREATE INDEX audit_events_org_actor_idx ON audit_events (org_id, actor_id, occurred_at DESC NULLS LAST);
--> statement-breakpoint
CREATE INDEX audit_events_org_seq_idx ON audit_events (org_id, seq);
--> statement-breakpoint
CREATE INDEX audit_events_search_trgm_idx ON audit_events USING gin (
  org_id,
  (message || ' ' || actor_label || ' ' || coalesce(object_label, '') || ' ' || coalesce(object_id, '') || ' ' || metadata::text) gin_trgm_ops
);
--> statement-breakpoint
CREATE INDEX audit_events_changed_fields_idx ON audit_events USING gin (org_id, changed_fields);
--> statement-breakpoint
CREATE INDEX audit_events_org_action_idx ON audit_events (org_id, action, occurred_at DESC, id DESC);
--> statement-breakpoint
CREATE INDEX audit_events_org_ip_idx ON audit_events (org_id, ip);
--> statement-breakpoint
CREATE INDEX audit_events_org_request_idx ON audit_events (org_id, request_id);
--> statement-breakpoint
-- Row triggers on a partitioned table are cloned onto every partition, present and future (PostgreSQL 13+).
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
--> statement-breakpoint
-- A statement trigger with a transition table fires once per INSERT on the parent, whichever partitions the rows reach.
CREATE TRIGGER audit_events_facets AFTER INSERT ON audit_events
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION audit_events_collect_facets();
