CREATE TYPE "public"."role" AS ENUM('admin', 'finance', 'operator', 'customer');--> statement-breakpoint
CREATE TYPE "public"."billing_model" AS ENUM('recurring', 'usage');--> statement-breakpoint
CREATE TYPE "public"."element_kind" AS ENUM('plan', 'instance', 'application', 'domain', 'usage');--> statement-breakpoint
CREATE TYPE "public"."pricing_scheme" AS ENUM('flat', 'tiered', 'volume');--> statement-breakpoint
CREATE TYPE "public"."proration" AS ENUM('daily', 'full');--> statement-breakpoint
CREATE TYPE "public"."change_kind" AS ENUM('customer.created', 'customer.deleted', 'customer.renamed', 'user.created', 'user.deleted', 'user.renamed', 'plan.changed', 'instance.added', 'instance.removed', 'application.added', 'application.removed', 'domain.added', 'domain.removed', 'usage.recorded');--> statement-breakpoint
CREATE TYPE "public"."export_format" AS ENUM('xlsx', 'csv');--> statement-breakpoint
CREATE TYPE "public"."period_status" AS ENUM('open', 'generating', 'awaiting_approval', 'approved', 'exported');--> statement-breakpoint
CREATE TYPE "public"."rollup_level" AS ENUM('customer', 'invoice_to', 'reseller');--> statement-breakpoint
CREATE TYPE "public"."name_subject" AS ENUM('customer', 'user');--> statement-breakpoint
CREATE TYPE "public"."period_mode" AS ENUM('calendar', 'fixed_day', 'days_before_end');--> statement-breakpoint
CREATE TYPE "public"."billing_relationship" AS ENUM('direct', 'via');--> statement-breakpoint
CREATE TYPE "public"."reseller_billing" AS ENUM('aggregate', 'on_behalf');--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "api_tokens_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"tenant_id" text NOT NULL,
	"name" text NOT NULL,
	"role" "role" NOT NULL,
	"customer_id" bigint,
	"secret_hash" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_tokens_secret_hash_unique" UNIQUE("secret_hash"),
	CONSTRAINT "api_tokens_customer_scope" CHECK (("api_tokens"."role" = 'customer') = ("api_tokens"."customer_id" is not null))
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"tenant_id" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"subject" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sku_mappings" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "sku_mappings_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"tenant_id" text NOT NULL,
	"kind" "element_kind" NOT NULL,
	"service" text NOT NULL,
	"product" text,
	"sku_code" text NOT NULL,
	CONSTRAINT "sku_mappings_key" UNIQUE NULLS NOT DISTINCT("tenant_id","kind","service","product")
);
--> statement-breakpoint
CREATE TABLE "sku_price_tiers" (
	"tenant_id" text NOT NULL,
	"sku_code" text NOT NULL,
	"from_quantity" integer NOT NULL,
	"unit_price" numeric(20, 6) NOT NULL,
	CONSTRAINT "sku_price_tiers_tenant_id_sku_code_from_quantity_pk" PRIMARY KEY("tenant_id","sku_code","from_quantity"),
	CONSTRAINT "sku_price_tiers_from" CHECK ("sku_price_tiers"."from_quantity" >= 1),
	CONSTRAINT "sku_price_tiers_price" CHECK ("sku_price_tiers"."unit_price" >= 0)
);
--> statement-breakpoint
CREATE TABLE "skus" (
	"tenant_id" text NOT NULL,
	"code" text NOT NULL,
	"vendor" text NOT NULL,
	"name" text NOT NULL,
	"unit_price" numeric(20, 6) NOT NULL,
	"billing_model" "billing_model" NOT NULL,
	"proration" "proration" DEFAULT 'daily' NOT NULL,
	"pricing_scheme" "pricing_scheme" DEFAULT 'flat' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "skus_tenant_id_code_pk" PRIMARY KEY("tenant_id","code"),
	CONSTRAINT "skus_price_not_negative" CHECK ("skus"."unit_price" >= 0)
);
--> statement-breakpoint
CREATE TABLE "vendor_discounts" (
	"tenant_id" text NOT NULL,
	"vendor" text NOT NULL,
	"min_services" integer NOT NULL,
	"percent" numeric(5, 2) NOT NULL,
	CONSTRAINT "vendor_discounts_tenant_id_vendor_min_services_pk" PRIMARY KEY("tenant_id","vendor","min_services"),
	CONSTRAINT "vendor_discounts_min" CHECK ("vendor_discounts"."min_services" >= 2),
	CONSTRAINT "vendor_discounts_percent" CHECK ("vendor_discounts"."percent" > 0 and "vendor_discounts"."percent" <= 100)
);
--> statement-breakpoint
CREATE TABLE "change_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "change_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"tenant_id" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"kind" "change_kind" NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"customer_ref" text NOT NULL,
	"user_ref" text,
	"payload" jsonb NOT NULL,
	"payload_hash" text NOT NULL,
	"late_period_id" bigint,
	CONSTRAINT "change_log_idempotency" UNIQUE("tenant_id","idempotency_key")
);
--> statement-breakpoint
CREATE TABLE "elements" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "elements_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"tenant_id" text NOT NULL,
	"kind" "element_kind" NOT NULL,
	"customer_id" bigint NOT NULL,
	"user_id" bigint,
	"service" text NOT NULL,
	"product" text NOT NULL,
	"ref" text NOT NULL,
	"quantity" numeric(18, 4) DEFAULT '1' NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"start_change_id" bigint NOT NULL,
	"end_change_id" bigint,
	CONSTRAINT "elements_live_identity" UNIQUE NULLS NOT DISTINCT("tenant_id","kind","customer_id","user_id","ref","end_change_id"),
	CONSTRAINT "elements_span" CHECK ("elements"."ended_at" is null or "elements"."ended_at" >= "elements"."started_at"),
	CONSTRAINT "elements_quantity" CHECK ("elements"."quantity" > 0),
	CONSTRAINT "elements_not_usage" CHECK ("elements"."kind" <> 'usage')
);
--> statement-breakpoint
CREATE TABLE "exports" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "exports_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"tenant_id" text NOT NULL,
	"period_id" bigint NOT NULL,
	"format" "export_format" NOT NULL,
	"path" text NOT NULL,
	"sha256" text NOT NULL,
	"bytes" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "exports_period_format" UNIQUE("period_id","format")
);
--> statement-breakpoint
CREATE TABLE "items" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "items_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"tenant_id" text NOT NULL,
	"period_id" bigint NOT NULL,
	"customer_id" bigint NOT NULL,
	"invoice_to_id" bigint NOT NULL,
	"user_id" bigint,
	"element_id" bigint,
	"change_id" bigint,
	"kind" "element_kind" NOT NULL,
	"service" text NOT NULL,
	"product" text NOT NULL,
	"customer_name" text NOT NULL,
	"user_name" text,
	"sku_code" text,
	"vendor" text,
	"unmapped" boolean DEFAULT false NOT NULL,
	"active_from" date NOT NULL,
	"active_to" date NOT NULL,
	"days_active" integer NOT NULL,
	"period_days" integer NOT NULL,
	"quantity" numeric(18, 4) NOT NULL,
	"unit_price" numeric(20, 6) DEFAULT '0' NOT NULL,
	"discount_percent" numeric(5, 2) DEFAULT '0' NOT NULL,
	"amount" numeric(20, 4) DEFAULT '0' NOT NULL,
	"billable" boolean DEFAULT true NOT NULL,
	"rule_id" bigint,
	"carried_over" boolean DEFAULT false NOT NULL,
	"adjusts_period_id" bigint,
	CONSTRAINT "items_span" CHECK ("items"."active_to" >= "items"."active_from"),
	CONSTRAINT "items_days" CHECK ("items"."days_active" between 0 and "items"."period_days"),
	CONSTRAINT "items_rule_only_unbillable" CHECK ("items"."rule_id" is null or not "items"."billable")
);
--> statement-breakpoint
CREATE TABLE "period_customers" (
	"period_id" bigint NOT NULL,
	"tenant_id" text NOT NULL,
	"customer_id" bigint NOT NULL,
	"parent_id" bigint,
	"invoice_to_id" bigint NOT NULL,
	"depth" integer NOT NULL,
	"ancestor_ids" bigint[] NOT NULL,
	"name" text NOT NULL,
	"tags" text[] NOT NULL,
	CONSTRAINT "period_customers_key" UNIQUE("period_id","customer_id")
);
--> statement-breakpoint
CREATE TABLE "periods" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "periods_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"tenant_id" text NOT NULL,
	"start_date" date NOT NULL,
	"end_date" date NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"mode" "period_mode" NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"status" "period_status" DEFAULT 'open' NOT NULL,
	"workflow_id" text,
	"approved_by" text,
	"approved_at" timestamp with time zone,
	"rejected_reason" text,
	"superseded_at" timestamp with time zone,
	"reopened_by" text,
	"reopen_reason" text,
	CONSTRAINT "periods_revision" UNIQUE("tenant_id","start_date","revision"),
	CONSTRAINT "periods_tenant_id" UNIQUE("tenant_id","id"),
	CONSTRAINT "periods_dates" CHECK ("periods"."end_date" >= "periods"."start_date"),
	CONSTRAINT "periods_instants" CHECK ("periods"."ends_at" > "periods"."starts_at")
);
--> statement-breakpoint
CREATE TABLE "rollups" (
	"period_id" bigint NOT NULL,
	"tenant_id" text NOT NULL,
	"level" "rollup_level" NOT NULL,
	"customer_id" bigint NOT NULL,
	"depth" integer NOT NULL,
	"item_count" integer NOT NULL,
	"billable_amount" numeric(20, 4) NOT NULL,
	CONSTRAINT "rollups_key" UNIQUE("period_id","level","customer_id")
);
--> statement-breakpoint
CREATE TABLE "rules" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "rules_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"tenant_id" text NOT NULL,
	"name" text NOT NULL,
	"from_date" date,
	"to_date" date,
	"customer_id" bigint,
	"customer_pattern" text,
	"customer_tag" text,
	"user_pattern" text,
	"sku_code" text,
	"vendor" text,
	"service" text,
	"element_kind" "element_kind",
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text,
	"updated_at" timestamp with time zone,
	CONSTRAINT "rules_tenant_id" UNIQUE("tenant_id","id"),
	CONSTRAINT "rules_range" CHECK ("rules"."from_date" is null or "rules"."to_date" is null or "rules"."to_date" >= "rules"."from_date"),
	CONSTRAINT "rules_has_criterion" CHECK (num_nonnulls("rules"."customer_id", "rules"."customer_pattern", "rules"."customer_tag", "rules"."user_pattern",
        "rules"."sku_code", "rules"."vendor", "rules"."service", "rules"."element_kind") > 0)
);
--> statement-breakpoint
CREATE TABLE "customers" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "customers_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"tenant_id" text NOT NULL,
	"ref" text NOT NULL,
	"name" text NOT NULL,
	"parent_id" bigint,
	"relationship" "billing_relationship" DEFAULT 'direct' NOT NULL,
	"reseller_billing" "reseller_billing" DEFAULT 'aggregate' NOT NULL,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "customers_tenant_ref" UNIQUE("tenant_id","ref"),
	CONSTRAINT "customers_tenant_id" UNIQUE("tenant_id","id"),
	CONSTRAINT "customers_via_has_parent" CHECK ("customers"."relationship" = 'direct' or "customers"."parent_id" is not null),
	CONSTRAINT "customers_not_own_parent" CHECK ("customers"."parent_id" is distinct from "customers"."id")
);
--> statement-breakpoint
CREATE TABLE "name_history" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "name_history_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"tenant_id" text NOT NULL,
	"subject" "name_subject" NOT NULL,
	"subject_id" bigint NOT NULL,
	"name" text NOT NULL,
	"valid_from" timestamp with time zone NOT NULL,
	"actor" text NOT NULL,
	"change_id" bigint
);
--> statement-breakpoint
CREATE TABLE "period_configs" (
	"tenant_id" text NOT NULL,
	"effective_from" date NOT NULL,
	"mode" "period_mode" NOT NULL,
	"day" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text NOT NULL,
	CONSTRAINT "period_configs_tenant_id_effective_from_pk" PRIMARY KEY("tenant_id","effective_from"),
	CONSTRAINT "period_configs_day" CHECK (("period_configs"."mode" = 'calendar' and "period_configs"."day" is null)
        or ("period_configs"."mode" = 'fixed_day' and "period_configs"."day" between 1 and 31)
        or ("period_configs"."mode" = 'days_before_end' and "period_configs"."day" between 0 and 27))
);
--> statement-breakpoint
CREATE TABLE "tenants" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"currency" text NOT NULL,
	"currency_minor_units" integer DEFAULT 2 NOT NULL,
	"time_zone" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tenants_id_slug" CHECK ("tenants"."id" ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
	CONSTRAINT "tenants_currency_iso" CHECK ("tenants"."currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "tenants_minor_units" CHECK ("tenants"."currency_minor_units" between 0 and 4)
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "users_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"tenant_id" text NOT NULL,
	"customer_id" bigint NOT NULL,
	"ref" text NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "users_tenant_ref" UNIQUE("tenant_id","ref"),
	CONSTRAINT "users_tenant_id" UNIQUE("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_customer_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sku_mappings" ADD CONSTRAINT "sku_mappings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sku_mappings" ADD CONSTRAINT "sku_mappings_sku_fk" FOREIGN KEY ("tenant_id","sku_code") REFERENCES "public"."skus"("tenant_id","code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sku_price_tiers" ADD CONSTRAINT "sku_price_tiers_sku_fk" FOREIGN KEY ("tenant_id","sku_code") REFERENCES "public"."skus"("tenant_id","code") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "skus" ADD CONSTRAINT "skus_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vendor_discounts" ADD CONSTRAINT "vendor_discounts_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "change_log" ADD CONSTRAINT "change_log_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "elements" ADD CONSTRAINT "elements_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "elements" ADD CONSTRAINT "elements_start_change_id_change_log_id_fk" FOREIGN KEY ("start_change_id") REFERENCES "public"."change_log"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "elements" ADD CONSTRAINT "elements_end_change_id_change_log_id_fk" FOREIGN KEY ("end_change_id") REFERENCES "public"."change_log"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "elements" ADD CONSTRAINT "elements_customer_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "elements" ADD CONSTRAINT "elements_user_fk" FOREIGN KEY ("tenant_id","user_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exports" ADD CONSTRAINT "exports_period_fk" FOREIGN KEY ("tenant_id","period_id") REFERENCES "public"."periods"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "items" ADD CONSTRAINT "items_element_id_elements_id_fk" FOREIGN KEY ("element_id") REFERENCES "public"."elements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "items" ADD CONSTRAINT "items_change_id_change_log_id_fk" FOREIGN KEY ("change_id") REFERENCES "public"."change_log"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "items" ADD CONSTRAINT "items_period_fk" FOREIGN KEY ("tenant_id","period_id") REFERENCES "public"."periods"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "items" ADD CONSTRAINT "items_customer_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "items" ADD CONSTRAINT "items_invoice_to_fk" FOREIGN KEY ("tenant_id","invoice_to_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "items" ADD CONSTRAINT "items_rule_fk" FOREIGN KEY ("tenant_id","rule_id") REFERENCES "public"."rules"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "period_customers" ADD CONSTRAINT "period_customers_period_fk" FOREIGN KEY ("tenant_id","period_id") REFERENCES "public"."periods"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "periods" ADD CONSTRAINT "periods_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rollups" ADD CONSTRAINT "rollups_period_fk" FOREIGN KEY ("tenant_id","period_id") REFERENCES "public"."periods"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rules" ADD CONSTRAINT "rules_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rules" ADD CONSTRAINT "rules_customer_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_parent_fk" FOREIGN KEY ("tenant_id","parent_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "name_history" ADD CONSTRAINT "name_history_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "period_configs" ADD CONSTRAINT "period_configs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_customer_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_tenant_at" ON "audit_log" USING btree ("tenant_id","at");--> statement-breakpoint
CREATE INDEX "skus_vendor" ON "skus" USING btree ("tenant_id","vendor");--> statement-breakpoint
CREATE INDEX "change_log_occurred" ON "change_log" USING btree ("tenant_id","occurred_at");--> statement-breakpoint
CREATE INDEX "change_log_usage" ON "change_log" USING btree ("tenant_id","occurred_at") WHERE "change_log"."kind" = 'usage.recorded';--> statement-breakpoint
CREATE INDEX "change_log_usage_customer" ON "change_log" USING btree ("tenant_id","customer_ref","occurred_at") WHERE "change_log"."kind" = 'usage.recorded';--> statement-breakpoint
CREATE INDEX "elements_span" ON "elements" USING btree ("tenant_id","started_at","ended_at");--> statement-breakpoint
CREATE INDEX "elements_customer" ON "elements" USING btree ("tenant_id","customer_id");--> statement-breakpoint
CREATE INDEX "items_period_customer" ON "items" USING btree ("period_id","customer_id");--> statement-breakpoint
CREATE INDEX "items_period_id" ON "items" USING btree ("period_id","id");--> statement-breakpoint
CREATE INDEX "items_period_invoice_to" ON "items" USING btree ("period_id","invoice_to_id");--> statement-breakpoint
CREATE INDEX "period_customers_invoice_to" ON "period_customers" USING btree ("period_id","invoice_to_id");--> statement-breakpoint
CREATE INDEX "periods_tenant_start" ON "periods" USING btree ("tenant_id","start_date");--> statement-breakpoint
CREATE INDEX "customers_parent" ON "customers" USING btree ("tenant_id","parent_id");--> statement-breakpoint
CREATE INDEX "name_history_subject" ON "name_history" USING btree ("tenant_id","subject","subject_id","valid_from");--> statement-breakpoint
CREATE INDEX "users_customer" ON "users" USING btree ("tenant_id","customer_id");