ALTER TYPE "public"."change_kind" ADD VALUE 'customer.updated' BEFORE 'user.created';--> statement-breakpoint
CREATE TABLE "customer_tree" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "customer_tree_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"tenant_id" text NOT NULL,
	"customer_id" bigint NOT NULL,
	"valid_from" timestamp with time zone NOT NULL,
	"parent_id" bigint,
	"relationship" "billing_relationship" NOT NULL,
	"reseller_billing" "reseller_billing" NOT NULL,
	"tags" text[] NOT NULL,
	"actor" text NOT NULL,
	"change_id" bigint,
	CONSTRAINT "customer_tree_via_has_parent" CHECK ("customer_tree"."relationship" = 'direct' or "customer_tree"."parent_id" is not null),
	CONSTRAINT "customer_tree_not_own_parent" CHECK ("customer_tree"."parent_id" is distinct from "customer_tree"."customer_id")
);
--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "rule_name" text;--> statement-breakpoint
ALTER TABLE "period_customers" ADD COLUMN "relationship" "billing_relationship";--> statement-breakpoint
ALTER TABLE "period_customers" ADD COLUMN "reseller_billing" "reseller_billing";--> statement-breakpoint
-- Snapshots taken before this migration get the customer's configuration as it stands now: the nearest left.
UPDATE "period_customers" pc SET "relationship" = c."relationship", "reseller_billing" = c."reseller_billing" FROM "customers" c WHERE c."id" = pc."customer_id" AND c."tenant_id" = pc."tenant_id";--> statement-breakpoint
ALTER TABLE "period_customers" ALTER COLUMN "relationship" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "period_customers" ALTER COLUMN "reseller_billing" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "customer_tree" ADD CONSTRAINT "customer_tree_customer_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_tree" ADD CONSTRAINT "customer_tree_parent_fk" FOREIGN KEY ("tenant_id","parent_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customer_tree_customer" ON "customer_tree" USING btree ("tenant_id","customer_id","valid_from");--> statement-breakpoint
-- Items computed before this migration take the rule's name as it stands now: the nearest snapshot left.
UPDATE "items" i SET "rule_name" = r."name" FROM "rules" r WHERE r."id" = i."rule_id" AND r."tenant_id" = i."tenant_id";
