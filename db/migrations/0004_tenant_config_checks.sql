-- NOT VALID: rows stored before these checks are kept and reported as degraded at run time;
-- every new or changed row is checked.
ALTER TABLE "period_configs" DROP CONSTRAINT "period_configs_day";--> statement-breakpoint
ALTER TABLE "period_configs" ADD CONSTRAINT "period_configs_day" CHECK (("period_configs"."mode" = 'calendar' and "period_configs"."day" is null)
        or ("period_configs"."mode" = 'fixed_day' and "period_configs"."day" is not null and "period_configs"."day" between 1 and 31)
        or ("period_configs"."mode" = 'days_before_end' and "period_configs"."day" is not null and "period_configs"."day" between 0 and 27)) NOT VALID;--> statement-breakpoint
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_time_zone" CHECK ("tenants"."time_zone" ~ '^[A-Za-z][A-Za-z0-9_+/-]*$' and timezone("tenants"."time_zone", timestamptz '2000-01-01 00:00:00+00') is not null) NOT VALID;