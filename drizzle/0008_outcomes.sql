CREATE TABLE "certifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"company_id" uuid NOT NULL,
	"body_id" text NOT NULL,
	"status" text NOT NULL,
	"date" date NOT NULL,
	"number" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "certifications_body_known" CHECK ("certifications"."body_id" in ('jicqa', 'jqa', 'jaco', 'bsk', 'kansai-infosec', 'jdmia')),
	CONSTRAINT "certifications_status_known" CHECK ("certifications"."status" in ('auditing', 'certified'))
);
--> statement-breakpoint
CREATE TABLE "readiness" (
	"request_id" uuid NOT NULL,
	"phase" text NOT NULL,
	"identify" smallint NOT NULL,
	"classify" smallint NOT NULL,
	"manager" smallint NOT NULL,
	"process" smallint NOT NULL,
	"training" smallint NOT NULL,
	"incident" smallint NOT NULL,
	"access" smallint NOT NULL,
	"physical" smallint NOT NULL,
	"electronic" smallint NOT NULL,
	"first_answered_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "readiness_request_id_phase_pk" PRIMARY KEY("request_id","phase"),
	CONSTRAINT "readiness_phase_known" CHECK ("readiness"."phase" in ('before', 'after')),
	CONSTRAINT "readiness_identify_range" CHECK ("readiness"."identify" between 0 and 3),
	CONSTRAINT "readiness_classify_range" CHECK ("readiness"."classify" between 0 and 3),
	CONSTRAINT "readiness_manager_range" CHECK ("readiness"."manager" between 0 and 3),
	CONSTRAINT "readiness_process_range" CHECK ("readiness"."process" between 0 and 3),
	CONSTRAINT "readiness_training_range" CHECK ("readiness"."training" between 0 and 3),
	CONSTRAINT "readiness_incident_range" CHECK ("readiness"."incident" between 0 and 3),
	CONSTRAINT "readiness_access_range" CHECK ("readiness"."access" between 0 and 3),
	CONSTRAINT "readiness_physical_range" CHECK ("readiness"."physical" between 0 and 3),
	CONSTRAINT "readiness_electronic_range" CHECK ("readiness"."electronic" between 0 and 3)
);
--> statement-breakpoint
CREATE TABLE "surveys" (
	"session_id" uuid PRIMARY KEY NOT NULL,
	"satisfaction" smallint NOT NULL,
	"resolved" text NOT NULL,
	"wants_more" boolean NOT NULL,
	"comment" text DEFAULT '' NOT NULL,
	"expert_rating" smallint,
	"first_submitted_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "surveys_satisfaction_range" CHECK ("surveys"."satisfaction" between 1 and 5),
	CONSTRAINT "surveys_resolved_known" CHECK ("surveys"."resolved" in ('yes', 'partly', 'no')),
	CONSTRAINT "surveys_expert_rating_range" CHECK ("surveys"."expert_rating" between 1 and 5)
);
--> statement-breakpoint
ALTER TABLE "experts" ADD COLUMN "certification_body_id" text;--> statement-breakpoint
ALTER TABLE "certifications" ADD CONSTRAINT "certifications_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "readiness" ADD CONSTRAINT "readiness_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "surveys" ADD CONSTRAINT "surveys_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "certifications_company_idx" ON "certifications" USING btree ("company_id","date");--> statement-breakpoint
ALTER TABLE "experts" ADD CONSTRAINT "experts_certification_body_known" CHECK ("experts"."certification_body_id" in ('jicqa', 'jqa', 'jaco', 'bsk', 'kansai-infosec', 'jdmia'));