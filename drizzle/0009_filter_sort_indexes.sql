-- Hand-written (like 0004): indexes the benchmark at 10 million events showed the viewer needs (bench/RESULTS.md).
-- Each serves a facet filter ("col = X, newest first": a backward range scan) AND sorting by that column in
-- either direction (forward or backward scan), because the keys are all ascending and end in (occurred_at, id),
-- exactly the viewer's ORDER BY (orderBy in db/queries/audit-where.ts). The old action index had occurred_at DESC, which served the
-- filter but no sort (the sort's keys all run one way), so sorting all time by action sorted every row.
DROP INDEX IF EXISTS audit_events_org_action_idx;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS audit_events_org_action_idx ON audit_events (org_id, action, occurred_at, id);
--> statement-breakpoint
-- "User" is a filter (actor_label) and a sort column; audit_events_org_actor_idx is by actor_id (the account's trail).
CREATE INDEX IF NOT EXISTS audit_events_org_actor_label_idx ON audit_events (org_id, actor_label, occurred_at, id);
--> statement-breakpoint
-- "Type" likewise; audit_events_org_object_idx has object_id between the type and the time (one record's history).
CREATE INDEX IF NOT EXISTS audit_events_org_type_idx ON audit_events (org_id, object_type, occurred_at, id);
