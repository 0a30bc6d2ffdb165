ALTER TABLE "change_log" DROP CONSTRAINT "change_log_tenant_id_tenants_id_fk";
--> statement-breakpoint
ALTER TABLE "elements" DROP CONSTRAINT "elements_tenant_id_tenants_id_fk";
--> statement-breakpoint
ALTER TABLE "elements" DROP CONSTRAINT "elements_start_change_id_change_log_id_fk";
--> statement-breakpoint
ALTER TABLE "elements" DROP CONSTRAINT "elements_end_change_id_change_log_id_fk";
--> statement-breakpoint
ALTER TABLE "name_history" DROP CONSTRAINT "name_history_tenant_id_tenants_id_fk";
--> statement-breakpoint
ALTER TABLE "users" DROP CONSTRAINT "users_tenant_id_tenants_id_fk";
