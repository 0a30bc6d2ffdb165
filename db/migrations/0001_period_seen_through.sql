ALTER TABLE "periods" ADD COLUMN "seen_through_change_id" bigint;--> statement-breakpoint
-- Periods computed before this column existed: take them to have seen every entry recorded before
-- their approval (or until now when not approved), as late_period_id then assumed.
UPDATE "periods" p SET "seen_through_change_id" = (
  SELECT coalesce(max(c.id), 0) FROM "change_log" c
  WHERE c.tenant_id = p.tenant_id AND c.recorded_at <= coalesce(p.approved_at, now())
);
