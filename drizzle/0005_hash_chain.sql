CREATE TABLE "audit_chain_anchors" (
	"org_id" uuid NOT NULL,
	"seq" bigint NOT NULL,
	"hash" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "audit_chain_anchors_pkey" PRIMARY KEY("org_id","seq")
);
--> statement-breakpoint
CREATE TABLE "audit_chain_heads" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_checkpoints" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"seq" bigint NOT NULL,
	"hash" text NOT NULL,
	"signed_at" timestamp (3) with time zone NOT NULL,
	"signature" text NOT NULL,
	"key_fingerprint" text NOT NULL,
	CONSTRAINT "audit_checkpoints_pkey" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
-- Edited by hand: the chain columns start nullable because existing rows can only be hashed by the app
-- (JCS + SHA-256 in lib/audit/chain). 0006 makes them NOT NULL right away on an empty table; otherwise the
-- startup backfill (lib/audit/chain/backfill.ts) fills them and then sets NOT NULL.
ALTER TABLE "audit_events" ADD COLUMN "seq" bigint;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "prev_hash" text;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "hash" text;--> statement-breakpoint
ALTER TABLE "audit_chain_anchors" ADD CONSTRAINT "audit_chain_anchors_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_chain_heads" ADD CONSTRAINT "audit_chain_heads_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_checkpoints" ADD CONSTRAINT "audit_checkpoints_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "audit_events_org_seq_idx" ON "audit_events" USING btree ("org_id","seq");