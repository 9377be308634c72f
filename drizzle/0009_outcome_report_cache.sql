-- The outcome report is cached as the utilisation report is (src/routes/reports/cache.ts), so
-- what it shows beyond sessions and requests must also note a change, for the fiscal years
-- that show it: a survey in the year of its visit; a request's readiness and a company's
-- certification in every year that request or company has a visit (a certificate dated after
-- a visit of FY2021 changes FY2021's report). One row per changed row: these change one at a
-- time, when a company answers or the office records a certificate.
CREATE FUNCTION "note_outcome_change"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	changed record;
BEGIN
	IF TG_OP = 'DELETE' THEN changed := OLD; ELSE changed := NEW; END IF;
	IF TG_TABLE_NAME = 'surveys' THEN
		INSERT INTO report_changes (fiscal_year)
		SELECT extract(year from start_at AT TIME ZONE 'UTC' + interval '9 hours' - interval '3 months')::int
		  FROM sessions WHERE id = changed.session_id;
	ELSIF TG_TABLE_NAME = 'readiness' THEN
		INSERT INTO report_changes (fiscal_year)
		SELECT DISTINCT extract(year from start_at AT TIME ZONE 'UTC' + interval '9 hours' - interval '3 months')::int
		  FROM sessions WHERE request_id = changed.request_id;
	ELSE
		INSERT INTO report_changes (fiscal_year)
		SELECT DISTINCT extract(year from start_at AT TIME ZONE 'UTC' + interval '9 hours' - interval '3 months')::int
		  FROM sessions WHERE company_id = changed.company_id;
	END IF;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "surveys_report_change" AFTER INSERT OR UPDATE OR DELETE ON "surveys"
	FOR EACH ROW EXECUTE FUNCTION "note_outcome_change"();
--> statement-breakpoint
CREATE TRIGGER "readiness_report_change" AFTER INSERT OR UPDATE OR DELETE ON "readiness"
	FOR EACH ROW EXECUTE FUNCTION "note_outcome_change"();
--> statement-breakpoint
CREATE TRIGGER "certifications_report_change" AFTER INSERT OR UPDATE OR DELETE ON "certifications"
	FOR EACH ROW EXECUTE FUNCTION "note_outcome_change"();
