import { date, decimal, type EntitySet, flag, id, int, periodCustomerScope, text } from './model.js';
import { reconciliation, unmappedCharges } from './reconciliation-set.js';

/** The entity sets of the OData feed, in the order the service document lists them. */

const items: EntitySet = {
  name: 'Items',
  entityType: 'Item',
  key: ['id'],
  properties: [
    id('id', 'i.id'),
    id('periodId', 'i.period_id'),
    date('periodStart', 'p.start_date'),
    date('periodEnd', 'p.end_date'),
    // Read with the rows, so a draft's figures are never mistaken for approved ones.
    text('periodStatus', 'p.status::text'),
    int('periodRevision', 'p.revision'),
    id('customerId', 'i.customer_id'),
    text('customerRef', 'c.ref'),
    text('customerName', 'i.customer_name'),
    id('invoiceToId', 'i.invoice_to_id'),
    text('invoiceToRef', 'inv.ref'),
    text('invoiceToName', 'invpc.name'),
    text('userName', 'i.user_name', true),
    text('kind', 'i.kind::text'),
    text('service', 'i.service'),
    text('product', 'i.product'),
    text('sku', 'i.sku_code', true),
    text('vendor', 'i.vendor', true),
    flag('unmapped', 'i.unmapped'),
    date('activeFrom', 'i.active_from'),
    // Exclusive: the day of removal is not billed (billing.md, Pricing).
    date('activeTo', 'i.active_to'),
    int('daysActive', 'i.days_active'),
    int('periodDays', 'i.period_days'),
    decimal('quantity', 'i.quantity', 18, 4),
    decimal('unitPrice', 'i.unit_price', 20, 6),
    decimal('discountPercent', 'i.discount_percent', 5, 2),
    decimal('amount', 'i.amount', 20, 4),
    flag('billable', 'i.billable'),
    text('ruleName', 'i.rule_name', true),
    flag('carriedOver', 'i.carried_over'),
    flag('adjustment', 'i.adjusts_period_id is not null'),
    date('adjustsPeriodEnd', 'ap.end_date', true),
  ],
  navigations: [
    { name: 'Customer', target: 'Customers', property: 'customerId', references: 'id' },
    { name: 'InvoiceTo', target: 'Customers', property: 'invoiceToId', references: 'id' },
    { name: 'Period', target: 'Periods', property: 'periodId', references: 'id' },
  ],
  from: (params, scope) => {
    const tenant = params.add(scope.tenantId, 'text');
    return `
      from items i
      join periods p on p.tenant_id = i.tenant_id and p.id = i.period_id
      join period_customers pc on pc.period_id = i.period_id and pc.customer_id = i.customer_id
      join period_customers invpc on invpc.period_id = i.period_id and invpc.customer_id = i.invoice_to_id
      join customers c on c.tenant_id = i.tenant_id and c.id = i.customer_id
      join customers inv on inv.tenant_id = i.tenant_id and inv.id = i.invoice_to_id
      left join periods ap on ap.tenant_id = i.tenant_id and ap.id = i.adjusts_period_id
      where i.tenant_id = ${tenant} and p.superseded_at is null ${periodCustomerScope(params, scope)}`;
  },
};

const customerTotals: EntitySet = {
  name: 'CustomerTotals',
  entityType: 'CustomerTotal',
  key: ['periodId', 'customerId'],
  properties: [
    id('periodId', 'r.period_id'),
    id('customerId', 'r.customer_id'),
    date('periodStart', 'p.start_date'),
    date('periodEnd', 'p.end_date'),
    text('periodStatus', 'p.status::text'),
    int('periodRevision', 'p.revision'),
    text('customerRef', 'c.ref'),
    text('customerName', 'pc.name'),
    text('parentRef', 'parent.ref', true),
    text('invoiceToRef', 'inv.ref'),
    int('depth', 'r.depth'),
    int('itemCount', 'r.item_count'),
    // A total is shown at the currency's minor unit; it is a sum of rounded items, so exact.
    decimal('amount', 'round(r.billable_amount, t.currency_minor_units)', 20, 4),
    text('currency', 't.currency'),
  ],
  navigations: [
    { name: 'Customer', target: 'Customers', property: 'customerId', references: 'id' },
    { name: 'Period', target: 'Periods', property: 'periodId', references: 'id' },
  ],
  from: (params, scope) => {
    const tenant = params.add(scope.tenantId, 'text');
    return `
      from rollups r
      join tenants t on t.id = r.tenant_id
      join periods p on p.tenant_id = r.tenant_id and p.id = r.period_id
      join period_customers pc on pc.period_id = r.period_id and pc.customer_id = r.customer_id
      join customers c on c.tenant_id = r.tenant_id and c.id = r.customer_id
      join customers inv on inv.tenant_id = r.tenant_id and inv.id = pc.invoice_to_id
      left join customers parent on parent.tenant_id = r.tenant_id and parent.id = pc.parent_id
      where r.tenant_id = ${tenant} and r.level = 'customer' and p.superseded_at is null
        ${periodCustomerScope(params, scope)}`;
  },
};

const periods: EntitySet = {
  name: 'Periods',
  entityType: 'Period',
  key: ['id'],
  properties: [
    id('id', 'p.id'),
    date('start', 'p.start_date'),
    date('end', 'p.end_date'),
    int('revision', 'p.revision'),
    text('status', 'p.status::text'),
  ],
  navigations: [],
  from: (params, scope) => `
      from periods p
      where p.tenant_id = ${params.add(scope.tenantId, 'text')} and p.superseded_at is null`,
};

const customers: EntitySet = {
  name: 'Customers',
  entityType: 'Customer',
  key: ['id'],
  properties: [
    id('id', 'c.id'),
    text('ref', 'c.ref'),
    text('name', 'c.name'),
    text('parentRef', 'parent.ref', true),
    text('relationship', 'c.relationship::text'),
    text('resellerBilling', 'c.reseller_billing::text'),
    text('tags', "array_to_string(c.tags, ',')"),
    flag('deleted', 'c.deleted_at is not null'),
  ],
  navigations: [],
  from: (params, scope) => {
    const tenant = params.add(scope.tenantId, 'text');
    // The current tree: `union` rather than `union all` so even a cyclic tree ends.
    const subtree =
      scope.customerId === undefined
        ? ''
        : `and c.id in (
          with recursive tree(id) as (
            select ${params.add(String(scope.customerId), 'bigint')}
            union
            select k.id from customers k join tree on k.parent_id = tree.id where k.tenant_id = ${tenant})
          select id from tree)`;
    return `
      from customers c
      left join customers parent on parent.tenant_id = c.tenant_id and parent.id = c.parent_id
      where c.tenant_id = ${tenant} ${subtree}`;
  },
};

/** The tenant's catalogue: what Reconciliation's `Sku` leads to. Staff only, like the catalogue API. */
const skus: EntitySet = {
  name: 'Skus',
  entityType: 'Sku',
  key: ['code'],
  properties: [
    text('code', 's.code'),
    text('name', 's.name'),
    text('vendor', 's.vendor'),
    decimal('unitPrice', 's.unit_price', 20, 6),
    decimal('costPrice', 'k.cost_price', 20, 6, true),
    text('billingModel', 's.billing_model::text'),
    text('proration', 's.proration::text'),
    text('pricingScheme', 's.pricing_scheme::text'),
  ],
  navigations: [],
  staffOnly: true,
  from: (params, scope) => {
    const tenant = params.add(scope.tenantId, 'text');
    return `
      from skus s
      left join sku_costs k on k.tenant_id = s.tenant_id and k.sku_code = s.code
      where s.tenant_id = ${tenant}`;
  },
};

export const entitySets: readonly EntitySet[] = [
  items,
  customerTotals,
  periods,
  customers,
  reconciliation,
  unmappedCharges,
  skus,
];

export function entitySet(name: string): EntitySet | undefined {
  return entitySets.find((set) => set.name === name);
}
