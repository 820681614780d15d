-- Hand-written: signed checkpoints travel down every log stream after the entries they cover (lib/streams/deliver.ts).
-- checkpoint_cursor: the largest tree size whose checkpoint the destination has been sent (or passed when added);
-- pending_checkpoint_size: the batch being attempted carries checkpoints up to this size (null: none), so a retry
-- resends exactly the same checkpoints. Both are metadata-only on PostgreSQL >= 11 (constant default, no rewrite).
ALTER TABLE stream_destinations ADD COLUMN IF NOT EXISTS checkpoint_cursor bigint NOT NULL DEFAULT 0;
--> statement-breakpoint
ALTER TABLE stream_destinations ADD COLUMN IF NOT EXISTS pending_checkpoint_size bigint;
--> statement-breakpoint
-- Destinations that exist already start with the checkpoints signed from now on (as a new destination starts with new
-- entries); a replay reaches back. One row per destination: cheap.
UPDATE stream_destinations SET checkpoint_cursor = cursor WHERE checkpoint_cursor = 0 AND cursor > 0;
--> statement-breakpoint
-- The claim and the batch read look up an organization's checkpoints by tree size. audit_checkpoints holds one row
-- per signing run (thousands, not millions), so building this is quick even on a large database.
CREATE INDEX IF NOT EXISTS audit_checkpoints_org_seq_idx ON audit_checkpoints (org_id, seq);
