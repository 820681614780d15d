-- Hand-written (like 0009): sorting by "User" is case-insensitive (orderBy in db/queries/audit-where.ts sorts by
-- lower(actor_label)), so the sort needs the expression in its index, keyed like the other sort indexes
-- (all ascending, ending in occurred_at, id) so a forward or backward scan serves either direction.
-- audit_events_org_actor_label_idx stays: the "User" facet filter compares actor_label itself.
CREATE INDEX IF NOT EXISTS audit_events_org_actor_label_lower_idx ON audit_events (org_id, lower(actor_label), occurred_at, id);
