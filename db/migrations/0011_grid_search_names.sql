DROP INDEX "items_search";--> statement-breakpoint
CREATE INDEX "items_period_product" ON "items" USING btree ("period_id","product");--> statement-breakpoint
CREATE INDEX "name_history_name_search" ON "name_history" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "users_name_search" ON "users" USING gin ("name" gin_trgm_ops);