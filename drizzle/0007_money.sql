CREATE TABLE "budgets" (
	"fiscal_year" integer PRIMARY KEY NOT NULL,
	"amount_yen" bigint NOT NULL,
	"intake_closes_on" date,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "budgets_amount_positive" CHECK ("budgets"."amount_yen" >= 0)
);
--> statement-breakpoint
CREATE TABLE "expert_bank_accounts" (
	"expert_id" uuid PRIMARY KEY NOT NULL,
	"bank_code" text NOT NULL,
	"branch_code" text NOT NULL,
	"account_type" text NOT NULL,
	"account_number" text NOT NULL,
	"holder_name" text NOT NULL,
	"bank_name" text NOT NULL,
	"branch_name" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fee_rates" (
	"fiscal_year" integer PRIMARY KEY NOT NULL,
	"hourly_rate_yen" integer NOT NULL,
	"unit_minutes" integer NOT NULL,
	"daily_cap_yen" integer NOT NULL,
	"withholding_bp" integer NOT NULL,
	"withholding_above_bp" integer NOT NULL,
	"withholding_threshold_yen" integer NOT NULL,
	"withhold_travel" boolean NOT NULL,
	"daily_allowance_yen" integer NOT NULL,
	"lodging_cap_yen" integer NOT NULL,
	"travel_estimate_yen" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "fee_rates_unit_range" CHECK ("fee_rates"."unit_minutes" between 1 and 480),
	CONSTRAINT "fee_rates_bp_range" CHECK ("fee_rates"."withholding_bp" between 0 and 10000 and "fee_rates"."withholding_above_bp" between 0 and 10000)
);
--> statement-breakpoint
CREATE TABLE "payment_exports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"fiscal_year" integer NOT NULL,
	"month" text NOT NULL,
	"sequence" integer NOT NULL,
	"transfer_date" date NOT NULL,
	"transfers" integer NOT NULL,
	"total_yen" bigint NOT NULL,
	"file" "bytea",
	"file_sha256" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payment_items" (
	"session_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"payment_id" uuid NOT NULL,
	"day" date NOT NULL,
	"units" integer NOT NULL,
	"amount_yen" integer NOT NULL,
	CONSTRAINT "payment_items_session_id_kind_pk" PRIMARY KEY("session_id","kind")
);
--> statement-breakpoint
CREATE TABLE "payments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"export_id" uuid NOT NULL,
	"expert_id" uuid NOT NULL,
	"month" text NOT NULL,
	"units" integer NOT NULL,
	"fee_yen" integer NOT NULL,
	"travel_yen" integer NOT NULL,
	"withholding_yen" integer NOT NULL,
	"net_yen" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "travel_claims" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"expert_id" uuid NOT NULL,
	"legs" jsonb NOT NULL,
	"allowance_yen" integer NOT NULL,
	"lodging_yen" integer NOT NULL,
	"claimed_yen" integer NOT NULL,
	"status" text DEFAULT 'submitted' NOT NULL,
	"approved_yen" integer,
	"decision_reason" text,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "travel_claims_amounts" CHECK ("travel_claims"."allowance_yen" >= 0 and "travel_claims"."lodging_yen" >= 0 and "travel_claims"."claimed_yen" >= 0),
	CONSTRAINT "travel_claims_decision" CHECK (("travel_claims"."status" = 'submitted' and "travel_claims"."approved_yen" is null and "travel_claims"."decided_at" is null)
        or ("travel_claims"."status" = 'approved' and "travel_claims"."approved_yen" = "travel_claims"."claimed_yen" and "travel_claims"."decided_at" is not null)
        or ("travel_claims"."status" = 'adjusted' and "travel_claims"."approved_yen" between 0 and "travel_claims"."claimed_yen"
            and "travel_claims"."decision_reason" is not null and "travel_claims"."decided_at" is not null))
);
--> statement-breakpoint
CREATE TABLE "travel_receipts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"claim_id" uuid NOT NULL,
	"filename" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"sha256" text NOT NULL,
	"content" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "travel_receipts_size" CHECK ("travel_receipts"."size_bytes" between 1 and 5242880)
);
--> statement-breakpoint
ALTER TABLE "experts" ADD COLUMN "fee_exempt" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "actual_start" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "actual_end" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "attendance" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "attendance_comment" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "attendance_by" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "attendance_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "expert_bank_accounts" ADD CONSTRAINT "expert_bank_accounts_expert_id_experts_id_fk" FOREIGN KEY ("expert_id") REFERENCES "public"."experts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_items" ADD CONSTRAINT "payment_items_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_items" ADD CONSTRAINT "payment_items_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_export_id_payment_exports_id_fk" FOREIGN KEY ("export_id") REFERENCES "public"."payment_exports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_expert_id_experts_id_fk" FOREIGN KEY ("expert_id") REFERENCES "public"."experts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "travel_claims" ADD CONSTRAINT "travel_claims_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "travel_claims" ADD CONSTRAINT "travel_claims_expert_id_experts_id_fk" FOREIGN KEY ("expert_id") REFERENCES "public"."experts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "travel_receipts" ADD CONSTRAINT "travel_receipts_claim_id_travel_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."travel_claims"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "payment_exports_month_sequence_key" ON "payment_exports" USING btree ("month","sequence");--> statement-breakpoint
CREATE INDEX "payment_items_payment_idx" ON "payment_items" USING btree ("payment_id");--> statement-breakpoint
CREATE UNIQUE INDEX "payments_export_expert_key" ON "payments" USING btree ("export_id","expert_id");--> statement-breakpoint
CREATE INDEX "payments_expert_month_idx" ON "payments" USING btree ("expert_id","month");--> statement-breakpoint
CREATE UNIQUE INDEX "travel_claims_session_key" ON "travel_claims" USING btree ("session_id");--> statement-breakpoint
CREATE INDEX "travel_claims_expert_idx" ON "travel_claims" USING btree ("expert_id","created_at","id");--> statement-breakpoint
CREATE INDEX "travel_claims_status_idx" ON "travel_claims" USING btree ("status","created_at","id");--> statement-breakpoint
CREATE INDEX "travel_receipts_claim_idx" ON "travel_receipts" USING btree ("claim_id");--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_actual_times" CHECK (("sessions"."actual_start" is null and "sessions"."actual_end" is null)
        or ("sessions"."actual_start" is not null and "sessions"."actual_end" is not null and "sessions"."actual_start" < "sessions"."actual_end"));--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_attendance" CHECK ("sessions"."attendance" is null
        or ("sessions"."status" = 'completed' and "sessions"."attendance_by" is not null and "sessions"."attendance_at" is not null));--> statement-breakpoint
-- Data (hand-written): a visit reported before reports carried actual times took place as booked.
UPDATE "sessions" SET "actual_start" = "start_at", "actual_end" = "end_at" WHERE "status" = 'completed' AND "actual_start" IS NULL;
