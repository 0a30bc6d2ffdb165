import type { EdmType, FilterFields, SqlParams } from './filter-sql.js';

/**
 * The entity sets of the OData feed: each property's EDM type and SQL expression, the key, and the
 * scoped source rows. Tenant and customer scope are part of every source's SQL.
 */

export interface FeedScope {
  tenantId: string;
  /** Set for customer tokens: this customer and, for a reseller, its subtree. */
  customerId?: number;
}

export interface Property {
  name: string;
  type: EdmType;
  nullable: boolean;
  /** Edm.Decimal only. */
  precision?: number;
  scale?: number;
  sql: string;
}

export interface EntitySet {
  name: string;
  entityType: string;
  key: readonly string[];
  properties: readonly Property[];
  /** The FROM and WHERE of the set's rows the scope may see. */
  from(params: SqlParams, scope: FeedScope): string;
}

const id = (name: string, sql: string): Property => ({ name, type: 'Edm.Int64', nullable: false, sql });
const text = (name: string, sql: string, nullable = false): Property => ({
  name,
  type: 'Edm.String',
  nullable,
  sql,
});
const date = (name: string, sql: string, nullable = false): Property => ({
  name,
  type: 'Edm.Date',
  nullable,
  sql,
});
const int = (name: string, sql: string): Property => ({ name, type: 'Edm.Int32', nullable: false, sql });
const flag = (name: string, sql: string): Property => ({ name, type: 'Edm.Boolean', nullable: false, sql });
const decimal = (name: string, sql: string, precision: number, scale: number): Property => ({
  name,
  type: 'Edm.Decimal',
  nullable: false,
  precision,
  scale,
  sql,
});

/** Of a period's customers (alias `pc`), the ones a customer token may see: in SQL, never afterwards. */
function periodCustomerScope(params: SqlParams, scope: FeedScope): string {
  if (scope.customerId === undefined) return '';
  const customer = params.add(String(scope.customerId), 'bigint');
  return `and (pc.customer_id = ${customer} or ${customer} = any(pc.ancestor_ids))`;
}

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

export const entitySets: readonly EntitySet[] = [items, customerTotals, periods, customers];

export function entitySet(name: string): EntitySet | undefined {
  return entitySets.find((set) => set.name === name);
}

/** The fields $filter may name: every property, as a column of the set's source subquery `e`. */
export function filterFields(set: EntitySet): FilterFields {
  return new Map(set.properties.map((p) => [p.name, { type: p.type, sql: column(p.name) }]));
}

/** A property as a column of the source subquery; names come from the model, never the request. */
export function column(name: string): string {
  return `e."${name}"`;
}
