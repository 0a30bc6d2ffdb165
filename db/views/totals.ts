import type postgres from 'postgres';
import { type ViewScope, visibleCustomers } from './scope.js';

export type TotalsLevel = 'customer' | 'invoice_to' | 'reseller';

export interface TotalsRow {
  customerId: number;
  customerName: string;
  parentId: number | null;
  depth: number;
  itemCount: number;
  amount: string;
}

/**
 * Customer totals, invoice-to totals or the reseller roll-up (every tier) of a period, from the
 * roll-ups the close wrote, in tree order.
 */
export function periodTotals(sql: postgres.Sql, scope: ViewScope, level: TotalsLevel) {
  return sql<TotalsRow[]>`
    with ${visibleCustomers(sql, scope)}
    select r.customer_id as "customerId", pc.name as "customerName", pc.parent_id as "parentId", r.depth,
           r.item_count as "itemCount", r.billable_amount::text as amount
    from rollups r
    join visible v on v.customer_id = r.customer_id
    join period_customers pc on pc.period_id = r.period_id and pc.customer_id = r.customer_id
    where r.period_id = ${scope.periodId} and r.tenant_id = ${scope.tenantId} and r.level = ${level}
    order by r.depth, pc.name, r.customer_id`;
}
