import type postgres from 'postgres';
import { unitsHeld as engineUnitsHeld, type UnitsItem } from '../../billing/engine/index.js';
import { formatDecimal } from '../../billing/money.js';

/**
 * What explaining one item needs: the item with its period, the element and the change-log entries
 * that started and ended it, the parts rules cut its element into, and the SKU's price and tiers.
 * The arithmetic itself is billing/'s (api/routes/explain-arithmetic.ts); this only reads.
 */

/** Where the item is and whether the caller may see it: tenant always, a customer token's subtree. */
export interface ExplainedItem {
  id: number;
  periodId: number;
  periodStart: string;
  periodEnd: string;
  revision: number;
  status: 'open' | 'generating' | 'awaiting_approval' | 'approved' | 'exported';
  currency: string;
  minorUnits: number;
  customerId: number;
  invoiceToId: number;
  elementId: number | null;
  changeId: number | null;
  kind: string;
  skuCode: string | null;
  vendor: string | null;
  quantity: string;
  unitPrice: string;
  discountPercent: string;
  amount: string;
  billable: boolean;
  daysActive: number;
  periodDays: number;
  activeFrom: string;
  activeTo: string;
  adjustsPeriodId: number | null;
}

export async function explainedItem(
  sql: postgres.Sql,
  scope: { tenantId: string; customerId?: number },
  id: number,
): Promise<ExplainedItem | undefined> {
  const [row] = await sql<ExplainedItem[]>`
    select i.id, i.period_id as "periodId", p.start_date::text as "periodStart", p.end_date::text as "periodEnd",
           p.revision, p.status, t.currency, t.currency_minor_units as "minorUnits",
           i.customer_id as "customerId", i.invoice_to_id as "invoiceToId", i.element_id as "elementId",
           i.change_id as "changeId", i.kind, i.sku_code as "skuCode", i.vendor, i.quantity::text as quantity,
           i.unit_price::text as "unitPrice", i.discount_percent::text as "discountPercent",
           i.amount::text as amount, i.billable, i.days_active as "daysActive", i.period_days as "periodDays",
           i.active_from::text as "activeFrom", i.active_to::text as "activeTo",
           i.adjusts_period_id as "adjustsPeriodId"
    from items i
    join periods p on p.id = i.period_id and p.tenant_id = i.tenant_id
    join tenants t on t.id = i.tenant_id
    join period_customers pc on pc.period_id = i.period_id and pc.customer_id = i.customer_id
    where i.id = ${id} and i.tenant_id = ${scope.tenantId}
      ${
        scope.customerId === undefined
          ? sql``
          : sql`and (pc.customer_id = ${scope.customerId} or ${scope.customerId} = any(pc.ancestor_ids))`
      }`;
  return row;
}

export interface ChangeEntry {
  id: number;
  kind: string;
  occurredAt: string;
  recordedAt: string;
  actor: string;
}

export interface ElementWithChanges {
  kind: string;
  ref: string;
  service: string;
  product: string;
  quantity: string;
  startedAt: string;
  endedAt: string | null;
  started: ChangeEntry | null;
  ended: ChangeEntry | null;
}

const utc = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

function change(sql: postgres.Sql, alias: string) {
  const a = sql.unsafe(alias);
  return sql`case when ${a}.id is null then null else json_build_object('id', ${a}.id, 'kind', ${a}.kind,
    'occurredAt', ${sql.unsafe(utc(`${alias}.occurred_at`))}, 'recordedAt', ${sql.unsafe(utc(`${alias}.recorded_at`))},
    'actor', ${a}.actor) end`;
}

/** The element an item bills and the entries that started and ended it (for usage: the entry). */
export async function elementWithChanges(
  sql: postgres.Sql,
  tenantId: string,
  item: Pick<ExplainedItem, 'elementId' | 'changeId'>,
): Promise<{ element: ElementWithChanges | null; usage: ChangeEntry | null }> {
  if (item.elementId === null) {
    const [usage] = await sql<{ entry: ChangeEntry | null }[]>`
      select ${change(sql, 'c')} as entry from change_log c
      where c.id = ${item.changeId ?? 0} and c.tenant_id = ${tenantId}`;
    return { element: null, usage: usage?.entry ?? null };
  }
  const [element] = await sql<ElementWithChanges[]>`
    select e.kind, e.ref, e.service, e.product, e.quantity::text as quantity,
           ${sql.unsafe(utc('e.started_at'))} as "startedAt", ${sql.unsafe(utc('e.ended_at'))} as "endedAt",
           ${change(sql, 's')} as started, ${change(sql, 'x')} as ended
    from elements e
    left join change_log s on s.id = e.start_change_id and s.tenant_id = e.tenant_id
    left join change_log x on x.id = e.end_change_id and x.tenant_id = e.tenant_id
    where e.id = ${item.elementId} and e.tenant_id = ${tenantId}`;
  return { element: element ?? null, usage: null };
}

export interface ItemPart {
  itemId: number;
  activeFrom: string;
  activeTo: string;
  daysActive: number;
  billable: boolean;
  amount: string;
  rule: { id: number; name: string; from: string | null; to: string | null } | null;
}

/**
 * The parts rules cut the item's element into in this period (the item among them): the same
 * element, the same adjusted period and the same sign (a credit is its own item), by date.
 */
export function itemParts(sql: postgres.Sql, tenantId: string, item: ExplainedItem) {
  return sql<ItemPart[]>`
    select i.id as "itemId", i.active_from::text as "activeFrom", i.active_to::text as "activeTo",
           i.days_active as "daysActive", i.billable, i.amount::text as amount,
           -- The name as the item was computed (a locked period keeps it); the range as the rule stands.
           case when i.rule_id is null then null else json_build_object('id', i.rule_id, 'name', i.rule_name,
             'from', r.from_date::text, 'to', r.to_date::text) end as rule
    from items i
    left join rules r on r.id = i.rule_id and r.tenant_id = i.tenant_id
    where i.period_id = ${item.periodId} and i.tenant_id = ${tenantId}
      and ${item.elementId === null ? sql`i.id = ${item.id}` : sql`i.element_id = ${item.elementId}`}
      and i.adjusts_period_id is not distinct from ${item.adjustsPeriodId}
      and sign(i.quantity) = sign(${item.quantity}::numeric)
    order by i.active_from, i.id`;
}

export interface SkuPricing {
  code: string;
  name: string;
  billingModel: 'recurring' | 'usage';
  proration: 'daily' | 'full';
  pricingScheme: 'flat' | 'tiered' | 'volume';
  unitPrice: string;
  tiers: { fromQuantity: number; unitPrice: string }[];
}

export async function skuPricing(
  sql: postgres.Sql,
  tenantId: string,
  code: string,
): Promise<SkuPricing | undefined> {
  const [sku] = await sql<SkuPricing[]>`
    select s.code, s.name, s.billing_model as "billingModel", s.proration, s.pricing_scheme as "pricingScheme",
           s.unit_price::text as "unitPrice",
           coalesce((select json_agg(json_build_object('fromQuantity', t.from_quantity, 'unitPrice', t.unit_price::text)
                       order by t.from_quantity)
                     from sku_price_tiers t where t.tenant_id = s.tenant_id and t.sku_code = s.code), '[]') as tiers
    from skus s where s.tenant_id = ${tenantId} and s.code = ${code}`;
  return sku;
}

/**
 * The units that placed the invoice-to customer on the SKU's tiers in this period, counted by the
 * close's own rule (billing/engine `unitsHeld`) over the invoice-to customer's stored items of the SKU.
 */
export async function unitsHeld(sql: postgres.Sql, tenantId: string, item: ExplainedItem): Promise<string> {
  if (item.skuCode === null) return '0';
  const sku = await skuPricing(sql, tenantId, item.skuCode);
  if (!sku) return '0';
  const items = await sql<UnitsItem[]>`
    select i.invoice_to_id::float8 as "invoiceToId", i.sku_code as "skuCode", i.kind, i.quantity::text as quantity,
           i.days_active as "daysActive", i.period_days as "periodDays", i.element_id::float8 as "elementId",
           i.billable, i.adjusts_period_id::float8 as "adjustsPeriodId"
    from items i
    where i.period_id = ${item.periodId} and i.tenant_id = ${tenantId} and i.invoice_to_id = ${item.invoiceToId}
      and i.sku_code = ${item.skuCode}`;
  const held = engineUnitsHeld(items, () => ({ ...sku, vendor: '', tiers: sku.tiers }));
  const units = held.get(`${item.invoiceToId}\u0000${item.skuCode}`);
  return units === undefined ? '0' : formatDecimal(units);
}
