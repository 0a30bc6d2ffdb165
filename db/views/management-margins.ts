import type postgres from 'postgres';
import { type Decimal, toDecimal, toFixedMinor, unitDaysCost } from '../../billing/index.js';
import { periodUnitDayCosts, type UnitDayCosts } from './item-costs.js';
import { ctes, type ManagementInput } from './management.js';

/** Revenue (billed), the cost of what was billed and the margin, with the revenue no cost is known for. */
export interface MarginFigures {
  revenue: string;
  cost: string;
  margin: string;
  revenueWithoutCost: string;
}

export interface MarginMonth extends MarginFigures {
  month: string;
  vendors: (MarginFigures & { vendor: string })[];
}

/** Items alike for their cost: one period, customer, SKU and unit-days. */
interface ItemGroup {
  month: string;
  periodId: number;
  startDate: string;
  endDate: string;
  customerId: number;
  sku: string | null;
  vendor: string | null;
  costed: boolean;
  unitDays: string;
  items: number;
  revenue: string;
}

interface Sums {
  revenue: Decimal;
  cost: Decimal;
  costedRevenue: Decimal;
}

/**
 * Month by month (and per vendor): revenue, cost and margin summed from every item's own cost and
 * margin (db/views/item-costs.ts), so the trend is the sum of the items finance sees. Items alike
 * are grouped in SQL and costed once: a million seats read as a few thousand groups. Staff only.
 */
export async function marginMonths(sql: postgres.Sql, input: ManagementInput): Promise<MarginMonth[]> {
  const groups = await sql<ItemGroup[]>`
    with ${ctes(sql, input)}
    select cp.month, cp.id::int as "periodId", cp.start_date::text as "startDate", cp.end_date::text as "endDate",
           i.customer_id::int as "customerId", i.sku_code as sku, i.vendor,
           (i.sku_code is not null and i.kind <> 'usage' and i.adjusts_period_id is null) as costed,
           trim_scale(i.quantity * i.days_active)::text as "unitDays", count(*)::int as items,
           coalesce(sum(round(i.amount, ${input.minorUnits}::int)) filter (where i.billable), 0)::text as revenue
    from items i
    join visible v on v.period_id = i.period_id and v.customer_id = i.customer_id
    join current_periods cp on cp.id = i.period_id
    where i.tenant_id = ${input.tenantId} and cp.month >= ${input.from}
    group by 1, 2, 3, 4, 5, 6, 7, 8, 9`;
  const costs = new Map<number, UnitDayCosts>();
  for (const group of groups) {
    if (!costs.has(group.periodId)) {
      costs.set(group.periodId, await periodUnitDayCosts(sql, { tenantId: input.tenantId, ...group }));
    }
  }
  const zero = () => ({ revenue: toDecimal('0'), cost: toDecimal('0'), costedRevenue: toDecimal('0') });
  const months = new Map<string, { total: Sums; vendors: Map<string, Sums> }>();
  for (const group of groups) {
    const month = months.get(group.month) ?? { total: zero(), vendors: new Map<string, Sums>() };
    months.set(group.month, month);
    const unitDayCost =
      group.costed && group.sku !== null ? costs.get(group.periodId)?.(group.customerId, group.sku) : null;
    const cost = unitDayCost
      ? toDecimal(unitDaysCost(unitDayCost, group.unitDays, input.minorUnits)).times(group.items)
      : null;
    const sums = [month.total];
    if (group.vendor !== null) {
      const vendor = month.vendors.get(group.vendor) ?? zero();
      month.vendors.set(group.vendor, vendor);
      sums.push(vendor);
    }
    for (const sum of sums) {
      sum.revenue = sum.revenue.plus(group.revenue);
      if (cost !== null) {
        sum.cost = sum.cost.plus(cost);
        sum.costedRevenue = sum.costedRevenue.plus(group.revenue);
      }
    }
  }
  const figures = (sum: Sums): MarginFigures => ({
    revenue: toFixedMinor(sum.revenue, input.minorUnits),
    cost: toFixedMinor(sum.cost, input.minorUnits),
    margin: toFixedMinor(sum.costedRevenue.minus(sum.cost), input.minorUnits),
    revenueWithoutCost: toFixedMinor(sum.revenue.minus(sum.costedRevenue), input.minorUnits),
  });
  return [...months]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([month, { total, vendors }]) => ({
      month,
      ...figures(total),
      vendors: [...vendors]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([vendor, sum]) => ({ vendor, ...figures(sum) })),
    }));
}
