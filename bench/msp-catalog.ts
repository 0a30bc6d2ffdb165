import type postgres from 'postgres';

/**
 * The synthetic MSP's tenant, price list and billing rules: what the tenant configures, as opposed to
 * the change log the generator streams. Element names (service, product) match what generate-msp.ts
 * sends, so every element but the GPU VM finds a SKU.
 */

export const benchTenant = {
  id: 'bench-msp',
  name: 'Bench MSP BV',
  currency: 'EUR',
  timeZone: 'Europe/Amsterdam',
} as const;

type Sku = [
  code: string,
  vendor: string,
  name: string,
  unitPrice: string,
  model: 'recurring' | 'usage',
  proration: 'daily' | 'full',
  scheme: 'flat' | 'tiered' | 'volume',
];

const skus: Sku[] = [
  ['M365-BB', 'Microsoft', 'Microsoft 365 Business Basic', '5.60', 'recurring', 'daily', 'flat'],
  ['M365-BS', 'Microsoft', 'Microsoft 365 Business Standard', '11.70', 'recurring', 'daily', 'flat'],
  ['M365-BP', 'Microsoft', 'Microsoft 365 Business Premium', '20.60', 'recurring', 'daily', 'flat'],
  ['M365-E3', 'Microsoft', 'Microsoft 365 E3', '33.75', 'recurring', 'daily', 'volume'],
  ['M365-E5', 'Microsoft', 'Microsoft 365 E5', '54.75', 'recurring', 'daily', 'flat'],
  ['MS-DEF-P1', 'Microsoft', 'Defender for Endpoint P1', '2.80', 'recurring', 'daily', 'flat'],
  ['MS-AZURE', 'Microsoft', 'Azure consumption (per EUR 1 of usage)', '1.000000', 'usage', 'daily', 'flat'],
  ['CTX-VAPPS', 'Citrix', 'Citrix Virtual Apps user', '14.50', 'recurring', 'full', 'flat'],
  ['ACME-VM-S', 'Acme Hosting', 'Virtual machine small', '25.00', 'recurring', 'daily', 'flat'],
  ['ACME-VM-M', 'Acme Hosting', 'Virtual machine medium', '50.00', 'recurring', 'daily', 'flat'],
  ['ACME-VM-L', 'Acme Hosting', 'Virtual machine large', '100.00', 'recurring', 'daily', 'flat'],
  ['ACME-BACKUP-MBX', 'Acme Hosting', 'Mailbox backup', '2.50', 'recurring', 'daily', 'tiered'],
  ['ACME-SUP-B', 'Acme Hosting', 'Support bronze', '99.00', 'recurring', 'full', 'flat'],
  ['ACME-SUP-S', 'Acme Hosting', 'Support silver', '199.00', 'recurring', 'full', 'flat'],
  ['ACME-SUP-G', 'Acme Hosting', 'Support gold', '399.00', 'recurring', 'full', 'flat'],
  ['DOM-COM', 'Domains', '.com domain', '1.25', 'recurring', 'full', 'flat'],
  ['DOM-NL', 'Domains', '.nl domain', '0.95', 'recurring', 'full', 'flat'],
  ['DOM-EU', 'Domains', '.eu domain', '1.10', 'recurring', 'full', 'flat'],
];

// Volume: every E3 seat at the band the customer's seat count reaches. Tiered: backup bands add up.
const tiers: [sku: string, fromQuantity: number, unitPrice: string][] = [
  ['M365-E3', 50, '32.50'],
  ['M365-E3', 250, '31.00'],
  ['ACME-BACKUP-MBX', 101, '2.00'],
  ['ACME-BACKUP-MBX', 1001, '1.50'],
];

type Mapping = [
  kind: 'plan' | 'instance' | 'application' | 'domain' | 'usage',
  service: string,
  product: string | null,
  sku: string,
];

const mappings: Mapping[] = [
  ['plan', 'm365', 'business-basic', 'M365-BB'],
  ['plan', 'm365', 'business-standard', 'M365-BS'],
  ['plan', 'm365', 'business-premium', 'M365-BP'],
  ['plan', 'm365', 'e3', 'M365-E3'],
  ['plan', 'm365', 'e5', 'M365-E5'],
  ['plan', 'security', null, 'MS-DEF-P1'],
  ['plan', 'acme-support', 'bronze', 'ACME-SUP-B'],
  ['plan', 'acme-support', 'silver', 'ACME-SUP-S'],
  ['plan', 'acme-support', 'gold', 'ACME-SUP-G'],
  ['application', 'citrix', null, 'CTX-VAPPS'],
  // vm-gpu has no mapping on purpose: itemised at 0 and flagged unmapped.
  ['instance', 'iaas', 'vm-small', 'ACME-VM-S'],
  ['instance', 'iaas', 'vm-medium', 'ACME-VM-M'],
  ['instance', 'iaas', 'vm-large', 'ACME-VM-L'],
  ['instance', 'backup', null, 'ACME-BACKUP-MBX'],
  ['domain', 'domains', 'com', 'DOM-COM'],
  ['domain', 'domains', 'nl', 'DOM-NL'],
  ['domain', 'domains', 'eu', 'DOM-EU'],
  ['usage', 'azure', null, 'MS-AZURE'],
];

/** Inserts the tenant with calendar periods, its SKUs, bands, mappings and the Microsoft discount. */
export async function insertTenantCatalog(sql: postgres.Sql): Promise<void> {
  const t = benchTenant;
  await sql.begin(async (tx) => {
    await tx`insert into tenants (id, name, currency, time_zone) values (${t.id}, ${t.name}, ${t.currency}, ${t.timeZone})`;
    await tx`insert into period_configs (tenant_id, effective_from, mode, day, created_by)
      values (${t.id}, '2020-01-01', 'calendar', null, 'bench')`;
    for (const [code, vendor, name, unitPrice, model, proration, scheme] of skus) {
      await tx`insert into skus (tenant_id, code, vendor, name, unit_price, billing_model, proration, pricing_scheme)
        values (${t.id}, ${code}, ${vendor}, ${name}, ${unitPrice}, ${model}, ${proration}, ${scheme})`;
    }
    for (const [sku, fromQuantity, unitPrice] of tiers) {
      await tx`insert into sku_price_tiers (tenant_id, sku_code, from_quantity, unit_price)
        values (${t.id}, ${sku}, ${fromQuantity}, ${unitPrice})`;
    }
    for (const [kind, service, product, sku] of mappings) {
      await tx`insert into sku_mappings (tenant_id, kind, service, product, sku_code)
        values (${t.id}, ${kind}, ${service}, ${product}, ${sku})`;
    }
    await tx`insert into vendor_discounts (tenant_id, vendor, min_services, percent)
      values (${t.id}, 'Microsoft', 3, '5.00')`;
  });
}

/** The go-live rule's range before and after the benchmark's one rule edit. */
export const goLive = { before: '2025-12-09', after: '2025-12-14' } as const;

/**
 * The tenant's rules: exclude test and demo customers and admin users, and bill the go-live customer
 * only after its go-live date. Returns the go-live rule's id, the one the benchmark edits.
 */
export async function insertRules(sql: postgres.Sql, goLiveCustomerRef: string): Promise<number> {
  const tenant = benchTenant.id;
  const [customer] = await sql<{ id: number }[]>`
    select id from customers where tenant_id = ${tenant} and ref = ${goLiveCustomerRef}`;
  if (!customer) throw new Error(`go-live customer ${goLiveCustomerRef} was not ingested`);
  await sql`insert into rules (tenant_id, name, customer_tag, created_by)
    values (${tenant}, 'Exclude test customers', 'test', 'finance@bench-msp.example')`;
  await sql`insert into rules (tenant_id, name, customer_pattern, created_by)
    values (${tenant}, 'Exclude demo customers', 'Demo*', 'finance@bench-msp.example')`;
  await sql`insert into rules (tenant_id, name, user_pattern, created_by)
    values (${tenant}, 'Exclude admin users', 'admin*', 'finance@bench-msp.example')`;
  const [rule] = await sql<{ id: number }[]>`
    insert into rules (tenant_id, name, to_date, customer_id, created_by)
    values (${tenant}, 'Go-live of a new customer', ${goLive.before}, ${customer.id}, 'finance@bench-msp.example')
    returning id`;
  if (!rule) throw new Error('go-live rule not inserted');
  return rule.id;
}
