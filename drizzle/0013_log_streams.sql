CREATE TABLE "stream_destinations" (
	"org_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"config" jsonb NOT NULL,
	"secret_sealed" text NOT NULL,
	"filter" text DEFAULT '' NOT NULL,
	"format" text DEFAULT 'json' NOT NULL,
	"paused" boolean DEFAULT false NOT NULL,
	"cursor" bigint DEFAULT 0 NOT NULL,
	"pending_through_seq" bigint,
	"generation" integer DEFAULT 0 NOT NULL,
	"last_delivered_at" timestamp (3) with time zone,
	"last_attempt_at" timestamp (3) with time zone,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"unhealthy" boolean DEFAULT false NOT NULL,
	"next_attempt_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"lease_owner" text,
	"lease_until" timestamp (3) with time zone,
	"created_by" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stream_destinations_pkey" PRIMARY KEY("org_id","id"),
	CONSTRAINT "stream_destinations_cursor_nonnegative" CHECK ("stream_destinations"."cursor" >= 0)
);
--> statement-breakpoint
ALTER TABLE "stream_destinations" ADD CONSTRAINT "stream_destinations_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "stream_destinations" ADD CONSTRAINT "stream_destinations_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "stream_destinations_due_idx" ON "stream_destinations" USING btree ("next_attempt_at") WHERE not "stream_destinations"."paused";
