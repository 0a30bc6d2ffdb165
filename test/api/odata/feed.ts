import { beforeAll, expect } from 'vitest';
import { openPeriod } from '../../../activities/open-period.js';
import { runStages } from '../../../activities/run-stages.js';
import { apiForTests } from '../../support/api.js';
import { reopenDecision, seedSeats, uniqueTenantId } from '../../support/closes.js';
import { freshDatabase } from '../../support/database.js';
import { approvePeriod, createSku, ingest, useCurrency } from '../../support/fixtures.js';
import { temporalForTests } from '../../support/temporal.js';

const database = await freshDatabase();
export const { sql } = database;
export const api = apiForTests(database, await temporalForTests());
export const tenantId = uniqueTenantId('odata');
export const otherTenant = uniqueTenantId('odata-other');
export const JSON_TYPE =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
export const ROOT = 'http://localhost/odata';

/** Tokens of the two tenants' staff: set once seeded (ES modules export live bindings). */
export let admin = '';
export let other = '';

export type Row = Record<string, unknown>;
export const customerId = async (ref: string) =>
  Number((await sql`select id from customers where tenant_id = ${tenantId} and ref = ${ref}`)[0]?.id);

/**
 * The OData feed's fixture, shared by test/api/odata/*.test.ts: seeded in a beforeAll of each file
 * importing it (each test file runs in its own process, over its own database).
 *
 * Contoso (seedSeats: three E3 seats, KWD so amounts have 3 decimals), and a reseller r1 with two
 * customers: Northwind (an SMS usage at 10.005 and an excluded admin seat) and O'Hara Traders (a VM
 * from 5 Jan). January and February are computed; another tenant has its own January, reopened.
 *
 * Vendors charge January (generic CSVs): Acme Cloud a VM for O'Hara all month (31 unit-days against
 * 27 provisioned: quantity) and one for Northwind (nothing provisioned: unbilled); Microsoft three
 * E3 seats for Contoso at 25.000 each. Reconciliation reads these through the mappings; two VMs of
 * an Acme Cloud customer nobody mapped (zz-9) are an unmapped charge.
 */
beforeAll(async () => {
  await seedSeats(sql, tenantId);
  await useCurrency(sql, tenantId, 'KWD', 3);
  await createSku(sql, tenantId, {
    code: 'SMS',
    vendor: 'Acme Cloud',
    price: '10.005',
    model: 'usage',
    maps: [['usage', 'sms', null]],
  });
  await createSku(sql, tenantId, {
    code: 'VM',
    vendor: 'Acme Cloud',
    price: '40.00',
    maps: [['instance', 'vm', null]],
  });
  const at = '2025-12-01T00:00:00Z';
  await ingest(sql, tenantId, [
    {
      kind: 'customer.created',
      occurredAt: at,
      customer: 'r1',
      name: 'Fabrikam Reseller',
      tags: ['partner', 'gold'],
    },
    {
      kind: 'customer.created',
      occurredAt: at,
      customer: 'e1',
      name: 'Northwind',
      parent: 'r1',
      relationship: 'via',
    },
    {
      kind: 'customer.created',
      occurredAt: at,
      customer: 'e2',
      name: "O'Hara Traders",
      parent: 'r1',
      relationship: 'via',
    },
    { kind: 'user.created', occurredAt: at, customer: 'r1', user: 'r1u', name: 'ops@fabrikam.example' },
    { kind: 'user.created', occurredAt: at, customer: 'e1', user: 'e1a', name: 'admin@northwind.example' },
    {
      kind: 'plan.changed',
      occurredAt: '2026-01-20T00:00:00Z',
      customer: 'r1',
      user: 'r1u',
      service: 'm365',
      plan: 'E3',
    },
    { kind: 'plan.changed', occurredAt: at, customer: 'e1', user: 'e1a', service: 'm365', plan: 'E3' },
    {
      kind: 'usage.recorded',
      occurredAt: '2026-01-15T10:00:00Z',
      customer: 'e1',
      service: 'sms',
      product: 'bulk',
      quantity: '1',
    },
    {
      kind: 'instance.added',
      occurredAt: '2026-01-05T00:00:00Z',
      customer: 'e2',
      service: 'vm',
      product: 'b2s',
      instance: 'vm-1',
    },
  ]);
  await sql`insert into rules (tenant_id, name, user_pattern, created_by)
            values (${tenantId}, 'Exclude admins', 'admin*', 'fiona@msp')`;
  for (const date of ['2026-01-15', '2026-02-15']) {
    const period = await openPeriod(sql, { tenantId, date });
    await runStages(sql, period.periodId);
  }
  await seedSeats(sql, otherTenant);
  // The other tenant's January is approved and reopened: only revision 2 is current.
  const first = await openPeriod(sql, { tenantId: otherTenant, date: '2026-01-15' });
  await runStages(sql, first.periodId);
  await approvePeriod(sql, first.periodId);
  const reopen = { decisionId: await reopenDecision(sql, otherTenant, first.periodId, 'late seat') };
  await runStages(
    sql,
    (await openPeriod(sql, { tenantId: otherTenant, date: '2026-01-15', revision: 2, reopen })).periodId,
  );
  admin = await api.token(tenantId, 'admin');
  other = await api.token(otherTenant, 'finance');
  await importVendorCharges();
});

const GENERIC_HEADER =
  'vendor,vendor_customer_id,vendor_product_id,quantity,charge_start,charge_end,unit_cost,amount,currency\n';

async function importVendorCharges() {
  const files: [string, string][] = [
    [
      'Acme Cloud',
      'Acme Cloud,oh-1,vm-b2s,1,2026-01-01,2026-01-31,31.000,31.000,KWD\n' +
        'Acme Cloud,nw-1,vm-b2s,1,2026-01-01,2026-01-31,31.000,31.000,KWD\n' +
        'Acme Cloud,zz-9,vm-b2s,2,2026-01-01,2026-01-31,31.000,62.000,KWD\n',
    ],
    ['Microsoft', 'Microsoft,contoso-tid,E3-ID,3,2026-01-01,2026-01-31,25.000,75.000,KWD\n'],
  ];
  for (const [vendor, lines] of files) {
    const response = await api.call(
      'POST',
      `/v1/vendor-invoices?vendor=${encodeURIComponent(vendor)}`,
      admin,
      GENERIC_HEADER + lines,
      { 'content-type': 'text/csv' },
    );
    expect(response.status, response.text).toBe(201);
  }
  const mappings: [string, object][] = [
    ['customers', { vendor: 'Acme Cloud', vendorCustomerId: 'oh-1', customer: 'e2' }],
    ['customers', { vendor: 'Acme Cloud', vendorCustomerId: 'nw-1', customer: 'e1' }],
    ['customers', { vendor: 'Microsoft', vendorCustomerId: 'contoso-tid', customer: 'c1' }],
    ['products', { vendor: 'Acme Cloud', vendorProductId: 'vm-b2s', sku: 'VM' }],
    ['products', { vendor: 'Microsoft', vendorProductId: 'E3-ID', sku: 'E3' }],
  ];
  for (const [kind, body] of mappings) {
    const response = await api.call('POST', `/v1/vendor-mappings/${kind}`, admin, body);
    expect(response.status, response.text).toBe(201);
  }
}

export const get = (path: string, token = admin, headers: Record<string, string> = {}) =>
  api.call('GET', path, token, undefined, headers);

/** Every row of a set, following @odata.nextLink from the first URL; the pages as they came. */
export async function walk(
  path: string,
  token = admin,
  pageSize?: number,
  headers: Record<string, string> = {},
) {
  const pages: { rows: Row[]; body: Row; text: string; headers: Headers }[] = [];
  let next: string | undefined = path;
  while (next) {
    const response = await get(next.replace('http://localhost', ''), token, {
      ...(pageSize ? { prefer: `odata.maxpagesize=${pageSize}` } : {}),
      ...headers,
    });
    expect(response.status, response.text).toBe(200);
    pages.push({
      rows: response.json.value,
      body: response.json,
      text: response.text,
      headers: response.headers,
    });
    next = response.json['@odata.nextLink'];
    expect(pages.length).toBeLessThan(100);
  }
  return { pages, rows: pages.flatMap((page) => page.rows) };
}

/** An item's amount as the JSON text has it: the exact token, not a float parsed from it. */
export function amountText(pages: { text: string }[], id: number): string {
  for (const { text } of pages) {
    const match = new RegExp(`\\{"id":${id},[^}]*"amount":(-?[\\d.]+)`).exec(text);
    if (match?.[1]) return match[1];
  }
  throw new Error(`no amount for item ${id}`);
}
