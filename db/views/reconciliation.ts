import type postgres from 'postgres';
import {
  type ChargeGroup,
  type ProvisionedGroup,
  type Reconciliation,
  reconcile,
  type SkuTerms,
} from '../../billing/index.js';
import type { PeriodRevision } from './period-revision.js';

/**
 * The three-way match of one period revision, read for the tenant's staff: provisioned and billed
 * from the revision's items, charged from every imported vendor line overlapping the period, each
 * resolved through the mappings as they stand now (so adding a mapping re-matches its lines).
 */
export async function periodReconciliation(
  sql: postgres.Sql,
  period: PeriodRevision,
  vendor?: string,
): Promise<Reconciliation> {
  const [provisioned, charges, skus] = await Promise.all([
    provisionedGroups(sql, period, vendor),
    chargeGroups(sql, period, vendor),
    skuTerms(sql, period.tenantId),
  ]);
  return reconcile({
    period: { start: period.startDate, end: period.endDate },
    minorUnits: period.minorUnits,
    provisioned,
    charges,
    skus,
  });
}

/** Items of recurring SKUs per customer and SKU: unit-days = quantity x days active. */
function provisionedGroups(sql: postgres.Sql, period: PeriodRevision, vendor?: string) {
  return sql<ProvisionedGroup[]>`
    select i.customer_id::int as "customerId", i.sku_code as "skuCode",
           trim_scale(coalesce(sum(i.quantity) filter (where i.active_to > ${period.endDate}::date), 0))::text
             as "unitsAtEnd",
           trim_scale(sum(i.quantity * i.days_active))::text as "unitDays",
           trim_scale(coalesce(sum(i.quantity * i.days_active) filter (where i.billable), 0))::text
             as "billedUnitDays",
           trim_scale(coalesce(sum(i.quantity * i.days_active) filter (where i.rule_id is not null), 0))::text
             as "excludedUnitDays",
           coalesce(sum(i.amount) filter (where i.billable), 0)::text as "billedAmount"
    from items i
    join skus s on s.tenant_id = i.tenant_id and s.code = i.sku_code
    where i.tenant_id = ${period.tenantId} and i.period_id = ${period.id} and i.kind <> 'usage'
      and i.adjusts_period_id is null and s.billing_model = 'recurring'
      ${vendor === undefined ? sql`` : sql`and s.vendor = ${vendor}`}
    group by i.customer_id, i.sku_code`;
}

/**
 * Vendor lines overlapping the period, summed per vendor, customer, product and charge span before
 * the mappings are looked up: a specific mapping (`ProductId:SkuId`) wins over the ProductId alone,
 * the customer id over its domain.
 */
export function chargeGroups(
  sql: postgres.Sql,
  period: Pick<PeriodRevision, 'tenantId' | 'startDate' | 'endDate'>,
  vendor?: string,
  /** Only lines whose vendor customer id or domain is one of these (a page of items needs few). */
  vendorCustomerIds?: readonly string[],
) {
  return sql<ChargeGroup[]>`
    with lines as (
      select l.vendor, l.vendor_customer_id, l.vendor_customer_domain, l.vendor_product_id,
             l.charge_start, l.charge_end, sum(l.quantity) as quantity, sum(l.amount) as amount
      from vendor_lines l
      where l.import_id in (
          select v.id from vendor_imports v
          where v.tenant_id = ${period.tenantId} and v.first_charge_date <= ${period.endDate}::date
            and v.last_charge_date >= ${period.startDate}::date)
        and l.tenant_id = ${period.tenantId}
        and l.charge_start <= ${period.endDate}::date and l.charge_end >= ${period.startDate}::date
        ${vendor === undefined ? sql`` : sql`and l.vendor = ${vendor}`}
        ${
          vendorCustomerIds === undefined
            ? sql``
            : sql`and (l.vendor_customer_id = any(${vendorCustomerIds as string[]}::text[])
                       or l.vendor_customer_domain = any(${vendorCustomerIds as string[]}::text[]))`
        }
      -- A line and its credit with opposite signs must not cancel their quantities: keep them apart.
      group by l.vendor, l.vendor_customer_id, l.vendor_customer_domain, l.vendor_product_id,
               l.charge_start, l.charge_end, sign(l.amount)
    )
    select l.vendor, l.vendor_customer_id as "vendorCustomerId", l.vendor_product_id as "vendorProductId",
           cm.customer_id::int as "customerId", pm.sku_code as "skuCode",
           l.charge_start::text as "chargeStart", l.charge_end::text as "chargeEnd",
           trim_scale(l.quantity)::text as quantity, trim_scale(l.amount)::text as amount
    from lines l
    left join lateral (
      select m.customer_id from vendor_customer_mappings m
      where m.tenant_id = ${period.tenantId} and m.vendor = l.vendor
        and m.vendor_customer_id in (l.vendor_customer_id, l.vendor_customer_domain)
      order by m.vendor_customer_id = l.vendor_customer_id desc
      limit 1
    ) cm on true
    left join lateral (
      select m.sku_code from vendor_product_mappings m
      where m.tenant_id = ${period.tenantId} and m.vendor = l.vendor
        and m.vendor_product_id in (l.vendor_product_id, split_part(l.vendor_product_id, ':', 1))
      order by m.vendor_product_id = l.vendor_product_id desc
      limit 1
    ) pm on true`;
}

async function skuTerms(sql: postgres.Sql, tenantId: string): Promise<Map<string, SkuTerms>> {
  const rows = await sql<(SkuTerms & { code: string })[]>`
    select s.code, s.vendor, s.unit_price::text as "unitPrice", c.cost_price::text as "costPrice"
    from skus s left join sku_costs c on c.tenant_id = s.tenant_id and c.sku_code = s.code
    where s.tenant_id = ${tenantId}`;
  return new Map(rows.map(({ code, ...terms }) => [code, terms]));
}

/** Customer refs and names of the period (its snapshot), for showing lines. */
export async function periodCustomerNames(sql: postgres.Sql, period: PeriodRevision) {
  const rows = await sql<{ id: number; ref: string; name: string; ancestorIds: number[] }[]>`
    select pc.customer_id::int as id, c.ref, pc.name, pc.ancestor_ids::int[] as "ancestorIds"
    from period_customers pc join customers c on c.tenant_id = pc.tenant_id and c.id = pc.customer_id
    where pc.tenant_id = ${period.tenantId} and pc.period_id = ${period.id}`;
  return new Map(rows.map((row) => [row.id, { ref: row.ref, name: row.name, ancestorIds: row.ancestorIds }]));
}

/** The Reconciliation sheet's rows: matched lines by vendor, customer and SKU, then unmapped charges. */
export async function reconciliationSheetRows(sql: postgres.Sql, period: PeriodRevision) {
  const [result, names] = await Promise.all([
    periodReconciliation(sql, period),
    periodCustomerNames(sql, period),
  ]);
  const matched = result.lines.map((line) => ({
    vendor: line.vendor,
    customer: names.get(line.customerId)?.name ?? String(line.customerId),
    sku: line.skuCode,
    provisionedUnitDays: line.provisionedUnitDays,
    billedUnitDays: line.billedUnitDays,
    chargedUnitDays: line.chargedUnitDays,
    billedAmount: line.billedAmount,
    chargedAmount: line.chargedAmount,
    cost: line.cost,
    margin: line.margin,
    variances: line.variances.map((v) => `${v.reason} ${v.amount}`).join(', '),
  }));
  matched.sort(
    (a, b) =>
      a.vendor.localeCompare(b.vendor) || a.customer.localeCompare(b.customer) || a.sku.localeCompare(b.sku),
  );
  const unmapped = result.unmapped.map((line) => ({
    vendor: line.vendor,
    customer: `${line.vendorCustomerId} (vendor id)`,
    sku: `${line.vendorProductId} (vendor id)`,
    provisionedUnitDays: '0',
    billedUnitDays: '0',
    chargedUnitDays: line.chargedUnitDays,
    billedAmount: '0',
    chargedAmount: line.chargedAmount,
    cost: null,
    margin: null,
    variances: `unmapped ${line.missing.join(' and ')}`,
  }));
  return [...matched, ...unmapped];
}

/** The three-way match of one current period revision. */
export interface CurrentReconciliation extends Reconciliation {
  periodId: number;
}

/**
 * The three-way match of every current period revision that has items: what the OData feed's
 * Reconciliation and UnmappedCharges sets read, each period matched exactly as the API's detail.
 */
export async function currentReconciliations(
  sql: postgres.Sql,
  tenantId: string,
): Promise<CurrentReconciliation[]> {
  const periods = await sql<PeriodRevision[]>`
    select p.id, p.tenant_id as "tenantId", p.start_date::text as "startDate", p.end_date::text as "endDate",
           p.revision, p.status, false as superseded,
           t.currency, t.currency_minor_units as "minorUnits", p.approved_at as "approvedAt"
    from periods p join tenants t on t.id = p.tenant_id
    where p.tenant_id = ${tenantId} and p.superseded_at is null
      and exists (select 1 from items i where i.tenant_id = p.tenant_id and i.period_id = p.id)
    order by p.start_date`;
  const results: CurrentReconciliation[] = [];
  // One period at a time: each match already runs its three reads in parallel on the pool.
  for (const period of periods) {
    results.push({ ...(await periodReconciliation(sql, period)), periodId: period.id });
  }
  return results;
}
