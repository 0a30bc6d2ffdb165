import type postgres from 'postgres';
import { type ViewScope, visibleCustomers } from './scope.js';

/** What the items of a period may be narrowed to; every filter that is set must match. */
export interface ItemFilters {
  /** Only the items this customer (its ref) consumed. */
  customer?: string;
  user?: string;
  sku?: string;
  vendor?: string;
  billable?: boolean;
  carriedOver?: boolean;
  /** true: only adjustments of earlier periods; false: only the period's own items. */
  adjustment?: boolean;
}

export interface ItemRow {
  id: number;
  customerId: number;
  customerRef: string;
  customerName: string;
  invoiceToRef: string | null;
  invoiceToName: string | null;
  userRef: string | null;
  userName: string | null;
  kind: string;
  service: string;
  product: string;
  sku: string | null;
  vendor: string | null;
  unmapped: boolean;
  activeFrom: string;
  activeTo: string;
  daysActive: number;
  periodDays: number;
  quantity: string;
  unitPrice: string;
  discountPercent: string;
  amount: string;
  billable: boolean;
  ruleId: number | null;
  ruleName: string | null;
  carriedOver: boolean;
  adjustsPeriodEnd: string | null;
}

/**
 * A page of the period's items in id order after the cursor `after`, `limit + 1` rows so the
 * caller knows whether another page follows. Names are the period's snapshot; the invoice-to
 * customer is only named when the scope may see it (a customer token never sees a payer above it).
 */
export function itemsPage(
  sql: postgres.Sql,
  scope: ViewScope,
  filters: ItemFilters,
  page: { after: number; limit: number },
) {
  return sql<ItemRow[]>`
    with ${visibleCustomers(sql, scope)}
    select i.id, i.customer_id::int as "customerId", c.ref as "customerRef", i.customer_name as "customerName",
           case when iv.customer_id is null then null else ic.ref end as "invoiceToRef",
           case when iv.customer_id is null then null else inv.name end as "invoiceToName",
           u.ref as "userRef", i.user_name as "userName", i.kind, i.service, i.product, i.sku_code as sku,
           i.vendor, i.unmapped, i.active_from::text as "activeFrom", i.active_to::text as "activeTo",
           i.days_active as "daysActive", i.period_days as "periodDays", i.quantity::text as quantity,
           i.unit_price::text as "unitPrice", i.discount_percent::text as "discountPercent",
           i.amount::text as amount, i.billable, i.rule_id as "ruleId", i.rule_name as "ruleName",
           i.carried_over as "carriedOver", a.end_date::text as "adjustsPeriodEnd"
    from items i
    join visible v on v.customer_id = i.customer_id
    join customers c on c.id = i.customer_id and c.tenant_id = i.tenant_id
    join customers ic on ic.id = i.invoice_to_id and ic.tenant_id = i.tenant_id
    left join visible iv on iv.customer_id = i.invoice_to_id
    left join period_customers inv on inv.period_id = i.period_id and inv.customer_id = i.invoice_to_id
    left join users u on u.id = i.user_id and u.tenant_id = i.tenant_id
    left join periods a on a.id = i.adjusts_period_id and a.tenant_id = i.tenant_id
    where i.period_id = ${scope.periodId} and i.tenant_id = ${scope.tenantId} and i.id > ${page.after}
      ${filters.customer === undefined ? sql`` : sql`and c.ref = ${filters.customer}`}
      ${filters.user === undefined ? sql`` : sql`and u.ref = ${filters.user}`}
      ${filters.sku === undefined ? sql`` : sql`and i.sku_code = ${filters.sku}`}
      ${filters.vendor === undefined ? sql`` : sql`and i.vendor = ${filters.vendor}`}
      ${filters.billable === undefined ? sql`` : sql`and i.billable = ${filters.billable}`}
      ${filters.carriedOver === undefined ? sql`` : sql`and i.carried_over = ${filters.carriedOver}`}
      ${filters.adjustment === undefined ? sql`` : sql`and (i.adjusts_period_id is not null) = ${filters.adjustment}`}
    order by i.id
    limit ${page.limit + 1}`;
}

/** Whether the customer with this ref is one of the period's customers the scope may see. */
export async function customerVisible(sql: postgres.Sql, scope: ViewScope, ref: string): Promise<boolean> {
  const [row] = await sql<{ id: number }[]>`
    with ${visibleCustomers(sql, scope)}
    select c.id from visible v join customers c on c.id = v.customer_id
    where c.tenant_id = ${scope.tenantId} and c.ref = ${ref}`;
  return row !== undefined;
}

/** Refs of the period's customers the scope may see, by id: views that carry ids show refs. */
export async function visibleCustomerRefs(sql: postgres.Sql, scope: ViewScope): Promise<Map<number, string>> {
  const rows = await sql<{ id: number; ref: string }[]>`
    with ${visibleCustomers(sql, scope)}
    select c.id, c.ref from visible v join customers c on c.id = v.customer_id
    where c.tenant_id = ${scope.tenantId}`;
  return new Map(rows.map((row) => [row.id, row.ref]));
}
