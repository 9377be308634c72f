CREATE TABLE "expert_monthly_visits" (
	"expert_id" uuid NOT NULL,
	"month" date NOT NULL,
	"visits" integer NOT NULL,
	CONSTRAINT "expert_monthly_visits_expert_id_month_pk" PRIMARY KEY("expert_id","month")
);
--> statement-breakpoint
CREATE TABLE "report_cache" (
	"kind" text NOT NULL,
	"fiscal_year" integer NOT NULL,
	"changes" bigint NOT NULL,
	"body" text NOT NULL,
	CONSTRAINT "report_cache_kind_fiscal_year_pk" PRIMARY KEY("kind","fiscal_year")
);
--> statement-breakpoint
CREATE TABLE "report_changes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"fiscal_year" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "calendar_feeds" ADD COLUMN "next_sync_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "expert_monthly_visits" ADD CONSTRAINT "expert_monthly_visits_expert_id_experts_id_fk" FOREIGN KEY ("expert_id") REFERENCES "public"."experts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "report_changes_fiscal_year_idx" ON "report_changes" USING btree ("fiscal_year");--> statement-breakpoint
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
--> statement-breakpoint
-- What a fiscal year's reports show changes: its sessions (the years a statement's rows start
-- in, before and after), and, for every year (0), the requests' snapshots, the experts, their
-- hours and the companies' numbers. Year 0 also tells matching that its copy of the experts
-- and their hours is stale. One row per statement: a bulk change adds a few rows.
CREATE FUNCTION "note_report_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_TABLE_NAME = 'sessions' THEN
		IF TG_OP IN ('UPDATE', 'DELETE') THEN
			INSERT INTO report_changes (fiscal_year)
			SELECT DISTINCT extract(year from start_at AT TIME ZONE 'UTC' + interval '9 hours' - interval '3 months')::int
			  FROM old_rows;
		END IF;
		IF TG_OP IN ('UPDATE', 'INSERT') THEN
			INSERT INTO report_changes (fiscal_year)
			SELECT DISTINCT extract(year from start_at AT TIME ZONE 'UTC' + interval '9 hours' - interval '3 months')::int
			  FROM new_rows;
		END IF;
	ELSE
		INSERT INTO report_changes (fiscal_year) VALUES (0);
	END IF;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "sessions_report_insert" AFTER INSERT ON "sessions"
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "note_report_change"();
--> statement-breakpoint
CREATE TRIGGER "sessions_report_update" AFTER UPDATE ON "sessions"
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "note_report_change"();
--> statement-breakpoint
CREATE TRIGGER "sessions_report_delete" AFTER DELETE ON "sessions"
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "note_report_change"();
--> statement-breakpoint
CREATE TRIGGER "requests_report_change" AFTER UPDATE OF industry_code, prefecture_code, is_sme, topics, company_name, company_id, created_at ON "requests"
	FOR EACH STATEMENT EXECUTE FUNCTION "note_report_change"();
--> statement-breakpoint
CREATE TRIGGER "experts_report_change" AFTER INSERT OR DELETE OR UPDATE ON "experts"
	FOR EACH STATEMENT EXECUTE FUNCTION "note_report_change"();
--> statement-breakpoint
CREATE TRIGGER "weekly_hours_report_change" AFTER INSERT OR UPDATE OR DELETE ON "expert_weekly_hours"
	FOR EACH STATEMENT EXECUTE FUNCTION "note_report_change"();
--> statement-breakpoint
CREATE TRIGGER "date_overrides_report_change" AFTER INSERT OR UPDATE OR DELETE ON "expert_date_overrides"
	FOR EACH STATEMENT EXECUTE FUNCTION "note_report_change"();
--> statement-breakpoint
CREATE TRIGGER "companies_report_change" AFTER UPDATE OF corporate_number ON "companies"
	FOR EACH STATEMENT EXECUTE FUNCTION "note_report_change"();
