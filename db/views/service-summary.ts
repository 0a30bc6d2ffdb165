import type postgres from 'postgres';
import { type ViewScope, visibleCustomers } from './scope.js';

/** Service Summary: per customer and service, count at start, added, removed, count at end. */
export interface ServiceSummaryRow {
  customerId: number;
  customerName: string;
  service: string;
  atStart: number;
  added: number;
  removed: number;
  atEnd: number;
}

export function serviceSummary(sql: postgres.Sql, scope: ViewScope) {
  return sql<ServiceSummaryRow[]>`
    with ${visibleCustomers(sql, scope)},
    period as (select starts_at, ends_at from periods where id = ${scope.periodId} and tenant_id = ${scope.tenantId}),
    -- Elements only: usage has no count. Adjustments belong to another period's counts.
    touched as (
      select distinct i.customer_id, i.customer_name, i.service, e.id,
             e.started_at < period.starts_at as at_start,
             e.started_at >= period.starts_at as added,
             e.ended_at is not null and e.ended_at < period.ends_at as removed
      from items i
      join visible v on v.customer_id = i.customer_id
      join elements e on e.id = i.element_id
      cross join period
      where i.period_id = ${scope.periodId} and i.tenant_id = ${scope.tenantId} and i.adjusts_period_id is null
    )
    select customer_id as "customerId", min(customer_name) as "customerName", service,
           count(*) filter (where at_start)::int as "atStart",
           count(*) filter (where added)::int as added,
           count(*) filter (where removed)::int as removed,
           (count(*) filter (where at_start) + count(*) filter (where added)
             - count(*) filter (where removed))::int as "atEnd"
    from touched
    group by customer_id, service
    order by "customerName", customer_id, service`;
}
