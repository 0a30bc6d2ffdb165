ALTER TABLE "items" DROP CONSTRAINT "items_element_id_elements_id_fk";
--> statement-breakpoint
ALTER TABLE "items" DROP CONSTRAINT "items_change_id_change_log_id_fk";
--> statement-breakpoint
ALTER TABLE "items" DROP CONSTRAINT "items_period_fk";
--> statement-breakpoint
ALTER TABLE "items" DROP CONSTRAINT "items_customer_fk";
--> statement-breakpoint
ALTER TABLE "items" DROP CONSTRAINT "items_invoice_to_fk";
--> statement-breakpoint
ALTER TABLE "items" DROP CONSTRAINT "items_rule_fk";
