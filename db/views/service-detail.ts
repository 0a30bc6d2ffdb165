import type postgres from 'postgres';
import { type ViewScope, visibleCustomers } from './scope.js';

/** Service Detail: every item with its span, quantity, SKU, prices, billable flag and rule. */
export interface ServiceDetailRow {
  itemId: number;
  customerId: number;
  customerName: string;
  /** Null for a customer token when the payer is above its subtree: that customer is not its to see. */
  invoiceToId: number | null;
  invoiceToName: string | null;
  userName: string | null;
  kind: string;
  service: string;
  product: string;
  skuCode: string | null;
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
  adjustsPeriodId: number | null;
}

export const serviceDetailColumns = [
  'itemId',
  'customerId',
  'customerName',
  'invoiceToId',
  'invoiceToName',
  'userName',
  'kind',
  'service',
  'product',
  'skuCode',
  'vendor',
  'unmapped',
  'activeFrom',
  'activeTo',
  'daysActive',
  'periodDays',
  'quantity',
  'unitPrice',
  'discountPercent',
  'amount',
  'billable',
  'ruleId',
  'ruleName',
  'carriedOver',
  'adjustsPeriodId',
] as const satisfies readonly (keyof ServiceDetailRow)[];

/** The query, ordered by item id so it can be read in pages or through a cursor. */
export function serviceDetailQuery(sql: postgres.Sql, scope: ViewScope, after = 0, limit?: number) {
  return sql<ServiceDetailRow[]>`
    with ${visibleCustomers(sql, scope)}
    select i.id as "itemId", i.customer_id as "customerId", i.customer_name as "customerName",
           payer.customer_id as "invoiceToId", inv.name as "invoiceToName", i.user_name as "userName",
           i.kind, i.service, i.product, i.sku_code as "skuCode", i.vendor, i.unmapped,
           i.active_from::text as "activeFrom", i.active_to::text as "activeTo", i.days_active as "daysActive",
           i.period_days as "periodDays", i.quantity::text as quantity, i.unit_price::text as "unitPrice",
           i.discount_percent::text as "discountPercent", i.amount::text as amount, i.billable,
           i.rule_id as "ruleId", i.rule_name as "ruleName", i.carried_over as "carriedOver",
           i.adjusts_period_id as "adjustsPeriodId"
    from items i
    join visible v on v.customer_id = i.customer_id
    left join visible payer on payer.customer_id = i.invoice_to_id
    left join period_customers inv on inv.period_id = i.period_id and inv.customer_id = payer.customer_id
    where i.period_id = ${scope.periodId} and i.tenant_id = ${scope.tenantId} and i.id > ${after}
    order by i.id
    ${limit === undefined ? sql`` : sql`limit ${limit}`}`;
}
