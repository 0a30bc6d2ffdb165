import type postgres from 'postgres';
import {
  type Amount,
  chargedPerCustomerSku,
  chargeKey,
  itemCostAndMargin,
  type MappedCharge,
  periodDays,
  type UnitDayCost,
  unitDayCost,
} from '../../billing/index.js';
import type { PeriodRevision } from './period-revision.js';
import { chargeGroups } from './reconciliation.js';

/** What an item needs for its cost: who consumed which SKU, how much of it, and what it bills. */
export interface CostedItem {
  customerId: number;
  sku: string | null;
  kind: string;
  /** Adjustments of earlier periods are not costed, as the reconciliation does not match them. */
  adjustment: boolean;
  quantity: string;
  daysActive: number;
  amount: string;
  billable: boolean;
}

export type ItemCosts = (item: CostedItem) => { cost: Amount | null; margin: Amount | null };

/** The unit-day cost of a customer's SKU in one period; null when unknown or not a recurring SKU. */
export type UnitDayCosts = (customerId: number, sku: string) => UnitDayCost | null;

/**
 * Each recurring SKU's unit-day cost per customer in a period, by billing/'s rule: from the vendor
 * lines overlapping the period through today's mappings, else the SKU's cost price. Read at read
 * time for staff (costs are never stored on items).
 */
export async function periodUnitDayCosts(
  sql: postgres.Sql,
  period: Pick<PeriodRevision, 'tenantId' | 'startDate' | 'endDate'>,
  /** Only these customers' costs are wanted: only their vendor lines are read. */
  customerIds?: readonly number[],
): Promise<UnitDayCosts> {
  const vendorCustomerIds =
    customerIds === undefined ? undefined : await mappedVendorCustomerIds(sql, period.tenantId, customerIds);
  const [charges, skus] = await Promise.all([
    vendorCustomerIds?.length === 0 ? [] : chargeGroups(sql, period, undefined, vendorCustomerIds),
    sql<{ code: string; costPrice: string | null }[]>`
      select s.code, c.cost_price::text as "costPrice"
      from skus s left join sku_costs c on c.tenant_id = s.tenant_id and c.sku_code = s.code
      where s.tenant_id = ${period.tenantId} and s.billing_model = 'recurring'`,
  ]);
  const dates = { start: period.startDate, end: period.endDate };
  const days = periodDays(dates);
  const mapped = charges.flatMap((charge): MappedCharge[] =>
    charge.customerId === null || charge.skuCode === null
      ? []
      : [{ ...charge, customerId: charge.customerId, skuCode: charge.skuCode }],
  );
  const charged = chargedPerCustomerSku(mapped, dates);
  const costPrices = new Map(skus.map((sku) => [sku.code, sku.costPrice]));
  return (customerId, sku) =>
    costPrices.has(sku)
      ? unitDayCost(charged.get(chargeKey(customerId, sku)), costPrices.get(sku), days)
      : null;
}

/**
 * Cost and margin of the period's items. Usage items, adjustments and items without a SKU have no
 * cost (null), as in the reconciliation.
 */
export async function periodItemCosts(
  sql: postgres.Sql,
  period: Pick<PeriodRevision, 'tenantId' | 'startDate' | 'endDate' | 'minorUnits'>,
  customerIds?: readonly number[],
): Promise<ItemCosts> {
  const unitDayCosts = await periodUnitDayCosts(sql, period, customerIds);
  return (item) =>
    itemCostAndMargin(
      item,
      item.sku === null || item.kind === 'usage' || item.adjustment
        ? null
        : unitDayCosts(item.customerId, item.sku),
      period.minorUnits,
    );
}

/** The vendor customer ids and domains mapped to these customers, of any vendor. */
async function mappedVendorCustomerIds(sql: postgres.Sql, tenantId: string, customerIds: readonly number[]) {
  const rows = await sql<{ id: string }[]>`
    select distinct m.vendor_customer_id as id from vendor_customer_mappings m
    where m.tenant_id = ${tenantId} and m.customer_id = any(${customerIds as number[]}::bigint[])`;
  return rows.map((row) => row.id);
}
