CREATE TYPE "public"."decision_action" AS ENUM('approve', 'reject', 'reprocess', 'reopen');--> statement-breakpoint
CREATE TABLE "decisions" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "decisions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"tenant_id" text NOT NULL,
	"period_id" bigint NOT NULL,
	"period_end" date NOT NULL,
	"revision" integer NOT NULL,
	"action" "decision_action" NOT NULL,
	"actor" text NOT NULL,
	"token_id" bigint NOT NULL,
	"note" text,
	"reason" text,
	"rules" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"consumed_at" timestamp with time zone,
	"consumed_by" text,
	CONSTRAINT "decisions_reason" CHECK ("decisions"."action" not in ('reject', 'reopen') or "decisions"."reason" is not null),
	CONSTRAINT "decisions_consumed" CHECK (("decisions"."consumed_at" is null) = ("decisions"."consumed_by" is null))
);
--> statement-breakpoint
ALTER TABLE "decisions" ADD CONSTRAINT "decisions_token_id_api_tokens_id_fk" FOREIGN KEY ("token_id") REFERENCES "public"."api_tokens"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decisions" ADD CONSTRAINT "decisions_period_fk" FOREIGN KEY ("tenant_id","period_id") REFERENCES "public"."periods"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "decisions_period" ON "decisions" USING btree ("period_id","created_at");