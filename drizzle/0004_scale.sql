CREATE TABLE "expert_monthly_visits" (
	"expert_id" uuid NOT NULL,
	"month" date NOT NULL,
	"visits" integer NOT NULL,
	CONSTRAINT "expert_monthly_visits_expert_id_month_pk" PRIMARY KEY("expert_id","month")
);
--> statement-breakpoint
ALTER TABLE "calendar_feeds" ADD COLUMN "next_sync_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "expert_monthly_visits" ADD CONSTRAINT "expert_monthly_visits_expert_id_experts_id_fk" FOREIGN KEY ("expert_id") REFERENCES "public"."experts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "busy_blocks_expert_range_idx" ON "busy_blocks" USING gist ("expert_id",tstzrange("start_at", "end_at"));--> statement-breakpoint
CREATE INDEX "calendar_feeds_next_sync_idx" ON "calendar_feeds" USING btree ("next_sync_at");--> statement-breakpoint
-- Kept in the transaction of every change to a session: matching reads the monthly cap and
-- the fiscal year's load from here. A Tokyo month by shifting the UTC wall clock nine hours,
-- as the reports do, so no time-zone data is needed.
CREATE FUNCTION "count_expert_monthly_visits"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status IN ('confirmed', 'completed') THEN
		UPDATE expert_monthly_visits SET visits = visits - 1
		 WHERE expert_id = OLD.expert_id
		   AND month = date_trunc('month', OLD.start_at AT TIME ZONE 'UTC' + interval '9 hours')::date;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status IN ('confirmed', 'completed') THEN
		INSERT INTO expert_monthly_visits (expert_id, month, visits)
		VALUES (NEW.expert_id, date_trunc('month', NEW.start_at AT TIME ZONE 'UTC' + interval '9 hours')::date, 1)
		ON CONFLICT (expert_id, month) DO UPDATE SET visits = expert_monthly_visits.visits + 1;
	END IF;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "sessions_count_expert_monthly_visits"
	AFTER INSERT OR DELETE OR UPDATE OF status, start_at, expert_id ON "sessions"
	FOR EACH ROW EXECUTE FUNCTION "count_expert_monthly_visits"();
--> statement-breakpoint
INSERT INTO expert_monthly_visits (expert_id, month, visits)
SELECT expert_id, date_trunc('month', start_at AT TIME ZONE 'UTC' + interval '9 hours')::date, count(*)
  FROM sessions WHERE status IN ('confirmed', 'completed') GROUP BY 1, 2;
