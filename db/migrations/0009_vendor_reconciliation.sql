CREATE TYPE "public"."vendor_file_format" AS ENUM('microsoft_nce', 'generic');--> statement-breakpoint
CREATE TABLE "sku_costs" (
	"tenant_id" text NOT NULL,
	"sku_code" text NOT NULL,
	"cost_price" numeric(20, 6) NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sku_costs_tenant_id_sku_code_pk" PRIMARY KEY("tenant_id","sku_code"),
	CONSTRAINT "sku_costs_not_negative" CHECK ("sku_costs"."cost_price" >= 0)
);
--> statement-breakpoint
CREATE TABLE "vendor_customer_mappings" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "vendor_customer_mappings_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"tenant_id" text NOT NULL,
	"vendor" text NOT NULL,
	"vendor_customer_id" text NOT NULL,
	"customer_id" bigint NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "vendor_customer_mappings_key" UNIQUE("tenant_id","vendor","vendor_customer_id")
);
--> statement-breakpoint
CREATE TABLE "vendor_imports" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "vendor_imports_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"tenant_id" text NOT NULL,
	"vendor" text NOT NULL,
	"format" "vendor_file_format" NOT NULL,
	"sha256" text NOT NULL,
	"line_count" integer NOT NULL,
	"first_charge_date" date,
	"last_charge_date" date,
	"imported_by" text NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "vendor_imports_file" UNIQUE("tenant_id","sha256"),
	CONSTRAINT "vendor_imports_tenant_id" UNIQUE("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "vendor_lines" (
	"import_id" bigint NOT NULL,
	"line_number" integer NOT NULL,
	"tenant_id" text NOT NULL,
	"vendor" text NOT NULL,
	"vendor_customer_id" text NOT NULL,
	"vendor_customer_domain" text,
	"vendor_customer_name" text,
	"vendor_product_id" text NOT NULL,
	"product_name" text,
	"charge_type" text,
	"subscription_id" text,
	"charge_start" date NOT NULL,
	"charge_end" date NOT NULL,
	"quantity" numeric(18, 4) NOT NULL,
	"unit_cost" numeric(20, 6) NOT NULL,
	"amount" numeric(20, 6) NOT NULL,
	"currency" text NOT NULL,
	CONSTRAINT "vendor_lines_import_id_line_number_pk" PRIMARY KEY("import_id","line_number"),
	CONSTRAINT "vendor_lines_span" CHECK ("vendor_lines"."charge_end" >= "vendor_lines"."charge_start")
);
--> statement-breakpoint
CREATE TABLE "vendor_product_mappings" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "vendor_product_mappings_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"tenant_id" text NOT NULL,
	"vendor" text NOT NULL,
	"vendor_product_id" text NOT NULL,
	"sku_code" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "vendor_product_mappings_key" UNIQUE("tenant_id","vendor","vendor_product_id")
);
--> statement-breakpoint
ALTER TABLE "sku_costs" ADD CONSTRAINT "sku_costs_sku_fk" FOREIGN KEY ("tenant_id","sku_code") REFERENCES "public"."skus"("tenant_id","code") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vendor_customer_mappings" ADD CONSTRAINT "vendor_customer_mappings_customer_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vendor_imports" ADD CONSTRAINT "vendor_imports_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vendor_product_mappings" ADD CONSTRAINT "vendor_product_mappings_sku_fk" FOREIGN KEY ("tenant_id","sku_code") REFERENCES "public"."skus"("tenant_id","code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "vendor_imports_span" ON "vendor_imports" USING btree ("tenant_id","first_charge_date","last_charge_date");