-- Hand-written: extensions, expression/GIN indexes and the facet trigger are beyond drizzle-kit.
-- pg_trgm serves the free-text search (ILIKE '%term%'); btree_gin lets org_id lead the GIN indexes too.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS btree_gin;
--> statement-breakpoint
-- Free text: one expression over message, actor, object label/id and metadata values. db/queries/audit-where.ts
-- builds exactly this expression, so the planner can use the index.
CREATE INDEX IF NOT EXISTS audit_events_search_trgm_idx ON audit_events USING gin (
  org_id,
  (message || ' ' || actor_label || ' ' || coalesce(object_label, '') || ' ' || coalesce(object_id, '') || ' ' || metadata::text) gin_trgm_ops
);
--> statement-breakpoint
-- "field:role": changed_fields && ARRAY['role'] (ancestors are stored too, so "limits" finds "limits.rate").
CREATE INDEX IF NOT EXISTS audit_events_changed_fields_idx ON audit_events USING gin (org_id, changed_fields);
--> statement-breakpoint
-- Action is the most used facet; with time second, "all deletes this week" is a range scan.
CREATE INDEX IF NOT EXISTS audit_events_org_action_idx ON audit_events (org_id, action, occurred_at DESC, id DESC);
--> statement-breakpoint
-- ip <<= '10.0.0.0/8' is rewritten by PostgreSQL into a btree range on inet.
CREATE INDEX IF NOT EXISTS audit_events_org_ip_idx ON audit_events (org_id, ip);
--> statement-breakpoint
-- Support looks entries up by the request id a user reports.
CREATE INDEX IF NOT EXISTS audit_events_org_request_idx ON audit_events (org_id, request_id);
--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_events_collect_facets() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit_facets (org_id, facet, value)
  SELECT DISTINCT n.org_id, f.facet, f.value
  FROM new_rows n
  CROSS JOIN LATERAL (VALUES
    ('action', n.action), ('type', n.object_type), ('actor', n.actor_label), ('module', n.module),
    ('project', n.project), ('source', n.source::text), ('result', n.result::text)
  ) AS f(facet, value)
  WHERE f.value IS NOT NULL AND f.value <> ''
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_events_facets AFTER INSERT ON audit_events
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION audit_events_collect_facets();
--> statement-breakpoint
INSERT INTO audit_facets (org_id, facet, value)
SELECT DISTINCT e.org_id, f.facet, f.value
FROM audit_events e
CROSS JOIN LATERAL (VALUES
  ('action', e.action), ('type', e.object_type), ('actor', e.actor_label), ('module', e.module),
  ('project', e.project), ('source', e.source::text), ('result', e.result::text)
) AS f(facet, value)
WHERE f.value IS NOT NULL AND f.value <> ''
ON CONFLICT DO NOTHING;
