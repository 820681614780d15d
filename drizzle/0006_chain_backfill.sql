-- Hand-written: drizzle-kit cannot express triggers or conditional DDL.
-- The append-only trigger gains one narrow exception for the hash-chain backfill of rows written before 0005:
-- a transaction that sets `SET LOCAL audit.chain_backfill = 'on'` may UPDATE a row whose seq IS NULL, and only
-- to fill seq, prev_hash and hash; every other column must stay exactly as it was. Retention's DELETE rule is unchanged.
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND coalesce(current_setting('audit.retention', true), '') = 'on' THEN
    RETURN OLD;
  END IF;
  IF TG_OP = 'UPDATE' AND coalesce(current_setting('audit.chain_backfill', true), '') = 'on'
     AND OLD.seq IS NULL AND NEW.seq IS NOT NULL AND NEW.prev_hash IS NOT NULL AND NEW.hash IS NOT NULL
     AND (to_jsonb(NEW) - 'seq' - 'prev_hash' - 'hash') = (to_jsonb(OLD) - 'seq' - 'prev_hash' - 'hash') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege', HINT = 'Audit entries can only be added; old ones are removed by retention.';
END;
$$;
--> statement-breakpoint
-- A fresh or empty table needs no backfill: enforce NOT NULL now. Otherwise the app's startup backfill
-- (lib/audit/chain/backfill.ts, run by migrateDatabase) chains the old rows and then sets NOT NULL itself.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM audit_events WHERE seq IS NULL OR prev_hash IS NULL OR hash IS NULL) THEN
    ALTER TABLE audit_events ALTER COLUMN seq SET NOT NULL;
    ALTER TABLE audit_events ALTER COLUMN prev_hash SET NOT NULL;
    ALTER TABLE audit_events ALTER COLUMN hash SET NOT NULL;
  END IF;
END;
$$;
