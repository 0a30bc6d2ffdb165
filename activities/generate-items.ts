import type postgres from 'postgres';
import { generateAdjustments } from './generate-adjustments.js';
import type { PeriodContext, Shard } from './period-context.js';
import { periodCte, shardCustomersCte, skuJoin, userNameAtEnd, userNamesCte } from './sql-fragments.js';

/**
 * Stages one shard's items into `staged_items` (compute-shard.ts): carried-over and changed
 * elements, usage, then adjustments for approved periods. Rules and prices come next, on the stage.
 */
export async function generateItems(
  tx: postgres.TransactionSql,
  period: PeriodContext,
  shard: Shard,
): Promise<number> {
  // Elements active at any instant of the period, each clipped to its local dates
  // date(start) <= d < date(end): the day of removal is not billed.
  const elementItems = await tx`
      with ${periodCte(tx, period.periodId)},
      ${shardCustomersCte(tx, shard)},
      ${userNamesCte(tx)},
      spans as (
        select e.*, sc.invoice_to_id, sc.name as customer_name,
               greatest((e.started_at at time zone period.time_zone)::date, period.start_date) as active_from,
               least(coalesce((e.ended_at at time zone period.time_zone)::date, period.end_date + 1),
                     period.end_date + 1) as active_to,
               e.started_at < period.starts_at as carried_over
        from shard_customers sc
        join elements e on e.customer_id = sc.customer_id, period
        where e.tenant_id = period.tenant_id
          and e.started_at < period.ends_at
          -- In the period when active on one of its dates, or started in it (0 days, still itemised);
          -- removed on its first day means it ended with the previous period (docs/billing-choices.md).
          and (e.ended_at is null or (e.ended_at at time zone period.time_zone)::date > period.start_date
               or e.started_at >= period.starts_at)
      )
      insert into staged_items (tenant_id, period_id, customer_id, invoice_to_id, user_id, element_id, kind, service,
        product, customer_name, user_name, sku_code, vendor, unmapped, active_from, active_to, days_active,
        period_days, quantity, carried_over)
      select period.tenant_id, period.id, s.customer_id, s.invoice_to_id, s.user_id, s.id, s.kind, s.service,
             s.product, s.customer_name, coalesce(un.name, u.name), sku.code, sku.vendor, sku.code is null, s.active_from,
             s.active_to, s.active_to - s.active_from, period.period_days, s.quantity, s.carried_over
      from spans s
      cross join period
      left join user_names un on un.user_id = s.user_id
      left join users u on u.id = s.user_id
      ${skuJoin(tx, 's')}`;

  // Usage entries are items of the period holding their local date.
  const usageItems = await tx`
      with ${periodCte(tx, period.periodId)},
      ${shardCustomersCte(tx, shard)},
      -- One range scan of the period's usage: probing it customer by customer cost a scattered heap
      -- read per entry, several times the scan.
      period_usage as materialized (
        select c.* from change_log c, period
        where c.tenant_id = period.tenant_id and c.kind = 'usage.recorded'
          and c.occurred_at >= period.starts_at and c.occurred_at < period.ends_at
      ),
      usage as (
        select c.id as change_id, cu.id as customer_id, pc.invoice_to_id, pc.name as customer_name,
               u.id as user_id, coalesce(un.name, u.name) as user_name, 'usage'::element_kind as kind,
               c.payload->>'service' as service, c.payload->>'product' as product,
               (c.payload->>'quantity')::numeric as quantity,
               (c.occurred_at at time zone period.time_zone)::date as day
        from period_usage c
        cross join period
        join customers cu on cu.tenant_id = c.tenant_id and cu.ref = c.customer_ref
        join shard_customers pc on pc.customer_id = cu.id
        left join users u on u.tenant_id = c.tenant_id and u.ref = c.user_ref
        ${userNameAtEnd(tx, 'u.id')}
      )
      insert into staged_items (tenant_id, period_id, customer_id, invoice_to_id, user_id, change_id, kind, service,
        product, customer_name, user_name, sku_code, vendor, unmapped, active_from, active_to, days_active,
        period_days, quantity)
      select period.tenant_id, period.id, s.customer_id, s.invoice_to_id, s.user_id, s.change_id, s.kind,
             s.service, s.product, s.customer_name, s.user_name, sku.code, sku.vendor, sku.code is null,
             s.day, s.day, 0, period.period_days, s.quantity
      from usage s
      cross join period
      ${skuJoin(tx, 's')}`;

  const adjustments = await generateAdjustments(tx, period.periodId, shard);
  return elementItems.count + usageItems.count + adjustments;
}
