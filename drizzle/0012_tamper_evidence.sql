-- Hand-written: drizzle-kit cannot express roles, SECURITY DEFINER functions or triggers.
-- Closes the append-only trigger's escape hatches (the custom settings `audit.retention` and `audit.chain_backfill`,
-- which any role could set). Whatever may remove or rewrite chain data now runs inside SECURITY DEFINER functions
-- owned by the role `audit_owner`, and the triggers let only that role through. `audit_owner` also owns the chain
-- tables, so a connection as any other (non-superuser) role cannot disable the triggers either. README
-- "Tamper evidence" shows the two-role deployment; a superuser (and the embedded database) can still do anything.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'audit_owner') THEN
    CREATE ROLE audit_owner NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL; -- another database of the same server created it meanwhile
END;
$$;
--> statement-breakpoint
ALTER TABLE audit_chain_anchors ADD COLUMN signed_at timestamp (3) with time zone;
--> statement-breakpoint
ALTER TABLE audit_chain_anchors ADD COLUMN signature text;
--> statement-breakpoint
ALTER TABLE audit_chain_anchors ADD COLUMN key_fingerprint text;
--> statement-breakpoint
ALTER TABLE audit_chain_anchors ADD COLUMN merkle_range text;
--> statement-breakpoint
ALTER TABLE audit_checkpoints ADD COLUMN root_hash text;
--> statement-breakpoint
ALTER TABLE audit_checkpoints ADD COLUMN note text;
--> statement-breakpoint
ALTER TABLE audit_checkpoints ADD COLUMN merkle_range text;
--> statement-breakpoint
-- The Merkle tree (RFC 6962) over each organization's entry hashes, leaf i = entry #i+1: the compact range at `size`
-- (roots of the complete subtrees, largest first) that the checkpointer extends after commit.
CREATE TABLE audit_merkle_state (
  org_id uuid PRIMARY KEY NOT NULL REFERENCES organizations (id),
  size bigint NOT NULL,
  chain_hash text NOT NULL,
  merkle_range text NOT NULL
);
--> statement-breakpoint
-- Tiles of the same tree (C2SP tlog-tiles layout): tile (level, idx) holds up to 256 consecutive node hashes of tree
-- level 8*level, concatenated; a partial tile only ever grows. An inclusion proof reads a few tiles.
CREATE TABLE audit_merkle_tiles (
  org_id uuid NOT NULL REFERENCES organizations (id),
  level smallint NOT NULL,
  idx bigint NOT NULL,
  hashes bytea NOT NULL,
  CONSTRAINT audit_merkle_tiles_pkey PRIMARY KEY (org_id, level, idx)
);
--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- current_user is audit_owner only inside its SECURITY DEFINER functions (or for a superuser who asks to be it).
  IF current_user = 'audit_owner' THEN
    IF TG_OP = 'DELETE' THEN
      RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL AND NEW.prev_hash IS NOT NULL AND NEW.hash IS NOT NULL
       AND (to_jsonb(NEW) - 'seq' - 'prev_hash' - 'hash') = (to_jsonb(OLD) - 'seq' - 'prev_hash' - 'hash') THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege', HINT = 'Audit entries can only be added; old ones are removed by retention.';
END;
$$;
--> statement-breakpoint
-- A chain head only moves forward; it is never deleted.
CREATE OR REPLACE FUNCTION audit_chain_heads_forward_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.org_id = OLD.org_id AND (NEW.seq > OLD.seq OR (NEW.seq = OLD.seq AND NEW.hash = OLD.hash)) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_chain_heads only moves forward: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_chain_heads_forward BEFORE UPDATE OR DELETE ON audit_chain_heads FOR EACH ROW EXECUTE FUNCTION audit_chain_heads_forward_only();
--> statement-breakpoint
CREATE TRIGGER audit_chain_heads_no_truncate BEFORE TRUNCATE ON audit_chain_heads FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_heads_forward_only();
--> statement-breakpoint
-- Anchors are written by retention's function only; checkpoints are only ever added.
CREATE OR REPLACE FUNCTION audit_chain_owner_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_user = 'audit_owner' THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  RAISE EXCEPTION '% on % is not allowed', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_chain_anchors_guard BEFORE INSERT OR UPDATE OR DELETE ON audit_chain_anchors FOR EACH ROW EXECUTE FUNCTION audit_chain_owner_only();
--> statement-breakpoint
CREATE TRIGGER audit_chain_anchors_no_truncate BEFORE TRUNCATE ON audit_chain_anchors FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_owner_only();
--> statement-breakpoint
CREATE TRIGGER audit_checkpoints_guard BEFORE UPDATE OR DELETE ON audit_checkpoints FOR EACH ROW EXECUTE FUNCTION audit_chain_owner_only();
--> statement-breakpoint
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_owner_only();
--> statement-breakpoint
-- The Merkle tree only grows: a tile keeps its hashes and may gain more; the built size never shrinks. (A tree forged
-- by the owner is caught anyway: its roots and proofs would not match the signed checkpoints.)
CREATE OR REPLACE FUNCTION audit_merkle_tiles_grow_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NEW.org_id = OLD.org_id AND NEW.level = OLD.level AND NEW.idx = OLD.idx AND length(NEW.hashes) >= length(OLD.hashes)
       AND substring(NEW.hashes FROM 1 FOR length(OLD.hashes)) = OLD.hashes THEN
      RETURN NEW;
    END IF;
  ELSIF TG_OP = 'DELETE' AND current_user = 'audit_owner' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION '% on audit_merkle_tiles is not allowed: the Merkle tree only grows', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_merkle_state_grow_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NEW.org_id = OLD.org_id AND NEW.size >= OLD.size THEN
      RETURN NEW;
    END IF;
  ELSIF TG_OP = 'DELETE' AND current_user = 'audit_owner' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION '% on audit_merkle_state is not allowed: the Merkle tree only grows', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_merkle_tiles_grow BEFORE UPDATE OR DELETE ON audit_merkle_tiles FOR EACH ROW EXECUTE FUNCTION audit_merkle_tiles_grow_only();
--> statement-breakpoint
CREATE TRIGGER audit_merkle_tiles_no_truncate BEFORE TRUNCATE ON audit_merkle_tiles FOR EACH STATEMENT EXECUTE FUNCTION audit_merkle_tiles_grow_only();
--> statement-breakpoint
CREATE TRIGGER audit_merkle_state_grow BEFORE UPDATE OR DELETE ON audit_merkle_state FOR EACH ROW EXECUTE FUNCTION audit_merkle_state_grow_only();
--> statement-breakpoint
CREATE TRIGGER audit_merkle_state_no_truncate BEFORE TRUNCATE ON audit_merkle_state FOR EACH STATEMENT EXECUTE FUNCTION audit_merkle_state_grow_only();
--> statement-breakpoint
-- Retention, step 1: moves the organization's anchor to (p_seq, p_hash), signed by the app's checkpoint key (the
-- database cannot check Ed25519: the verifier does, and reports an anchor that is not signed). Refuses on legal hold,
-- for an entry that is not there with that hash, and for a move backwards.
CREATE OR REPLACE FUNCTION audit_set_retention_anchor(p_org uuid, p_seq bigint, p_hash text, p_signed_at timestamptz, p_signature text, p_key_fingerprint text, p_merkle_range text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF (SELECT legal_hold FROM organizations WHERE id = p_org) IS DISTINCT FROM false THEN
    RAISE EXCEPTION 'organization % is on legal hold or does not exist', p_org USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM audit_events WHERE org_id = p_org AND seq = p_seq AND hash = p_hash) THEN
    RAISE EXCEPTION 'no entry #% with that hash', p_seq USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF EXISTS (SELECT 1 FROM audit_chain_anchors WHERE org_id = p_org AND seq >= p_seq) THEN
    RAISE EXCEPTION 'the anchor of organization % is already at or past #%', p_org, p_seq USING ERRCODE = 'insufficient_privilege';
  END IF;
  DELETE FROM audit_chain_anchors WHERE org_id = p_org;
  INSERT INTO audit_chain_anchors (org_id, seq, hash, signed_at, signature, key_fingerprint, merkle_range)
  VALUES (p_org, p_seq, p_hash, p_signed_at, p_signature, p_key_fingerprint, p_merkle_range);
END;
$$;
--> statement-breakpoint
-- Retention, step 2: deletes the organization's entries up to its anchor (nothing else); returns how many.
CREATE OR REPLACE FUNCTION audit_retention_delete(p_org uuid) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  through bigint;
  n bigint;
BEGIN
  IF (SELECT legal_hold FROM organizations WHERE id = p_org) IS DISTINCT FROM false THEN
    RAISE EXCEPTION 'organization % is on legal hold or does not exist', p_org USING ERRCODE = 'insufficient_privilege';
  END IF;
  SELECT max(seq) INTO through FROM audit_chain_anchors WHERE org_id = p_org;
  IF through IS NULL THEN
    RETURN 0;
  END IF;
  DELETE FROM audit_events WHERE org_id = p_org AND seq <= through;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END;
$$;
--> statement-breakpoint
-- Retention's partition pass: drops a monthly partition whose rows all lie at or before their organization's anchor.
CREATE OR REPLACE FUNCTION audit_drop_partition(p_name text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  part regclass;
  blocking uuid;
BEGIN
  SELECT c.oid INTO part FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
  WHERE i.inhparent = 'audit_events'::regclass AND c.relname = p_name AND c.relname <> 'audit_events_default';
  IF part IS NULL THEN
    RAISE EXCEPTION '% is not a monthly partition of audit_events', p_name USING ERRCODE = 'insufficient_privilege';
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
-- The hash-chain backfill of entries written before drizzle/0005: fills seq, prev_hash and hash of unchained rows only.
CREATE OR REPLACE FUNCTION audit_chain_backfill(p_org uuid, p_rows jsonb) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  UPDATE audit_events e SET seq = v.seq, prev_hash = v.prev_hash, hash = v.hash
  FROM jsonb_to_recordset(p_rows) AS v(id uuid, seq bigint, prev_hash text, hash text)
  WHERE e.org_id = p_org AND e.id = v.id AND e.seq IS NULL;
END;
$$;
--> statement-breakpoint
ALTER FUNCTION audit_events_create_month_partition(date) SECURITY DEFINER;
--> statement-breakpoint
ALTER FUNCTION audit_events_create_month_partition(date) SET search_path = public, pg_temp;
--> statement-breakpoint
-- audit_owner owns the chain tables (every partition too) and the functions above; the role running this migration
-- keeps what the app needs. Owning a table is what lets a role disable its triggers: the app's role must not.
DO $$
DECLARE
  t text;
  me text := current_user;
BEGIN
  FOR t IN
    SELECT c.relname FROM pg_class c WHERE c.relname IN ('audit_events', 'audit_chain_heads', 'audit_chain_anchors', 'audit_checkpoints', 'audit_merkle_state', 'audit_merkle_tiles')
      AND c.relnamespace = current_schema()::regnamespace
    UNION ALL
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'audit_events'::regclass
  LOOP
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE, REFERENCES ON %I TO %I', t, me);
    EXECUTE format('ALTER TABLE %I OWNER TO audit_owner', t);
  END LOOP;
  GRANT SELECT ON organizations TO audit_owner;
  -- Monthly partitions are created by audit_owner (audit_events_create_month_partition); a no-op warning where this role may not grant it.
  EXECUTE format('GRANT USAGE, CREATE ON SCHEMA %I TO audit_owner', current_schema());
  ALTER FUNCTION audit_set_retention_anchor(uuid, bigint, text, timestamptz, text, text, text) OWNER TO audit_owner;
  ALTER FUNCTION audit_retention_delete(uuid) OWNER TO audit_owner;
  ALTER FUNCTION audit_drop_partition(text) OWNER TO audit_owner;
  ALTER FUNCTION audit_chain_backfill(uuid, jsonb) OWNER TO audit_owner;
  ALTER FUNCTION audit_events_create_month_partition(date) OWNER TO audit_owner;
END;
$$;
