import type { ReconciliationLine, UnmappedCharge, VarianceReason } from '../../billing/index.js';
import { currentReconciliations } from '../../db/views/reconciliation.js';
import { date, decimal, type EntitySet, flag, id, int, periodCustomerScope, text } from './model.js';

/**
 * Reconciliation: the three-way match per period, vendor, customer and SKU, as the API's
 * reconciliation detail gives it, and UnmappedCharges: the charges no mapping places, never dropped.
 * The match runs in billing/ (the same code as /v1); its lines enter SQL as one JSON parameter,
 * where the tenant and customer scope and the query options apply.
 */

/** A variance's money per reason, one column each, so Power BI sums them without parsing text. */
const varianceColumns: Record<VarianceReason, string> = {
  unbilled: 'unbilledAmount',
  billed_not_purchased: 'billedNotPurchasedAmount',
  quantity: 'quantityAmount',
  excluded_but_charged: 'excludedButChargedAmount',
  below_cost: 'belowCostAmount',
};

/** The columns of `jsonb_to_recordset`: every figure travels as its exact text and lands as numeric. */
const recordColumns = [
  '"periodId" bigint',
  'vendor text',
  '"customerId" bigint',
  'sku text',
  '"unitsAtEnd" numeric',
  '"provisionedUnitDays" numeric',
  '"billedUnitDays" numeric',
  '"excludedUnitDays" numeric',
  '"chargedUnitDays" numeric',
  '"billedAmount" numeric',
  '"chargedAmount" numeric',
  '"unitCost" numeric',
  '"costSource" text',
  '"cost" numeric',
  '"margin" numeric',
  '"varianceReasons" text',
  '"unbilledRevenueLost" numeric',
  '"quantityUnitDays" numeric',
  ...Object.values(varianceColumns).map((name) => `"${name}" numeric`),
].join(', ');

/** A matched line as the set's JSON record (exported for bench/recon-import.ts). */
export function feedRecord(line: ReconciliationLine, periodId: number) {
  const byReason = new Map(line.variances.map((v) => [v.reason, v]));
  return {
    periodId: String(periodId),
    vendor: line.vendor,
    customerId: String(line.customerId),
    sku: line.skuCode,
    unitsAtEnd: line.unitsAtEnd,
    provisionedUnitDays: line.provisionedUnitDays,
    billedUnitDays: line.billedUnitDays,
    excludedUnitDays: line.excludedUnitDays,
    chargedUnitDays: line.chargedUnitDays,
    billedAmount: line.billedAmount,
    chargedAmount: line.chargedAmount,
    unitCost: line.unitCost,
    costSource: line.costSource,
    cost: line.cost,
    margin: line.margin,
    varianceReasons: line.variances.map((v) => v.reason).join(','),
    unbilledRevenueLost: byReason.get('unbilled')?.revenueLost ?? null,
    quantityUnitDays: byReason.get('quantity')?.unitDays ?? null,
    ...Object.fromEntries(
      Object.entries(varianceColumns).map(([reason, name]) => [
        name,
        byReason.get(reason as VarianceReason)?.amount ?? null,
      ]),
    ),
  };
}

const money = (name: string, nullable = false) => decimal(name, `r."${name}"`, 20, 4, nullable);
const unitDays = (name: string, nullable = false) => decimal(name, `r."${name}"`, 24, 4, nullable);

export const reconciliation: EntitySet = {
  name: 'Reconciliation',
  entityType: 'ReconciliationLine',
  key: ['periodId', 'vendor', 'customerId', 'sku'],
  properties: [
    id('periodId', 'r."periodId"'),
    date('periodStart', 'p.start_date'),
    date('periodEnd', 'p.end_date'),
    text('periodStatus', 'p.status::text'),
    int('periodRevision', 'p.revision'),
    text('vendor', 'r.vendor'),
    id('customerId', 'r."customerId"'),
    text('customerRef', 'c.ref'),
    text('customerName', 'coalesce(pc.name, c.name)'),
    text('sku', 'r.sku'),
    text('currency', 't.currency'),
    decimal('unitsAtEnd', 'r."unitsAtEnd"', 18, 4),
    unitDays('provisionedUnitDays'),
    unitDays('billedUnitDays'),
    unitDays('excludedUnitDays'),
    unitDays('chargedUnitDays'),
    money('billedAmount'),
    money('chargedAmount'),
    // Per unit per period: the vendor's effective price, else the SKU's cost price.
    decimal('unitCost', 'r."unitCost"', 20, 6, true),
    text('costSource', 'r."costSource"', true),
    money('cost', true),
    money('margin', true),
    flag('matched', `r."varianceReasons" = ''`),
    // The reasons in the order billing/ finds them, comma-separated; '' when the line matches.
    text('varianceReasons', 'r."varianceReasons"'),
    money('unbilledAmount', true),
    money('unbilledRevenueLost', true),
    money('billedNotPurchasedAmount', true),
    unitDays('quantityUnitDays', true),
    money('quantityAmount', true),
    money('excludedButChargedAmount', true),
    money('belowCostAmount', true),
  ],
  navigations: [
    { name: 'Customer', target: 'Customers', property: 'customerId', references: 'id' },
    { name: 'Period', target: 'Periods', property: 'periodId', references: 'id' },
    { name: 'Sku', target: 'Skus', property: 'sku', references: 'code' },
  ],
  staffOnly: true,
  load: async (sql, scope) =>
    (await currentReconciliations(sql, scope.tenantId)).flatMap((result) =>
      result.lines.map((line) => feedRecord(line, result.periodId)),
    ),
  from: (params, scope, loaded = '[]') => {
    const tenant = params.add(scope.tenantId, 'text');
    const lines = params.add(loaded, 'jsonb');
    // The joins hold every line to the tenant's current periods and customers. The snapshot is a left
    // join: a charge mapped to a customer created after the period is still listed (to staff).
    return `
      from jsonb_to_recordset(${lines}) as r(${recordColumns})
      join periods p on p.tenant_id = ${tenant} and p.id = r."periodId"
      join tenants t on t.id = p.tenant_id
      join customers c on c.tenant_id = p.tenant_id and c.id = r."customerId"
      left join period_customers pc on pc.period_id = p.id and pc.customer_id = r."customerId"
      where p.superseded_at is null ${periodCustomerScope(params, scope)}`;
  },
};

const unmappedRecord = (line: UnmappedCharge, periodId: number) => ({
  periodId: String(periodId),
  vendor: line.vendor,
  vendorCustomerId: line.vendorCustomerId,
  vendorProductId: line.vendorProductId,
  missing: line.missing.join(','),
  chargedUnitDays: line.chargedUnitDays,
  chargedAmount: line.chargedAmount,
});

/** Charges whose vendor customer or product maps to nothing: counted in the charged total, to fix. */
export const unmappedCharges: EntitySet = {
  name: 'UnmappedCharges',
  entityType: 'UnmappedCharge',
  key: ['periodId', 'vendor', 'vendorCustomerId', 'vendorProductId'],
  properties: [
    id('periodId', 'r."periodId"'),
    date('periodStart', 'p.start_date'),
    date('periodEnd', 'p.end_date'),
    text('periodStatus', 'p.status::text'),
    int('periodRevision', 'p.revision'),
    text('vendor', 'r.vendor'),
    text('vendorCustomerId', 'r."vendorCustomerId"'),
    text('vendorProductId', 'r."vendorProductId"'),
    // 'customer', 'product' or 'customer,product': which mapping is missing.
    text('missing', 'r.missing'),
    unitDays('chargedUnitDays'),
    money('chargedAmount'),
    text('currency', 't.currency'),
  ],
  navigations: [{ name: 'Period', target: 'Periods', property: 'periodId', references: 'id' }],
  staffOnly: true,
  load: async (sql, scope) =>
    (await currentReconciliations(sql, scope.tenantId)).flatMap((result) =>
      result.unmapped.map((line) => unmappedRecord(line, result.periodId)),
    ),
  from: (params, scope, loaded = '[]') => {
    const tenant = params.add(scope.tenantId, 'text');
    const lines = params.add(loaded, 'jsonb');
    const columns =
      '"periodId" bigint, vendor text, "vendorCustomerId" text, "vendorProductId" text, missing text, ' +
      '"chargedUnitDays" numeric, "chargedAmount" numeric';
    // No customer of the tenant is known for these lines: a customer scope sees none of them.
    return `
      from jsonb_to_recordset(${lines}) as r(${columns})
      join periods p on p.tenant_id = ${tenant} and p.id = r."periodId"
      join tenants t on t.id = p.tenant_id
      where p.superseded_at is null ${scope.customerId === undefined ? '' : 'and false'}`;
  },
};
