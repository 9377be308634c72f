-- Invariants 1 and 2 of PRODUCT.md, held by Postgres itself so they hold across any number
-- of API processes: an expert's blocked ranges (visit ± travel buffer) and a company's
-- visits never overlap among active (confirmed or completed) sessions.
CREATE EXTENSION IF NOT EXISTS btree_gist;
--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_expert_no_overlap"
  EXCLUDE USING gist ("expert_id" WITH =, tstzrange("blocked_from", "blocked_to") WITH &&)
  WHERE ("status" IN ('confirmed', 'completed'));
--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_company_no_overlap"
  EXCLUDE USING gist ("company_id" WITH =, tstzrange("start_at", "end_at") WITH &&)
  WHERE ("status" IN ('confirmed', 'completed'));
