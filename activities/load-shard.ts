import type postgres from 'postgres';
import type {
  ApprovedPeriod,
  BilledPart,
  Catalog,
  CustomerAtEnd,
  Element,
  LateUsageCandidate,
  PriorPrice,
  Rule,
  ShardInputs,
  Sku,
  SkuMapping,
  UsageEntry,
} from '../billing/engine/index.js';
import { adjustablePeriods } from '../billing/engine/index.js';
import type { PeriodContext, Shard } from './period-context.js';

/**
 * Reads what billing/engine needs for one shard of a period: SQL that selects rows, converts instants
 * to the tenant's local dates and looks keys up, and decides nothing about money.
 */

type Tx = postgres.TransactionSql;

/** What every part of a period's shards shares: the tenant's catalog and rules, the approved periods. */
export interface PeriodInputs {
  catalog: Catalog;
  rules: Rule[];
  approved: ApprovedPeriod[];
}

export async function loadPeriodInputs(tx: Tx, period: PeriodContext): Promise<PeriodInputs> {
  const periods = await tx<(ApprovedPeriod & { status: string })[]>`
    select id, start_date::text as start, end_date::text as end, status,
           coalesce(seen_through_change_id, 0)::float8 as "seenThrough"
    from periods
    where tenant_id = ${period.tenantId} and superseded_at is null and start_date < ${period.startDate}::date
    order by start_date`;
  return {
    catalog: await loadCatalog(tx, period.tenantId),
    rules: await loadRules(tx, period.tenantId),
    approved: adjustablePeriods(period.startDate, periods),
  };
}

export async function loadShardInputs(
  tx: Tx,
  period: PeriodContext,
  shard: Shard,
  shared: PeriodInputs,
): Promise<ShardInputs> {
  const { periodId, tenantId } = period;
  const { approved } = shared;
  const minSeen = approved.reduce((min, a) => Math.min(min, a.seenThrough), Number.POSITIVE_INFINITY);
  const customers = await tx<CustomerAtEnd[]>`
    select customer_id::float8 as "customerId", invoice_to_id::float8 as "invoiceToId", name, tags
    from period_customers
    where period_id = ${periodId} and invoice_to_id between ${shard.from} and ${shard.to}
    order by customer_id`;
  const customerIds = customers.map((c) => c.customerId);
  const zone = period.timeZone;
  // Active in the period, or changed after an approved period looked (late: billing/engine/adjustments.ts).
  const elements = await tx<Element[]>`
    select e.id::float8 as id, e.customer_id::float8 as "customerId", e.user_id::float8 as "userId", e.kind,
           e.service, e.product, e.quantity::text as quantity,
           (e.started_at at time zone ${zone})::date::text as "startDate",
           (e.ended_at at time zone ${zone})::date::text as "endDate",
           e.start_change_id::float8 as "startChangeId", e.end_change_id::float8 as "endChangeId"
    from elements e
    join periods p on p.id = ${periodId}
    where e.tenant_id = ${tenantId} and e.customer_id = any(${customerIds}::bigint[])
      and ((e.started_at < p.ends_at and (e.ended_at is null or e.ended_at >= p.starts_at))
        ${approved.length > 0 ? tx`or e.start_change_id > ${minSeen} or e.end_change_id > ${minSeen}` : tx``})
    order by e.id`;
  const usage = await tx<UsageEntry[]>`
    select c.id::float8 as "changeId", cu.id::float8 as "customerId", u.id::float8 as "userId",
           c.payload->>'service' as service, c.payload->>'product' as product,
           (c.payload->>'quantity')::numeric(18, 4)::text as quantity,
           (c.occurred_at at time zone ${zone})::date::text as day
    from periods p
    join change_log c on c.tenant_id = p.tenant_id and c.kind = 'usage.recorded'
      and c.occurred_at >= p.starts_at and c.occurred_at < p.ends_at
    join customers cu on cu.tenant_id = c.tenant_id and cu.ref = c.customer_ref
    left join users u on u.tenant_id = c.tenant_id and u.ref = c.user_ref
    where p.id = ${periodId} and cu.id = any(${customerIds}::bigint[])
    order by c.id`;
  const lateUsage =
    approved.length === 0
      ? []
      : await tx<LateUsageCandidate[]>`
    select c.id::float8 as "changeId", cu.id::float8 as "customerId", u.id::float8 as "userId",
           c.payload->>'service' as service, c.payload->>'product' as product,
           (c.payload->>'quantity')::numeric(18, 4)::text as quantity,
           (c.occurred_at at time zone ${zone})::date::text as day,
           exists (
             select 1 from periods holder
             join items i on i.period_id = holder.id and i.customer_id = cu.id and i.change_id = c.id
             where holder.tenant_id = c.tenant_id and holder.status in ('approved', 'exported')
               and holder.superseded_at is null) as billed
    from change_log c
    join customers cu on cu.tenant_id = c.tenant_id and cu.ref = c.customer_ref
    left join users u on u.tenant_id = c.tenant_id and u.ref = c.user_ref
    where c.tenant_id = ${tenantId} and c.kind = 'usage.recorded' and c.id > ${minSeen}
      and c.occurred_at < (select starts_at from periods where id = ${periodId})
      and cu.id = any(${customerIds}::bigint[])
    order by c.id`;
  const userIds = [
    ...new Set(
      [...elements, ...usage, ...lateUsage].flatMap((row) => (row.userId === null ? [] : [row.userId])),
    ),
  ];
  // Names as they stood at the period's end: the period's snapshot (billing.md).
  const names = await tx<{ id: number; name: string }[]>`
    select u.id::float8 as id, coalesce((
      select h.name from name_history h
      where h.tenant_id = u.tenant_id and h.subject = 'user' and h.subject_id = u.id
        and h.valid_from < (select ends_at from periods where id = ${periodId})
      order by h.valid_from desc limit 1), u.name) as name
    from users u where u.tenant_id = ${tenantId} and u.id = any(${userIds}::bigint[])`;
  return {
    period: { id: periodId, start: period.startDate, end: period.endDate, minorUnits: period.minorUnits },
    approved,
    customers,
    elements,
    usage,
    lateUsage,
    userNames: new Map(names.map((row) => [row.id, row.name])),
    catalog: shared.catalog,
    rules: shared.rules,
  };
}

export async function loadCatalog(tx: Tx | postgres.Sql, tenantId: string): Promise<Catalog> {
  const skus = await tx<Omit<Sku, 'tiers'>[]>`
    select code, vendor, unit_price::text as "unitPrice", billing_model as "billingModel", proration,
           pricing_scheme as "pricingScheme"
    from skus where tenant_id = ${tenantId}`;
  const tiers = await tx<{ skuCode: string; fromQuantity: number; unitPrice: string }[]>`
    select sku_code as "skuCode", from_quantity as "fromQuantity", unit_price::text as "unitPrice"
    from sku_price_tiers where tenant_id = ${tenantId} order by sku_code, from_quantity`;
  const mappings = await tx<SkuMapping[]>`
    select kind, service, product, sku_code as "skuCode" from sku_mappings where tenant_id = ${tenantId}`;
  const discounts = await tx<{ vendor: string; minServices: number; percent: string }[]>`
    select vendor, min_services as "minServices", percent::text as percent
    from vendor_discounts where tenant_id = ${tenantId} order by vendor, min_services`;
  const tiersOf = groupBy(tiers, (tier) => tier.skuCode);
  const discountsOf = groupBy(discounts, (discount) => discount.vendor);
  return {
    skus: new Map(skus.map((sku) => [sku.code, { ...sku, tiers: tiersOf.get(sku.code) ?? [] }])),
    mappings,
    discounts: discountsOf,
  };
}

export async function loadRules(tx: Tx | postgres.Sql, tenantId: string): Promise<Rule[]> {
  return tx<Rule[]>`
    select id::float8 as id, name, from_date::text as "from", to_date::text as "to",
           customer_id::float8 as "customerId", customer_pattern as "customerPattern",
           customer_tag as "customerTag", user_pattern as "userPattern", sku_code as "skuCode", vendor,
           service, element_kind::text as kind
    from rules where tenant_id = ${tenantId} order by id`;
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(key(row));
    if (group) group.push(row);
    else groups.set(key(row), [row]);
  }
  return groups;
}

/** What approved periods billed the late elements: the items the adjustments compare against. */
export async function loadBilledParts(tx: Tx, tenantId: string, elementIds: number[]): Promise<BilledPart[]> {
  if (elementIds.length === 0) return [];
  return tx<BilledPart[]>`
    select i.element_id::float8 as "elementId", i.customer_id::float8 as "customerId",
           coalesce(i.adjusts_period_id, i.period_id)::float8 as "approvedId",
           i.active_from::text as "activeFrom", i.active_to::text as "activeTo", sign(i.quantity)::int as sign,
           i.billable, i.rule_id::float8 as "ruleId", i.rule_name as "ruleName"
    from periods holder
    join items i on i.period_id = holder.id and i.element_id = any(${elementIds}::bigint[])
    where holder.tenant_id = ${tenantId} and holder.status in ('approved', 'exported') and holder.superseded_at is null
    order by i.id`;
}

/** The adjusted periods' trees and what they charged, for the adjustments' prices. */
export async function loadPriors(
  tx: Tx,
  tenantId: string,
  keys: { periodId: number; customerId: number; invoiceToId: number }[],
): Promise<{ priors: PriorPrice[]; adjustedInvoiceTo: Map<string, number> }> {
  if (keys.length === 0) return { priors: [], adjustedInvoiceTo: new Map() };
  const trees = await tx<{ periodId: number; customerId: number; invoiceToId: number }[]>`
    select pc.period_id::float8 as "periodId", pc.customer_id::float8 as "customerId",
           pc.invoice_to_id::float8 as "invoiceToId"
    from unnest(${keys.map((k) => k.periodId)}::bigint[], ${keys.map((k) => k.customerId)}::bigint[]) as k(period_id, customer_id)
    join period_customers pc on pc.period_id = k.period_id and pc.customer_id = k.customer_id
    where pc.tenant_id = ${tenantId}`;
  const adjustedInvoiceTo = new Map(trees.map((t) => [`${t.periodId}:${t.customerId}`, t.invoiceToId]));
  const pairs = new Map<string, { periodId: number; invoiceToId: number }>();
  for (const key of keys) {
    // A customer the adjusted period's tree lacks (created late) is priced under today's invoice-to.
    const invoiceToId = adjustedInvoiceTo.get(`${key.periodId}:${key.customerId}`) ?? key.invoiceToId;
    pairs.set(`${key.periodId}:${invoiceToId}`, { periodId: key.periodId, invoiceToId });
  }
  return { priors: await loadPriorPrices(tx, tenantId, [...pairs.values()]), adjustedInvoiceTo };
}

async function loadPriorPrices(tx: Tx, tenantId: string, pairs: { periodId: number; invoiceToId: number }[]) {
  if (pairs.length === 0) return [];
  return tx<PriorPrice[]>`
    select distinct on (a.period_id, a.invoice_to_id, a.sku_code, a.billable)
           a.period_id::float8 as "periodId", a.invoice_to_id::float8 as "invoiceToId", a.sku_code as "skuCode",
           a.unit_price::text as "unitPrice", a.discount_percent::text as "discountPercent", a.billable
    from unnest(${pairs.map((p) => p.periodId)}::bigint[], ${pairs.map((p) => p.invoiceToId)}::bigint[]) as k(period_id, invoice_to_id)
    join items a on a.period_id = k.period_id and a.invoice_to_id = k.invoice_to_id
    where a.tenant_id = ${tenantId} and a.adjusts_period_id is null and a.sku_code is not null
    order by a.period_id, a.invoice_to_id, a.sku_code, a.billable, a.id`;
}
