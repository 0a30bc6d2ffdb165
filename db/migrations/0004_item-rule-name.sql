ALTER TABLE "items" ADD COLUMN "rule_name" text;--> statement-breakpoint
-- Items computed before this migration take the rule's name as it stands now: the nearest snapshot left.
UPDATE "items" i SET "rule_name" = r."name" FROM "rules" r WHERE r."id" = i."rule_id" AND r."tenant_id" = i."tenant_id";
