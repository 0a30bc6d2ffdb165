import type postgres from 'postgres';
import { ingestChanges } from '../../activities/ingest-changes.js';
import { openPeriod } from '../../activities/open-period.js';
import { setPeriodStatus } from '../../activities/period-status.js';
import { runStages } from '../../activities/run-stages.js';

/** Small builders so scenario tests read like billing.md, not like SQL. */

export async function createTenant(
  sql: postgres.Sql,
  tenant: {
    id: string;
    timeZone?: string;
    currency?: string;
    mode?: 'calendar' | 'fixed_day' | 'days_before_end';
    day?: number;
  },
): Promise<void> {
  await sql`insert into tenants (id, name, currency, time_zone)
            values (${tenant.id}, ${`${tenant.id} MSP`}, ${tenant.currency ?? 'EUR'}, ${tenant.timeZone ?? 'UTC'})`;
  await sql`insert into period_configs (tenant_id, effective_from, mode, day, created_by)
            values (${tenant.id}, '2000-01-01', ${tenant.mode ?? 'calendar'}, ${tenant.day ?? null}, 'test')`;
}

export interface SkuSpec {
  code: string;
  vendor: string;
  price: string;
  model?: 'recurring' | 'usage';
  proration?: 'daily' | 'full';
  scheme?: 'flat' | 'tiered' | 'volume';
  tiers?: [fromQuantity: number, unitPrice: string][];
  /** What maps to it: [kind, service, product or null for the whole service]. */
  maps: [
    kind: 'plan' | 'instance' | 'application' | 'domain' | 'usage',
    service: string,
    product: string | null,
  ][];
}

export async function createSku(sql: postgres.Sql, tenantId: string, sku: SkuSpec): Promise<void> {
  await sql`insert into skus (tenant_id, code, vendor, name, unit_price, billing_model, proration, pricing_scheme)
            values (${tenantId}, ${sku.code}, ${sku.vendor}, ${sku.code}, ${sku.price}, ${sku.model ?? 'recurring'},
                    ${sku.proration ?? 'daily'}, ${sku.scheme ?? 'flat'})`;
  for (const [fromQuantity, unitPrice] of sku.tiers ?? []) {
    await sql`insert into sku_price_tiers values (${tenantId}, ${sku.code}, ${fromQuantity}, ${unitPrice})`;
  }
  for (const [kind, service, product] of sku.maps) {
    await sql`insert into sku_mappings (tenant_id, kind, service, product, sku_code)
              values (${tenantId}, ${kind}, ${service}, ${product}, ${sku.code})`;
  }
}

let keys = 0;
/** Ingests entries (keys added when missing) and fails the test on any rejection. */
export async function ingest(sql: postgres.Sql, tenantId: string, entries: Record<string, unknown>[]) {
  const result = await ingestChanges(
    sql,
    tenantId,
    entries.map((entry) => ({ actor: 'test', key: `k${++keys}`, ...entry })),
  );
  if (result.rejected.length > 0) throw new Error(`rejected: ${JSON.stringify(result.rejected)}`);
  return result;
}

/** A tenant's currency and its ISO 4217 minor unit (0 for JPY, 3 for KWD): items round to it. */
export async function useCurrency(
  sql: postgres.Sql,
  tenantId: string,
  currency: string,
  minorUnits: number,
): Promise<void> {
  await sql`update tenants set currency = ${currency}, currency_minor_units = ${minorUnits} where id = ${tenantId}`;
}

/**
 * A period's items as Service Detail lines, one string per item, so a scenario can state every
 * field at once: `customer | user | sku | from..to | days/period days | quantity x unit price =
 * amount | flags`. `to` is exclusive (the day of removal). Amounts show the currency's minor unit
 * when they are rounded to it, and every digit otherwise, so an unrounded amount cannot hide.
 * Flags: `carried over`, `not billable: <rule>`, `unmapped`, `discount <n>%`, `adjusts <period>`.
 */
export async function itemLines(sql: postgres.Sql, periodId: number): Promise<string[]> {
  const rows = await sql<{ line: string }[]>`
    select concat_ws(' | ', c.ref, coalesce(i.user_name, '-'), coalesce(i.sku_code, i.service || '/' || i.product),
             i.active_from || '..' || i.active_to, i.days_active || '/' || i.period_days,
             trim_scale(i.quantity) || ' x ' || trim_scale(i.unit_price) || ' = '
               || case when i.amount = round(i.amount, t.currency_minor_units)
                       then round(i.amount, t.currency_minor_units)::text else i.amount::text end,
             nullif(concat_ws(', ',
               case when i.carried_over then 'carried over' end,
               case when not i.billable then 'not billable: ' || coalesce(r.name, 'no rule') end,
               case when i.unmapped then 'unmapped' end,
               case when i.discount_percent <> 0 then 'discount ' || trim_scale(i.discount_percent) || '%' end,
               case when a.id is not null then 'adjusts ' || a.start_date || '..' || a.end_date end), '')) as line
    from items i
    join customers c on c.id = i.customer_id
    join tenants t on t.id = i.tenant_id
    left join rules r on r.id = i.rule_id
    left join periods a on a.id = i.adjusts_period_id
    where i.period_id = ${periodId}
    order by c.ref, i.user_name nulls first, coalesce(i.sku_code, i.service || '/' || i.product),
             i.adjusts_period_id nulls first, i.active_from, i.active_to, i.quantity desc`;
  return rows.map((row) => row.line);
}

/**
 * A period's roll-ups as lines `level customer: n items, amount`, by level, depth and ref:
 * customer totals, invoice-to totals and the reseller roll-up (every tier).
 */
export async function rollupLines(sql: postgres.Sql, periodId: number): Promise<string[]> {
  const rows = await sql<{ line: string }[]>`
    select r.level || ' ' || c.ref || ': ' || r.item_count || ' items, '
             || round(r.billable_amount, t.currency_minor_units) as line
    from rollups r
    join customers c on c.id = r.customer_id
    join tenants t on t.id = r.tenant_id
    where r.period_id = ${periodId}
    order by r.level, r.depth, c.ref`;
  return rows.map((row) => row.line);
}

/** Moves a computed period through finance's approval: generating -> awaiting_approval -> approved. */
export async function approvePeriod(sql: postgres.Sql, periodId: number, by = 'finance@msp'): Promise<void> {
  await setPeriodStatus(sql, { periodId, status: 'generating' });
  await setPeriodStatus(sql, { periodId, status: 'awaiting_approval' });
  await setPeriodStatus(sql, { periodId, status: 'approved', by });
}

/** Opens the period holding `date` and computes it as a close would: its id and its totals. */
export async function generatePeriod(
  sql: postgres.Sql,
  tenantId: string,
  date: string,
  itemsPerShard?: number,
) {
  const period = await openPeriod(sql, { tenantId, date });
  const totals = await runStages(sql, period.periodId, itemsPerShard);
  return { ...period, totals };
}
