import type postgres from 'postgres';
import { ctes, type ManagementInput } from './management.js';

export interface SkuMonthRow {
  month: string;
  sku: string;
  vendor: string | null;
  total: string;
  users: number;
  customers: number;
}

/**
 * Per month and SKU: what was billed, to how many users and customers, in the caller's scope, from
 * the current revision of each period ending in the month (the month before `from` too, so the
 * first month has a change).
 */
export function skuMonths(sql: postgres.Sql, input: ManagementInput) {
  return sql<SkuMonthRow[]>`
    with ${ctes(sql, input)}
    select v.month, i.sku_code as sku, min(i.vendor) as vendor,
           round(sum(i.amount), ${input.minorUnits}::int)::text as total,
           count(distinct i.user_id) filter (where i.billable)::int as users,
           count(distinct i.customer_id) filter (where i.billable)::int as customers
    from items i join visible v on v.period_id = i.period_id and v.customer_id = i.customer_id
    where i.tenant_id = ${input.tenantId} and i.sku_code is not null
    group by v.month, i.sku_code
    order by v.month, i.sku_code`;
}
