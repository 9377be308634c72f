CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "tokens" DROP CONSTRAINT "tokens_subject";--> statement-breakpoint
ALTER TABLE "tokens" ADD COLUMN "nonce" text;--> statement-breakpoint
CREATE UNIQUE INDEX "tokens_live_feed_key" ON "tokens" USING btree (coalesce("expert_id", '00000000-0000-0000-0000-000000000000'::uuid)) WHERE "tokens"."role" = 'feed' and "tokens"."revoked_at" is null;--> statement-breakpoint
ALTER TABLE "tokens" ADD CONSTRAINT "tokens_subject" CHECK (("tokens"."role" = 'staff' and "tokens"."expert_id" is null and "tokens"."request_id" is null)
        or ("tokens"."role" = 'expert' and "tokens"."expert_id" is not null and "tokens"."request_id" is null)
        or ("tokens"."role" = 'feed' and "tokens"."request_id" is null and "tokens"."nonce" is not null)
        or ("tokens"."role" = 'company' and "tokens"."request_id" is not null and "tokens"."expert_id" is null));