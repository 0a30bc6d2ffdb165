import { beforeAll, describe, expect, it } from 'vitest';
import { nceHeader, nceLine } from '../../bench/recon-file.js';
import { apiForTests } from '../support/api.js';
import { uniqueTenantId } from '../support/closes.js';
import { freshDatabase } from '../support/database.js';
import { createSku, createTenant, generatePeriod, ingest } from '../support/fixtures.js';
import { temporalForTests } from '../support/temporal.js';

/**
 * Cost and margin of each item, October 2026 (31 days, EUR). Microsoft charges 10.00 a Business
 * Premium seat-month (sold at 12.00); the backup vault has no vendor file, only a cost price of
 * 3.10 a unit per period (sold at 5.00).
 *
 *   contoso  10 BP seats, 12 from 16 Oct, charged 10 seats (310 unit-days, 100.00); 2 backup
 *            vaults; a CRM plan no SKU maps (no cost)
 *   demo     1 BP seat excluded by a rule, charged 10.00: it costs and bills nothing
 */
const database = await freshDatabase();
const { sql } = database;
const api = apiForTests(database, await temporalForTests());
const tenantId = uniqueTenantId('margin');
let finance = '';
let customerToken = '';

const BP = { productId: 'CFQ7TTC0LCHC', skuId: '0002', skuName: 'Microsoft 365 Business Premium' };
const month = { chargeStart: '10/1/2026', chargeEnd: '10/31/2026', chargeType: 'Renew', unitPrice: '10.00' };
const customerOf = (name: string, n: number) => ({
  customerId: `00000000-0000-4000-8000-00000000000${n}`,
  customerName: name,
  domain: `${name.toLowerCase()}.onmicrosoft.com`,
});

beforeAll(async () => {
  await createTenant(sql, { id: tenantId });
  await createSku(sql, tenantId, {
    code: 'M365-BP',
    vendor: 'Microsoft',
    price: '12.00',
    maps: [['plan', 'm365', 'BP']],
  });
  await createSku(sql, tenantId, {
    code: 'BACKUP',
    vendor: 'Acronis',
    price: '5.00',
    maps: [['plan', 'backup', 'vault']],
  });
  const at = '2026-09-01T00:00:00Z';
  const plan = (customer: string, service: string, name: string, quantity: number, occurredAt = at) => ({
    kind: 'plan.changed',
    occurredAt,
    customer,
    service,
    plan: name,
    quantity,
  });
  await ingest(sql, tenantId, [
    { kind: 'customer.created', occurredAt: at, customer: 'contoso', name: 'Contoso' },
    { kind: 'customer.created', occurredAt: at, customer: 'demo', name: 'Demo', tags: ['test'] },
    plan('contoso', 'm365', 'BP', 10),
    plan('contoso', 'm365', 'BP', 12, '2026-10-16T09:00:00Z'),
    plan('contoso', 'backup', 'vault', 2),
    plan('contoso', 'crm', 'basic', 1),
    plan('demo', 'm365', 'BP', 1),
  ]);
  await sql`insert into rules (tenant_id, name, customer_tag, created_by)
            values (${tenantId}, 'Test customers', 'test', 'test')`;
  const [contoso] = await sql<{ id: number }[]>`
    select id::int from customers where tenant_id = ${tenantId} and ref = 'contoso'`;
  finance = await api.token(tenantId, 'finance');
  customerToken = await api.token(tenantId, 'customer', contoso?.id);
  await generatePeriod(sql, tenantId, '2026-10-15');

  const file =
    nceHeader +
    nceLine({ ...customerOf('Contoso', 1), ...BP, ...month, quantity: '10', subtotal: '100.00' }) +
    nceLine({ ...customerOf('Demo', 2), ...BP, ...month, quantity: '1', subtotal: '10.00' });
  const imported = await api.call('POST', '/v1/vendor-invoices', finance, file, {
    'content-type': 'text/csv',
  });
  expect(imported.status).toBe(201);
  const map = (path: string, body: object) => api.call('POST', `/v1/vendor-mappings/${path}`, finance, body);
  expect(
    (await map('products', { vendor: 'Microsoft', vendorProductId: BP.productId, sku: 'M365-BP' })).status,
  ).toBe(201);
  for (const [n, customer] of [
    [1, 'contoso'],
    [2, 'demo'],
  ] as const) {
    const mapped = await map('customers', {
      vendor: 'Microsoft',
      vendorCustomerId: customerOf('x', n).customerId,
      customer,
    });
    expect(mapped.status).toBe(201);
  }
  expect((await api.call('PUT', '/v1/skus/BACKUP/cost', finance, { costPrice: '3.10' })).status).toBe(200);
});

type Costed = {
  customer: { ref: string };
  sku: string | null;
  quantity: string;
  daysActive: number;
  amount: string;
  billable: boolean;
  cost?: string | null;
  margin?: string | null;
};
const line = (item: Costed) =>
  `${item.customer.ref} ${item.sku ?? 'unmapped'} x${Number(item.quantity)} ${item.daysActive}d: amount ${item.amount}${item.billable ? '' : ' (not billable)'}, cost ${item.cost}, margin ${item.margin}`;

describe('cost and margin per item, for staff', () => {
  it('costs each item at its unit-days x the vendor’s effective price, else the SKU’s cost price', async () => {
    const response = await api.call('GET', '/v1/periods/2026-10-15/items', finance);
    expect(response.status).toBe(200);
    expect(response.json.items.map(line).sort()).toEqual(
      [
        // 100.00 / 310 charged unit-days a unit-day: 150 x = 48.39; 12.00 x 10 x 15/31 = 58.06 billed.
        'contoso M365-BP x10 15d: amount 58.0600, cost 48.39, margin 9.67',
        // 192 unit-days x 100.00/310 = 61.94; 12.00 x 12 x 16/31 = 74.32 billed.
        'contoso M365-BP x12 16d: amount 74.3200, cost 61.94, margin 12.38',
        // No vendor file: the cost price, 3.10 a unit per period, x 2.
        'contoso BACKUP x2 31d: amount 10.0000, cost 6.20, margin 3.80',
        // No SKU: nothing says what it costs.
        'contoso unmapped x1 31d: amount 0.0000, cost null, margin null',
        // Excluded by the test-customer rule: costs the seat, bills nothing.
        'demo M365-BP x1 31d: amount 0.0000 (not billable), cost 10.00, margin -10.00',
      ].sort(),
    );
  });

  it('shows the same figures in the Service Detail grid', async () => {
    const response = await api.call('GET', '/v1/periods/2026-10-15/service-detail?customer=contoso', finance);
    expect(response.status).toBe(200);
    expect(
      response.json.rows
        .map(
          (row: { skuCode: string | null; daysActive: number; cost: string | null; margin: string | null }) =>
            [row.skuCode, row.daysActive, row.cost, row.margin].join(' '),
        )
        .sort(),
    ).toEqual(['BACKUP 31 6.20 3.80', 'M365-BP 15 48.39 9.67', 'M365-BP 16 61.94 12.38', ' 31  '].sort());
  });

  it('shows them on the item’s explanation, to staff only', async () => {
    const items = (await api.call('GET', '/v1/periods/2026-10-15/items?customer=contoso&sku=BACKUP', finance))
      .json.items as (Costed & { id: number })[];
    expect(items).toHaveLength(1);
    const url = `/v1/items/${items[0]?.id}/explanation`;
    const staff = (await api.call('GET', url, finance)).json.item;
    expect([staff.cost, staff.margin]).toEqual(['6.20', '3.80']);
    const customer = await api.call('GET', url, customerToken);
    expect(customer.status).toBe(200);
    expect([Object.hasOwn(customer.json.item, 'cost'), Object.hasOwn(customer.json.item, 'margin')]).toEqual([
      false,
      false,
    ]);
  });

  it('never gives a customer token a cost or margin field', async () => {
    const items = await api.call('GET', '/v1/periods/2026-10-15/items', customerToken);
    expect(items.status).toBe(200);
    expect(items.json.items).toHaveLength(4);
    for (const item of items.json.items) {
      expect([Object.hasOwn(item, 'cost'), Object.hasOwn(item, 'margin')]).toEqual([false, false]);
    }
    const grid = await api.call('GET', '/v1/periods/2026-10-15/service-detail', customerToken);
    expect(grid.json.rows).toHaveLength(4);
    for (const row of grid.json.rows) {
      expect([Object.hasOwn(row, 'cost'), Object.hasOwn(row, 'margin')]).toEqual([false, false]);
    }
  });
});

describe('GET /v1/management/trends: revenue, cost and margin month by month', () => {
  const figures = (month: Record<string, unknown>) => {
    const { month: name, revenue, cost, margin, revenueWithoutCost, vendors } = month;
    return { month: name, revenue, cost, margin, revenueWithoutCost, vendors };
  };

  it('sums the items’ own costs and margins per month and vendor, for staff', async () => {
    const response = await api.call('GET', '/v1/management/trends?from=2026-09&to=2026-10', finance);
    expect(response.status).toBe(200);
    expect(response.json.months.map(figures)).toEqual([
      {
        month: '2026-09',
        revenue: '0.00',
        cost: '0.00',
        margin: '0.00',
        revenueWithoutCost: '0.00',
        vendors: [],
      },
      {
        month: '2026-10',
        // 58.06 + 74.32 + 10.00 billed; 48.39 + 61.94 + 6.20 + 10.00 (demo's excluded seat) cost.
        revenue: '142.38',
        cost: '126.53',
        margin: '15.85',
        revenueWithoutCost: '0.00',
        vendors: [
          { vendor: 'Acronis', revenue: '10.00', cost: '6.20', margin: '3.80', revenueWithoutCost: '0.00' },
          {
            vendor: 'Microsoft',
            revenue: '132.38',
            cost: '120.33',
            margin: '12.05',
            revenueWithoutCost: '0.00',
          },
        ],
      },
    ]);
    // The same as the items' figures added up.
    const items = (await api.call('GET', '/v1/periods/2026-10-15/items', finance)).json.items as Costed[];
    const cents = (value: string | null | undefined) => Math.round(Number(value ?? 0) * 100);
    expect([
      items.reduce((sum, item) => sum + cents(item.cost), 0),
      items.reduce((sum, item) => sum + cents(item.margin), 0),
    ]).toEqual([12653, 1585]);
  });

  it('gives a customer token its trends without any revenue, cost or margin field', async () => {
    const response = await api.call('GET', '/v1/management/trends?from=2026-09&to=2026-10', customerToken);
    expect(response.status).toBe(200);
    for (const month of response.json.months) {
      expect(Object.keys(month).sort()).toEqual(['month', 'skus']);
    }
  });
});
