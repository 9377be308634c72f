CREATE TABLE "web_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"hash" text NOT NULL,
	"role" text NOT NULL,
	"token_id" uuid,
	"expert_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	CONSTRAINT "web_sessions_subject" CHECK (("web_sessions"."role" = 'staff' and "web_sessions"."expert_id" is null)
        or ("web_sessions"."role" = 'expert' and "web_sessions"."expert_id" is not null and "web_sessions"."token_id" is null))
);
--> statement-breakpoint
ALTER TABLE "requests" ALTER COLUMN "company_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "corporate_number" text;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "reviewed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "review_note" text;--> statement-breakpoint
-- Data: the request keeps its own corporate number; one booked before review existed was in
-- effect accepted; one never booked is received again, not yet the company's.
UPDATE "requests" r SET "corporate_number" = c."corporate_number" FROM "companies" c WHERE c."id" = r."company_id";--> statement-breakpoint
UPDATE "requests" r SET "status" = 'accepted', "reviewed_at" = r."updated_at" WHERE r."status" = 'received' AND EXISTS (SELECT 1 FROM "sessions" s WHERE s."request_id" = r."id");--> statement-breakpoint
UPDATE "requests" SET "reviewed_at" = "created_at" WHERE "status" IN ('scheduled', 'completed') AND "reviewed_at" IS NULL;--> statement-breakpoint
UPDATE "requests" SET "company_id" = NULL WHERE "status" = 'received';--> statement-breakpoint
ALTER TABLE "tokens" ADD COLUMN "expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tokens" ADD COLUMN "last_used_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "web_sessions" ADD CONSTRAINT "web_sessions_token_id_tokens_id_fk" FOREIGN KEY ("token_id") REFERENCES "public"."tokens"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "web_sessions" ADD CONSTRAINT "web_sessions_expert_id_experts_id_fk" FOREIGN KEY ("expert_id") REFERENCES "public"."experts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "web_sessions_hash_key" ON "web_sessions" USING btree ("hash");--> statement-breakpoint
CREATE INDEX "web_sessions_token_idx" ON "web_sessions" USING btree ("token_id");--> statement-breakpoint
CREATE INDEX "web_sessions_expert_idx" ON "web_sessions" USING btree ("expert_id");--> statement-breakpoint
CREATE INDEX "requests_corporate_number_idx" ON "requests" USING btree ("corporate_number");--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_status_known" CHECK ("requests"."status" in ('received', 'accepted', 'declined', 'scheduled', 'completed', 'cancelled'));--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_company_linked" CHECK (("requests"."status" not in ('accepted', 'scheduled', 'completed') or "requests"."company_id" is not null)
        and ("requests"."status" <> 'received' or "requests"."company_id" is null));