CREATE TABLE "page_flashes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "tokens" DROP CONSTRAINT "tokens_subject";--> statement-breakpoint
ALTER TABLE "web_sessions" DROP CONSTRAINT "web_sessions_subject";--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "contact_name_kana" text;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "company_address" text;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "privacy_consent_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "meeting_url" text;--> statement-breakpoint
ALTER TABLE "tokens" ADD CONSTRAINT "tokens_subject" CHECK (("tokens"."role" in ('staff', 'viewer') and "tokens"."expert_id" is null and "tokens"."request_id" is null)
        or ("tokens"."role" = 'expert' and "tokens"."expert_id" is not null and "tokens"."request_id" is null)
        or ("tokens"."role" = 'feed' and "tokens"."request_id" is null and "tokens"."nonce" is not null)
        or ("tokens"."role" = 'company' and "tokens"."request_id" is not null and "tokens"."expert_id" is null)
        or ("tokens"."role" = 'sign-in' and "tokens"."request_id" is null and "tokens"."nonce" is not null
            and "tokens"."expires_at" is not null));--> statement-breakpoint
ALTER TABLE "web_sessions" ADD CONSTRAINT "web_sessions_subject" CHECK (("web_sessions"."role" in ('staff', 'viewer') and "web_sessions"."expert_id" is null)
        or ("web_sessions"."role" = 'expert' and "web_sessions"."expert_id" is not null and "web_sessions"."token_id" is null));