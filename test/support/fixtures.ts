import type postgres from 'postgres';
import { ingestChanges } from '../../activities/ingest-changes.js';

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
