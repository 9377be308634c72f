-- A month's payments report is cached as the other reports are (src/routes/reports/cache.ts), so
-- what it shows beyond sessions, requests and experts must note a change too, for the fiscal
-- year that shows it: travel claims and paid items in the year of their visit, payments in the
-- year of their month, exports and fee rates in their own year; a bank account, in every year
-- (0: a report says whether each expert can be paid). One row per statement: an export writes
-- thousands of items in a few statements.
CREATE FUNCTION "note_money_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_TABLE_NAME = 'expert_bank_accounts' THEN
		INSERT INTO report_changes (fiscal_year) VALUES (0);
	ELSIF TG_TABLE_NAME IN ('travel_claims', 'payment_items') THEN
		IF TG_OP IN ('UPDATE', 'DELETE') THEN
			INSERT INTO report_changes (fiscal_year)
			SELECT DISTINCT extract(year from s.start_at AT TIME ZONE 'UTC' + interval '9 hours' - interval '3 months')::int
			  FROM old_rows o JOIN sessions s ON s.id = o.session_id;
		END IF;
		IF TG_OP IN ('UPDATE', 'INSERT') THEN
			INSERT INTO report_changes (fiscal_year)
			SELECT DISTINCT extract(year from s.start_at AT TIME ZONE 'UTC' + interval '9 hours' - interval '3 months')::int
			  FROM new_rows n JOIN sessions s ON s.id = n.session_id;
		END IF;
	ELSIF TG_TABLE_NAME = 'payments' THEN
		-- The Tokyo month 'YYYY-MM' of the visits paid: January to March belong to the year before.
		IF TG_OP IN ('UPDATE', 'DELETE') THEN
			INSERT INTO report_changes (fiscal_year)
			SELECT DISTINCT substr(month, 1, 4)::int - (substr(month, 6, 2)::int < 4)::int FROM old_rows;
		END IF;
		IF TG_OP IN ('UPDATE', 'INSERT') THEN
			INSERT INTO report_changes (fiscal_year)
			SELECT DISTINCT substr(month, 1, 4)::int - (substr(month, 6, 2)::int < 4)::int FROM new_rows;
		END IF;
	ELSE
		IF TG_OP IN ('UPDATE', 'DELETE') THEN
			INSERT INTO report_changes (fiscal_year) SELECT DISTINCT fiscal_year FROM old_rows;
		END IF;
		IF TG_OP IN ('UPDATE', 'INSERT') THEN
			INSERT INTO report_changes (fiscal_year) SELECT DISTINCT fiscal_year FROM new_rows;
		END IF;
	END IF;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "expert_bank_accounts_report_change" AFTER INSERT OR UPDATE OR DELETE ON "expert_bank_accounts"
	FOR EACH STATEMENT EXECUTE FUNCTION "note_money_change"();
--> statement-breakpoint
CREATE TRIGGER "travel_claims_report_insert" AFTER INSERT ON "travel_claims"
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "note_money_change"();
--> statement-breakpoint
CREATE TRIGGER "travel_claims_report_update" AFTER UPDATE ON "travel_claims"
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "note_money_change"();
--> statement-breakpoint
CREATE TRIGGER "travel_claims_report_delete" AFTER DELETE ON "travel_claims"
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "note_money_change"();
--> statement-breakpoint
CREATE TRIGGER "payment_items_report_insert" AFTER INSERT ON "payment_items"
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "note_money_change"();
--> statement-breakpoint
CREATE TRIGGER "payment_items_report_update" AFTER UPDATE ON "payment_items"
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "note_money_change"();
--> statement-breakpoint
CREATE TRIGGER "payment_items_report_delete" AFTER DELETE ON "payment_items"
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "note_money_change"();
--> statement-breakpoint
CREATE TRIGGER "payments_report_insert" AFTER INSERT ON "payments"
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "note_money_change"();
--> statement-breakpoint
CREATE TRIGGER "payments_report_update" AFTER UPDATE ON "payments"
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "note_money_change"();
--> statement-breakpoint
CREATE TRIGGER "payments_report_delete" AFTER DELETE ON "payments"
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "note_money_change"();
--> statement-breakpoint
CREATE TRIGGER "payment_exports_report_insert" AFTER INSERT ON "payment_exports"
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "note_money_change"();
--> statement-breakpoint
CREATE TRIGGER "payment_exports_report_update" AFTER UPDATE ON "payment_exports"
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "note_money_change"();
--> statement-breakpoint
CREATE TRIGGER "payment_exports_report_delete" AFTER DELETE ON "payment_exports"
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "note_money_change"();
--> statement-breakpoint
CREATE TRIGGER "fee_rates_report_insert" AFTER INSERT ON "fee_rates"
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "note_money_change"();
--> statement-breakpoint
CREATE TRIGGER "fee_rates_report_update" AFTER UPDATE ON "fee_rates"
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "note_money_change"();
--> statement-breakpoint
CREATE TRIGGER "fee_rates_report_delete" AFTER DELETE ON "fee_rates"
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "note_money_change"();
