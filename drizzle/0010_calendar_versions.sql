CREATE TABLE "expert_calendar_versions" (
	"expert_id" uuid PRIMARY KEY NOT NULL,
	"version" bigint NOT NULL,
	"bucket" smallint GENERATED ALWAYS AS (get_byte(uuid_send(expert_id), 15)) STORED NOT NULL
);
--> statement-breakpoint
CREATE INDEX "expert_calendar_versions_bucket_idx" ON "expert_calendar_versions" USING btree ("bucket");--> statement-breakpoint
-- Matching keeps each expert's busy time in memory (src/routes/requests/calendars.ts) and
-- reads it again once the expert's version here has moved. Busy blocks come and go by the
-- hundred when a feed syncs: one bump per expert per statement. Sessions change one at a time:
-- one bump per row, and only when what blocks time or counts toward the load changes. No
-- foreign key to experts: a cascaded delete of an expert's blocks still bumps here after the
-- expert's row is gone.
CREATE FUNCTION "bump_calendar_versions"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_LEVEL = 'ROW' THEN
		INSERT INTO expert_calendar_versions (expert_id, version)
		SELECT DISTINCT expert_id, 1 FROM (
			SELECT CASE WHEN TG_OP <> 'DELETE' THEN NEW.expert_id END AS expert_id
			UNION ALL
			SELECT CASE WHEN TG_OP <> 'INSERT' THEN OLD.expert_id END
		) AS changed WHERE expert_id IS NOT NULL
		ON CONFLICT (expert_id) DO UPDATE SET version = expert_calendar_versions.version + 1;
	ELSE
		IF TG_OP IN ('UPDATE', 'DELETE') THEN
			INSERT INTO expert_calendar_versions (expert_id, version)
			SELECT DISTINCT expert_id, 1 FROM old_rows
			ON CONFLICT (expert_id) DO UPDATE SET version = expert_calendar_versions.version + 1;
		END IF;
		IF TG_OP IN ('UPDATE', 'INSERT') THEN
			INSERT INTO expert_calendar_versions (expert_id, version)
			SELECT DISTINCT expert_id, 1 FROM new_rows
			ON CONFLICT (expert_id) DO UPDATE SET version = expert_calendar_versions.version + 1;
		END IF;
	END IF;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "busy_blocks_calendar_insert" AFTER INSERT ON "busy_blocks"
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "bump_calendar_versions"();
--> statement-breakpoint
CREATE TRIGGER "busy_blocks_calendar_update" AFTER UPDATE ON "busy_blocks"
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "bump_calendar_versions"();
--> statement-breakpoint
CREATE TRIGGER "busy_blocks_calendar_delete" AFTER DELETE ON "busy_blocks"
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "bump_calendar_versions"();
--> statement-breakpoint
CREATE TRIGGER "sessions_calendar_change"
	AFTER INSERT OR DELETE OR UPDATE OF status, expert_id, start_at, end_at, blocked_from, blocked_to ON "sessions"
	FOR EACH ROW EXECUTE FUNCTION "bump_calendar_versions"();
