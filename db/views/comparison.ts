import type postgres from 'postgres';
import { type ViewScope, visibleCustomers } from './scope.js';

/**
 * What changed since the previous period, the evidence finance approves with: per customer and SKU
 * (or unmapped service and product), the units held on each period's last day, the elements
 * itemised in this period and not the previous one (added) or the reverse (removed), and the
 * amounts billed (adjustments included, since they are billed here). Both periods are read in the
 * caller's scope.
 */
export interface ComparisonRow {
  customerRef: string;
  customerName: string;
  sku: string | null;
  vendor: string | null;
  service: string;
  product: string;
  quantityBefore: string;
  quantityAfter: string;
  added: string;
  removed: string;
  amountBefore: string;
  amountAfter: string;
  amountDelta: string;
}

export interface PreviousPeriod {
  id: number;
  startDate: string;
  endDate: string;
  revision: number;
  status: 'open' | 'generating' | 'awaiting_approval' | 'approved' | 'exported';
}

/** The current revision of the period just before `periodId`, if the tenant has one. */
export async function previousPeriod(
  sql: postgres.Sql,
  tenantId: string,
  periodId: number,
): Promise<PreviousPeriod | undefined> {
  const [row] = await sql<PreviousPeriod[]>`
    select p.id, p.start_date::text as "startDate", p.end_date::text as "endDate", p.revision, p.status
    from periods p
    join periods this on this.id = ${periodId} and this.tenant_id = p.tenant_id
    where p.tenant_id = ${tenantId} and p.start_date < this.start_date and p.superseded_at is null
    order by p.start_date desc, p.revision desc
    limit 1`;
  return row;
}

/** Both periods' items the scope may see, each side tagged; the previous side may be absent (0). */
function bothSides(sql: postgres.Sql, scope: ViewScope, previousId: number) {
  return sql`
    ${visibleCustomers(sql, scope, 'visible_after')},
    ${visibleCustomers(sql, { ...scope, periodId: previousId }, 'visible_before')},
    sides as (
      select true as after, i.*, p.end_date + 1 as end_exclusive
      from items i join visible_after v on v.customer_id = i.customer_id
      join periods p on p.id = i.period_id and p.tenant_id = i.tenant_id
      where i.period_id = ${scope.periodId} and i.tenant_id = ${scope.tenantId}
      union all
      select false, i.*, p.end_date + 1
      from items i join visible_before v on v.customer_id = i.customer_id
      join periods p on p.id = i.period_id and p.tenant_id = i.tenant_id
      where i.period_id = ${previousId} and i.tenant_id = ${scope.tenantId}
    )`;
}

export function comparisonRows(sql: postgres.Sql, scope: ViewScope, previousId: number, minorUnits: number) {
  return sql<ComparisonRow[]>`
    with ${bothSides(sql, scope, previousId)},
    -- One row per element and side: rules split an element into parts that are still one element.
    elements_held as (
      select after, customer_id, sku_code, service, product, element_id, max(quantity) as quantity,
             bool_or(active_to = end_exclusive) as at_end
      from sides
      where element_id is not null and adjusts_period_id is null
      group by after, customer_id, sku_code, service, product, element_id
    ),
    held as (
      select customer_id, sku_code, service, product,
             sum(quantity) filter (where after and at_end) as quantity_after,
             sum(quantity) filter (where not after and at_end) as quantity_before,
             sum(quantity) filter (where after and not exists (select 1 from elements_held o
               where not o.after and o.element_id = e.element_id)) as added,
             sum(quantity) filter (where not after and not exists (select 1 from elements_held o
               where o.after and o.element_id = e.element_id)) as removed
      from elements_held e
      group by customer_id, sku_code, service, product
    ),
    billed as (
      select customer_id, sku_code, min(vendor) as vendor, service, product,
             sum(amount) filter (where after) as amount_after,
             sum(amount) filter (where not after) as amount_before
      from sides
      group by customer_id, sku_code, service, product
    )
    select c.ref as "customerRef", coalesce(now_pc.name, before_pc.name) as "customerName",
           b.sku_code as sku, b.vendor, b.service, b.product,
           coalesce(h.quantity_before, 0)::numeric(18, 4)::text as "quantityBefore",
           coalesce(h.quantity_after, 0)::numeric(18, 4)::text as "quantityAfter",
           coalesce(h.added, 0)::numeric(18, 4)::text as added, coalesce(h.removed, 0)::numeric(18, 4)::text as removed,
           round(coalesce(b.amount_before, 0), ${minorUnits}::int)::text as "amountBefore",
           round(coalesce(b.amount_after, 0), ${minorUnits}::int)::text as "amountAfter",
           round(coalesce(b.amount_after, 0) - coalesce(b.amount_before, 0), ${minorUnits}::int)::text
             as "amountDelta"
    from billed b
    left join held h on h.customer_id = b.customer_id and h.sku_code is not distinct from b.sku_code
      and h.service = b.service and h.product = b.product
    join customers c on c.id = b.customer_id and c.tenant_id = ${scope.tenantId}
    left join period_customers now_pc on now_pc.period_id = ${scope.periodId} and now_pc.customer_id = b.customer_id
    left join period_customers before_pc on before_pc.period_id = ${previousId} and before_pc.customer_id = b.customer_id
    order by "customerName", c.ref, b.sku_code nulls last, b.service, b.product`;
}

/** Customers with items in this period and none in the previous (new), or the reverse (departed). */
export function customerMoves(sql: postgres.Sql, scope: ViewScope, previousId: number) {
  return sql<{ ref: string; name: string; move: 'new' | 'departed' }[]>`
    with ${bothSides(sql, scope, previousId)},
    present as (select customer_id, bool_or(after) as now, bool_or(not after) as before from sides group by customer_id)
    select c.ref, coalesce(now_pc.name, before_pc.name) as name,
           case when p.now then 'new' else 'departed' end as move
    from present p
    join customers c on c.id = p.customer_id and c.tenant_id = ${scope.tenantId}
    left join period_customers now_pc on now_pc.period_id = ${scope.periodId} and now_pc.customer_id = p.customer_id
    left join period_customers before_pc on before_pc.period_id = ${previousId} and before_pc.customer_id = p.customer_id
    where p.now <> p.before
    order by name, c.ref`;
}

export interface AdjustmentRow {
  itemId: number;
  customerRef: string;
  customerName: string;
  userName: string | null;
  sku: string | null;
  service: string;
  product: string;
  activeFrom: string;
  activeTo: string;
  quantity: string;
  amount: string;
  adjustsStart: string;
  adjustsEnd: string;
  adjustsRevision: number;
}

/** This period's adjustment items with the approved period each one corrects. */
export function adjustmentRows(sql: postgres.Sql, scope: ViewScope) {
  return sql<AdjustmentRow[]>`
    with ${visibleCustomers(sql, scope)}
    select i.id as "itemId", c.ref as "customerRef", i.customer_name as "customerName",
           i.user_name as "userName", i.sku_code as sku, i.service, i.product,
           i.active_from::text as "activeFrom", i.active_to::text as "activeTo",
           i.quantity::text as quantity, i.amount::text as amount,
           a.start_date::text as "adjustsStart", a.end_date::text as "adjustsEnd", a.revision as "adjustsRevision"
    from items i
    join visible v on v.customer_id = i.customer_id
    join customers c on c.id = i.customer_id and c.tenant_id = i.tenant_id
    join periods a on a.id = i.adjusts_period_id and a.tenant_id = i.tenant_id
    where i.period_id = ${scope.periodId} and i.tenant_id = ${scope.tenantId}
    order by i.id`;
}
