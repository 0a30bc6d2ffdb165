CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
DROP INDEX "items_period_customer";--> statement-breakpoint
CREATE INDEX "elements_ref_search" ON "elements" USING gin ("ref" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "items_period_amount" ON "items" USING btree ("period_id","amount","id");--> statement-breakpoint
CREATE INDEX "items_period_customer_name" ON "items" USING btree ("period_id","customer_name","id");--> statement-breakpoint
CREATE INDEX "items_period_sku" ON "items" USING btree ("period_id","sku_code","id");--> statement-breakpoint
CREATE INDEX "items_period_rule" ON "items" USING btree ("period_id","rule_id") WHERE "items"."rule_id" is not null;--> statement-breakpoint
CREATE INDEX "items_search" ON "items" USING gin ((coalesce("user_name", '') || ' ' || "product") gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "items_period_element" ON "items" USING btree ("period_id","element_id");--> statement-breakpoint
CREATE INDEX "items_period_unbillable" ON "items" USING btree ("period_id","id") WHERE not "items"."billable";--> statement-breakpoint
CREATE INDEX "items_period_customer" ON "items" USING btree ("period_id","customer_id","id");