-- Hand-written (issue 17, the write path). The append now stores the filter options it brings itself, only for
-- values not seen before (lib/recording/facets.ts, under the chain-head lock): the statement trigger cost 12.7 us
-- per row and made COPY into the partitioned table go row by row.
DROP TRIGGER IF EXISTS audit_events_facets ON audit_events;
--> statement-breakpoint
DROP FUNCTION IF EXISTS audit_events_collect_facets();
--> statement-breakpoint
-- The foreign key to organizations (6 us per row): every append first locks the organization row (FOR KEY SHARE,
-- db/queries/chain-head.ts) and then its chain head, whose own foreign key keeps the organization; an event of an
-- organization that does not exist cannot be appended.
ALTER TABLE audit_events DROP CONSTRAINT IF EXISTS audit_events_org_id_organizations_id_fk;
