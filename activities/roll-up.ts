import type postgres from 'postgres';
import { loadUnlockedPeriod } from './period-context.js';

export interface PeriodTotals {
  items: number;
  billableItems: number;
  /** Sum of the rounded item amounts, as an exact decimal string. */
  total: string;
}

/**
 * Totals per customer (its own items), per invoice-to customer (what it pays) and per reseller
 * (its own items and its whole subtree, at every tier). One statement over the whole period, after
 * every shard is priced; sums of rounded items, so they reconcile exactly.
 */
export async function rollUp(sql: postgres.Sql, input: { periodId: number }): Promise<PeriodTotals> {
  return sql.begin(async (tx) => {
    const period = await loadUnlockedPeriod(tx, input.periodId);
    const id = period.periodId;
    await tx`delete from rollups where period_id = ${id}`;
    await tx`
      with per_customer as (
        select customer_id, invoice_to_id, count(*) as items, sum(amount) as amount
        from items where period_id = ${id} group by customer_id, invoice_to_id
      ),
      resellers as (
        select distinct parent_id as id from period_customers where period_id = ${id} and parent_id is not null
      )
      insert into rollups (period_id, tenant_id, level, customer_id, depth, item_count, billable_amount)
      select ${id}::bigint, ${period.tenantId}::text, 'customer'::rollup_level, pc.customer_id, pc.depth, sum(c.items), sum(c.amount)
        from per_customer c join period_customers pc on pc.period_id = ${id} and pc.customer_id = c.customer_id
        group by pc.customer_id, pc.depth
      union all
      select ${id}::bigint, ${period.tenantId}::text, 'invoice_to'::rollup_level, pc.customer_id, pc.depth, sum(c.items), sum(c.amount)
        from per_customer c join period_customers pc on pc.period_id = ${id} and pc.customer_id = c.invoice_to_id
        group by pc.customer_id, pc.depth
      union all
      select ${id}::bigint, ${period.tenantId}::text, 'reseller'::rollup_level, r.customer_id, r.depth, sum(c.items), sum(c.amount)
        from per_customer c
        join period_customers member on member.period_id = ${id} and member.customer_id = c.customer_id
        cross join lateral unnest(array_prepend(member.customer_id, member.ancestor_ids)) as tier(id)
        join resellers on resellers.id = tier.id
        join period_customers r on r.period_id = ${id} and r.customer_id = tier.id
        group by r.customer_id, r.depth`;
    const [totals] = await tx<{ items: string; billable: string; total: string }[]>`
      select count(*) as items, count(*) filter (where billable) as billable,
             round(coalesce(sum(amount), 0), ${period.minorUnits}::int)::text as total
      from items where period_id = ${id}`;
    return {
      items: Number(totals?.items ?? 0),
      billableItems: Number(totals?.billable ?? 0),
      total: totals?.total ?? '0',
    };
  });
}
