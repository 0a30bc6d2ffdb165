import { beforeAll, describe, expect, it } from 'vitest';
import { apiForTests } from '../support/api.js';
import { uniqueTenantId } from '../support/closes.js';
import { freshDatabase } from '../support/database.js';
import { temporalForTests } from '../support/temporal.js';
import { buildConsoleBook } from './console-book.js';

const database = await freshDatabase();
const { sql } = database;
const api = apiForTests(database, await temporalForTests());
const tenantId = uniqueTenantId('comparison');
let book: Awaited<ReturnType<typeof buildConsoleBook>>;
let admin = '';
let alpha = '';

const alphaRef = { ref: 'r1a', name: 'Alpha' };
const betaRef = { ref: 'r1b', name: 'Beta' };
const contoso = { ref: 'c1', name: 'Contoso' };
const newco = { ref: 'n1', name: 'Newco' };
const northwind = { ref: 'r1', name: 'Northwind Reseller' };
const e3 = { sku: 'E3', vendor: 'Microsoft', service: 'm365', product: 'E3' };
const vault = { sku: null, vendor: null, service: 'backup', product: 'vault' };
const support = { sku: 'SUPPORT', vendor: 'MSP', service: 'support', product: 'std' };
const q = (n: number) => `${n}.0000`;
const row = (
  customer: { ref: string; name: string },
  sku: typeof e3 | typeof vault | typeof support,
  [quantityBefore, quantityAfter, added, removed]: number[],
  [amountBefore, amountAfter, amountDelta]: string[],
) => ({
  customer,
  ...sku,
  quantityBefore: q(quantityBefore ?? 0),
  quantityAfter: q(quantityAfter ?? 0),
  added: q(added ?? 0),
  removed: q(removed ?? 0),
  amountBefore,
  amountAfter,
  amountDelta,
});
const header = (startDate: string, endDate: string, status: string) => ({
  startDate,
  endDate,
  revision: 1,
  status,
  currency: 'EUR',
});

beforeAll(async () => {
  book = await buildConsoleBook(sql, tenantId);
  admin = await api.token(tenantId, 'finance');
  alpha = await api.token(tenantId, 'customer', book.customerIds.r1a, 'alpha portal');
});

describe('GET /v1/periods/{period}/comparison', () => {
  it('January against the approved December: units, added, amounts, and the adjustment of December', async () => {
    const response = await api.call('GET', '/v1/periods/2026-01-31/comparison', admin);
    const [adjustment] = await sql<{ id: number }[]>`
      select id from items where period_id = ${book.januaryId} and adjusts_period_id is not null`;
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      period: header('2026-01-01', '2026-01-31', 'open'),
      previous: header('2025-12-01', '2025-12-31', 'approved'),
      rows: [
        row(alphaRef, e3, [1, 2, 1, 0], ['31.00', '74.00', '43.00']),
        row(alphaRef, vault, [0, 1, 1, 0], ['0.00', '0.00', '0.00']),
        row(betaRef, e3, [1, 1, 0, 0], ['0.00', '16.00', '16.00']),
        row(contoso, e3, [2, 3, 1, 0], ['34.00', '83.00', '49.00']),
        row(northwind, support, [1, 1, 0, 0], ['50.00', '50.00', '0.00']),
      ],
      newCustomers: [],
      departedCustomers: [],
      totals: { before: '115.00', after: '223.00', delta: '108.00' },
      adjustments: [
        {
          itemId: adjustment?.id,
          customer: alphaRef,
          userName: 'a2@r1a.example',
          sku: 'E3',
          service: 'm365',
          product: 'E3',
          activeFrom: '2025-12-20',
          activeTo: '2026-01-01',
          quantity: '1.0000',
          amount: '12.0000',
          adjusts: { startDate: '2025-12-01', endDate: '2025-12-31', revision: 1 },
        },
      ],
    });
  });

  it('February: a departed customer, a new one, and no adjustments', async () => {
    const response = await api.call('GET', '/v1/periods/2026-02-10/comparison', admin);
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      period: header('2026-02-01', '2026-02-28', 'open'),
      previous: header('2026-01-01', '2026-01-31', 'open'),
      rows: [
        row(alphaRef, e3, [2, 2, 0, 0], ['74.00', '62.00', '-12.00']),
        row(alphaRef, vault, [1, 1, 0, 0], ['0.00', '0.00', '0.00']),
        row(betaRef, e3, [1, 0, 0, 1], ['16.00', '0.00', '-16.00']),
        row(contoso, e3, [3, 3, 0, 0], ['83.00', '93.00', '10.00']),
        row(newco, e3, [0, 1, 1, 0], ['0.00', '28.79', '28.79']),
        row(northwind, support, [1, 1, 0, 0], ['50.00', '50.00', '0.00']),
      ],
      newCustomers: [newco],
      departedCustomers: [betaRef],
      totals: { before: '223.00', after: '233.79', delta: '10.79' },
      adjustments: [],
    });
  });

  it("the tenant's first period has no previous one: every customer is new", async () => {
    const response = await api.call('GET', '/v1/periods/2025-12-31/comparison', admin);
    expect(response.status).toBe(200);
    expect(response.json.previous).toBeNull();
    expect(response.json.newCustomers).toEqual([alphaRef, betaRef, contoso, northwind]);
    expect(response.json.totals).toEqual({ before: '0.00', after: '115.00', delta: '115.00' });
  });

  it("a customer token compares only its own subtree's figures", async () => {
    const response = await api.call('GET', '/v1/periods/2026-01-31/comparison', alpha);
    expect(response.status).toBe(200);
    expect(response.json.rows).toEqual([
      row(alphaRef, e3, [1, 2, 1, 0], ['31.00', '74.00', '43.00']),
      row(alphaRef, vault, [0, 1, 1, 0], ['0.00', '0.00', '0.00']),
    ]);
    expect(response.json.totals).toEqual({ before: '31.00', after: '74.00', delta: '43.00' });
    expect(response.json.adjustments.map((a: { customer: unknown }) => a.customer)).toEqual([alphaRef]);
    expect(JSON.stringify(response.json)).not.toMatch(/Contoso|Beta|Northwind/);
  });

  it('an unknown revision or period is a 404, a bad date a 400 naming the field', async () => {
    expect((await api.call('GET', '/v1/periods/2026-01-31/comparison?revision=9', admin)).status).toBe(404);
    expect((await api.call('GET', '/v1/periods/2027-01-31/comparison', admin)).status).toBe(404);
    const bad = await api.call('GET', '/v1/periods/2026-13-01/comparison', admin);
    expect(bad.status).toBe(400);
    expect(bad.json.errors.map((e: { field: string }) => e.field)).toEqual(['period']);
  });
});
