import type postgres from 'postgres';
import { type ViewScope, visibleCustomers } from './scope.js';
import type { TotalsLevel } from './totals.js';

export interface RoundedTotalsRow {
  customerRef: string;
  customerName: string;
  /** The parent's ref, or null for a top-level customer and for a parent outside the scope. */
  parentRef: string | null;
  depth: number;
  itemCount: number;
  amount: string;
}

/**
 * The roll-ups of one level as the API shows them: refs instead of ids, amounts rounded to the
 * currency's minor unit (the items already are, so rounding only fixes the number of digits).
 */
export function roundedTotals(sql: postgres.Sql, scope: ViewScope, level: TotalsLevel, minorUnits: number) {
  return sql<RoundedTotalsRow[]>`
    with ${visibleCustomers(sql, scope)}
    select c.ref as "customerRef", pc.name as "customerName",
           case when pv.customer_id is null then null else p.ref end as "parentRef",
           r.depth, r.item_count as "itemCount", round(r.billable_amount, ${minorUnits}::int)::text as amount
    from rollups r
    join visible v on v.customer_id = r.customer_id
    join period_customers pc on pc.period_id = r.period_id and pc.customer_id = r.customer_id
    join customers c on c.id = r.customer_id and c.tenant_id = r.tenant_id
    left join visible pv on pv.customer_id = pc.parent_id
    left join customers p on p.id = pc.parent_id and p.tenant_id = r.tenant_id
    where r.period_id = ${scope.periodId} and r.tenant_id = ${scope.tenantId} and r.level = ${level}
    order by r.depth, pc.name, r.customer_id`;
}

/**
 * Everything the scope consumed in the period: the sum of its customers' own totals, so a
 * reseller's token gets its subtree's total and the tenant gets the period's total.
 */
export async function scopeTotal(sql: postgres.Sql, scope: ViewScope, minorUnits: number): Promise<string> {
  const [row] = await sql<{ total: string }[]>`
    with ${visibleCustomers(sql, scope)}
    select round(coalesce(sum(r.billable_amount), 0), ${minorUnits}::int)::text as total
    from rollups r join visible v on v.customer_id = r.customer_id
    where r.period_id = ${scope.periodId} and r.tenant_id = ${scope.tenantId} and r.level = 'customer'`;
  return row?.total ?? '0';
}
