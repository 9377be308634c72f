CREATE TABLE "audit_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_role" text NOT NULL,
	"actor_id" text,
	"action" text NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" text NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "busy_blocks" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"feed_id" uuid NOT NULL,
	"expert_id" uuid NOT NULL,
	"start_at" timestamp with time zone NOT NULL,
	"end_at" timestamp with time zone NOT NULL,
	CONSTRAINT "busy_blocks_start_before_end" CHECK ("busy_blocks"."start_at" < "busy_blocks"."end_at")
);
--> statement-breakpoint
CREATE TABLE "calendar_feeds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"expert_id" uuid NOT NULL,
	"url" text NOT NULL,
	"etag" text,
	"last_modified" text,
	"last_synced_at" timestamp with time zone,
	"last_success_at" timestamp with time zone,
	"last_error" text,
	"event_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "companies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"corporate_number" text,
	"name" text NOT NULL,
	"industry_code" text NOT NULL,
	"prefecture_code" text NOT NULL,
	"employees" integer NOT NULL,
	"capital_yen" bigint NOT NULL,
	"is_sme" boolean NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "companies_corporate_number_format" CHECK ("companies"."corporate_number" ~ '^[0-9]{13}$')
);
--> statement-breakpoint
CREATE TABLE "expert_date_overrides" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"expert_id" uuid NOT NULL,
	"date" date NOT NULL,
	"start_time" time,
	"end_time" time,
	CONSTRAINT "override_times" CHECK (("expert_date_overrides"."start_time" is null and "expert_date_overrides"."end_time" is null) or ("expert_date_overrides"."start_time" is not null and "expert_date_overrides"."end_time" is not null and "expert_date_overrides"."start_time" < "expert_date_overrides"."end_time"))
);
--> statement-breakpoint
CREATE TABLE "experts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"email" text NOT NULL,
	"affiliation" text DEFAULT '' NOT NULL,
	"industries" text[] DEFAULT '{}'::text[] NOT NULL,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"topics" text[] DEFAULT '{}'::text[] NOT NULL,
	"prefectures" text[] DEFAULT '{}'::text[] NOT NULL,
	"online" boolean DEFAULT true NOT NULL,
	"languages" text[] DEFAULT '{}'::text[] NOT NULL,
	"max_visits_per_month" integer DEFAULT 8 NOT NULL,
	"travel_buffer_minutes" integer DEFAULT 60 NOT NULL,
	"conflicts" text[] DEFAULT '{}'::text[] NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "experts_max_visits_positive" CHECK ("experts"."max_visits_per_month" >= 0),
	CONSTRAINT "experts_buffer_range" CHECK ("experts"."travel_buffer_minutes" between 0 and 480)
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"scope" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"status" integer NOT NULL,
	"body" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_scope_key_pk" PRIMARY KEY("scope","key")
);
--> statement-breakpoint
CREATE TABLE "requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"company_id" uuid NOT NULL,
	"company_name" text NOT NULL,
	"industry_code" text NOT NULL,
	"prefecture_code" text NOT NULL,
	"employees" integer NOT NULL,
	"capital_yen" bigint NOT NULL,
	"is_sme" boolean NOT NULL,
	"contact_name" text NOT NULL,
	"contact_email" text NOT NULL,
	"contact_phone" text,
	"topics" text[] DEFAULT '{}'::text[] NOT NULL,
	"format" text NOT NULL,
	"duration_minutes" integer NOT NULL,
	"preferred_windows" jsonb NOT NULL,
	"notes" text DEFAULT '' NOT NULL,
	"follow_up_of" uuid,
	"status" text DEFAULT 'received' NOT NULL,
	"fiscal_year" integer NOT NULL,
	"cancel_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "requests_duration_range" CHECK ("requests"."duration_minutes" between 60 and 240)
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"request_id" uuid NOT NULL,
	"expert_id" uuid NOT NULL,
	"company_id" uuid NOT NULL,
	"start_at" timestamp with time zone NOT NULL,
	"end_at" timestamp with time zone NOT NULL,
	"format" text NOT NULL,
	"travel_buffer_minutes" integer DEFAULT 0 NOT NULL,
	"blocked_from" timestamp with time zone NOT NULL,
	"blocked_to" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'confirmed' NOT NULL,
	"sequence" integer DEFAULT 0 NOT NULL,
	"cancel_reason" text,
	"report" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sessions_start_before_end" CHECK ("sessions"."start_at" < "sessions"."end_at"),
	CONSTRAINT "sessions_blocked_covers_visit" CHECK ("sessions"."blocked_from" <= "sessions"."start_at" and "sessions"."blocked_to" >= "sessions"."end_at")
);
--> statement-breakpoint
CREATE TABLE "tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"hash" text NOT NULL,
	"role" text NOT NULL,
	"expert_id" uuid,
	"request_id" uuid,
	"label" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "tokens_subject" CHECK (("tokens"."role" = 'staff' and "tokens"."expert_id" is null and "tokens"."request_id" is null)
        or ("tokens"."role" in ('expert', 'feed') and "tokens"."expert_id" is not null and "tokens"."request_id" is null)
        or ("tokens"."role" = 'company' and "tokens"."request_id" is not null and "tokens"."expert_id" is null))
);
--> statement-breakpoint
CREATE TABLE "expert_weekly_hours" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"expert_id" uuid NOT NULL,
	"weekday" smallint NOT NULL,
	"start_time" time NOT NULL,
	"end_time" time NOT NULL,
	CONSTRAINT "weekly_weekday_range" CHECK ("expert_weekly_hours"."weekday" between 1 and 7),
	CONSTRAINT "weekly_start_before_end" CHECK ("expert_weekly_hours"."start_time" < "expert_weekly_hours"."end_time")
);
--> statement-breakpoint
ALTER TABLE "busy_blocks" ADD CONSTRAINT "busy_blocks_feed_id_calendar_feeds_id_fk" FOREIGN KEY ("feed_id") REFERENCES "public"."calendar_feeds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "busy_blocks" ADD CONSTRAINT "busy_blocks_expert_id_experts_id_fk" FOREIGN KEY ("expert_id") REFERENCES "public"."experts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calendar_feeds" ADD CONSTRAINT "calendar_feeds_expert_id_experts_id_fk" FOREIGN KEY ("expert_id") REFERENCES "public"."experts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "expert_date_overrides" ADD CONSTRAINT "expert_date_overrides_expert_id_experts_id_fk" FOREIGN KEY ("expert_id") REFERENCES "public"."experts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_follow_up_of_requests_id_fk" FOREIGN KEY ("follow_up_of") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_expert_id_experts_id_fk" FOREIGN KEY ("expert_id") REFERENCES "public"."experts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tokens" ADD CONSTRAINT "tokens_expert_id_experts_id_fk" FOREIGN KEY ("expert_id") REFERENCES "public"."experts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tokens" ADD CONSTRAINT "tokens_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "expert_weekly_hours" ADD CONSTRAINT "expert_weekly_hours_expert_id_experts_id_fk" FOREIGN KEY ("expert_id") REFERENCES "public"."experts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_events_entity_idx" ON "audit_events" USING btree ("entity_type","entity_id","id");--> statement-breakpoint
CREATE INDEX "busy_blocks_expert_start_idx" ON "busy_blocks" USING btree ("expert_id","start_at","end_at");--> statement-breakpoint
CREATE INDEX "busy_blocks_feed_idx" ON "busy_blocks" USING btree ("feed_id");--> statement-breakpoint
CREATE INDEX "calendar_feeds_expert_idx" ON "calendar_feeds" USING btree ("expert_id");--> statement-breakpoint
CREATE UNIQUE INDEX "companies_corporate_number_key" ON "companies" USING btree ("corporate_number");--> statement-breakpoint
CREATE INDEX "expert_date_overrides_expert_date_idx" ON "expert_date_overrides" USING btree ("expert_id","date");--> statement-breakpoint
CREATE INDEX "requests_status_created_idx" ON "requests" USING btree ("status","created_at","id");--> statement-breakpoint
CREATE INDEX "requests_fiscal_year_created_idx" ON "requests" USING btree ("fiscal_year","created_at","id");--> statement-breakpoint
CREATE INDEX "requests_created_idx" ON "requests" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "requests_company_idx" ON "requests" USING btree ("company_id");--> statement-breakpoint
CREATE INDEX "requests_follow_up_idx" ON "requests" USING btree ("follow_up_of");--> statement-breakpoint
CREATE INDEX "sessions_expert_blocked_idx" ON "sessions" USING btree ("expert_id","blocked_from");--> statement-breakpoint
CREATE INDEX "sessions_company_start_idx" ON "sessions" USING btree ("company_id","start_at");--> statement-breakpoint
CREATE INDEX "sessions_request_idx" ON "sessions" USING btree ("request_id");--> statement-breakpoint
CREATE INDEX "sessions_start_idx" ON "sessions" USING btree ("start_at");--> statement-breakpoint
CREATE UNIQUE INDEX "tokens_hash_key" ON "tokens" USING btree ("hash");--> statement-breakpoint
CREATE INDEX "expert_weekly_hours_expert_idx" ON "expert_weekly_hours" USING btree ("expert_id");