import { beforeAll, describe, expect, it } from 'vitest';
import { apiForTests } from '../support/api.js';
import { uniqueTenantId } from '../support/closes.js';
import { freshDatabase } from '../support/database.js';
import { ingest } from '../support/fixtures.js';
import { temporalForTests } from '../support/temporal.js';
import { buildConsoleBook } from './console-book.js';

const database = await freshDatabase();
const { sql } = database;
const api = apiForTests(database, await temporalForTests());
const tenantId = uniqueTenantId('reads');
let book: Awaited<ReturnType<typeof buildConsoleBook>>;
let operator = '';
let alpha = '';
let contoso = '';

beforeAll(async () => {
  book = await buildConsoleBook(sql, tenantId);
  await ingest(sql, tenantId, [
    {
      kind: 'customer.renamed',
      occurredAt: '2026-02-15T00:00:00Z',
      customer: 'c1',
      name: 'Contoso Group',
      actor: 'crm-sync',
    },
  ]);
  operator = await api.token(tenantId, 'operator');
  alpha = await api.token(tenantId, 'customer', book.customerIds.r1a, 'alpha portal');
  contoso = await api.token(tenantId, 'customer', book.customerIds.c1, 'contoso portal');
});

describe('name histories', () => {
  it("a customer's names with when and who", async () => {
    const response = await api.call('GET', '/v1/customers/c1/name-history', operator);
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      ref: 'c1',
      names: [
        { name: 'Contoso', validFrom: '2025-12-01T00:00:00Z', actor: 'test', changeId: expect.any(Number) },
        {
          name: 'Contoso Group',
          validFrom: '2026-02-15T00:00:00Z',
          actor: 'crm-sync',
          changeId: expect.any(Number),
        },
      ],
    });
    expect((await api.call('GET', '/v1/customers/c1/name-history', alpha)).status).toBe(404);
    expect((await api.call('GET', '/v1/customers/c1/name-history', contoso)).status).toBe(200);
  });

  it("a user's names, inside a customer token's subtree only", async () => {
    const response = await api.call('GET', '/v1/users/a2/name-history', alpha);
    expect(response.json).toEqual({
      ref: 'a2',
      names: [
        {
          name: 'a2@r1a.example',
          validFrom: '2025-12-20T00:00:00Z',
          actor: 'test',
          changeId: expect.any(Number),
        },
      ],
    });
    expect((await api.call('GET', '/v1/users/a2/name-history', contoso)).status).toBe(404);
  });
});

describe('GET /v1/users/{ref}/items-by-month', () => {
  it("a2's items: January with the adjustment of December, February whole", async () => {
    const response = await api.call('GET', '/v1/users/a2/items-by-month?from=2025-12&to=2026-02', alpha);
    expect(response.status).toBe(200);
    const seat = {
      customerName: 'Alpha',
      userName: 'a2@r1a.example',
      sku: 'E3',
      vendor: 'Microsoft',
      service: 'm365',
      product: 'E3',
      elementKind: 'plan',
      elementName: 'E3',
      quantity: '1.0000',
      billable: true,
      ruleName: null,
    };
    const ids = await sql<{ id: number }[]>`
      select i.id from items i join users u on u.id = i.user_id where u.ref = 'a2' and i.tenant_id = ${tenantId}
      order by i.period_id, i.id`;
    const byDates = (from: string) => expect.objectContaining({ activeFrom: from });
    expect(response.json).toEqual({
      user: { ref: 'a2', name: 'a2@r1a.example' },
      from: '2025-12',
      to: '2026-02',
      months: [
        {
          month: '2026-01',
          period: { startDate: '2026-01-01', endDate: '2026-01-31', revision: 1, status: 'open' },
          total: '43.00',
          items: expect.arrayContaining([
            {
              ...seat,
              itemId: expect.any(Number),
              activeFrom: '2026-01-01',
              activeTo: '2026-02-01',
              daysActive: 31,
              amount: '31.0000',
              adjusts: null,
            },
            {
              ...seat,
              itemId: expect.any(Number),
              activeFrom: '2025-12-20',
              activeTo: '2026-01-01',
              daysActive: 12,
              amount: '12.0000',
              adjusts: '2025-12-31',
            },
          ]),
        },
        {
          month: '2026-02',
          period: { startDate: '2026-02-01', endDate: '2026-02-28', revision: 1, status: 'open' },
          total: '31.00',
          items: [byDates('2026-02-01')],
        },
      ],
    });
    expect(response.json.months[0].items).toHaveLength(2);
    expect(
      response.json.months
        .flatMap((m: { items: { itemId: number }[] }) => m.items.map((i) => i.itemId))
        .sort(),
    ).toEqual(ids.map((r) => r.id).sort());
    expect(
      (await api.call('GET', '/v1/users/a2/items-by-month?from=2026-01&to=2026-01', contoso)).status,
    ).toBe(404);
    const bad = await api.call('GET', '/v1/users/a2/items-by-month?from=2026-03&to=2026-01', alpha);
    expect(bad.json.errors).toEqual([{ field: 'to', reason: 'must not be before from' }]);
  });
});

describe('GET /v1/unmapped-elements', () => {
  it('lists the live elements no mapping prices', async () => {
    const response = await api.call('GET', '/v1/unmapped-elements', operator);
    expect(response.json).toEqual({
      unmapped: [
        {
          kind: 'instance',
          service: 'backup',
          product: 'vault',
          elements: 1,
          customers: 1,
          quantity: '1.0000',
          firstStartedAt: '2026-01-05T00:00:00Z',
        },
      ],
    });
  });
});

describe('GET /v1/tenant/period-preview', () => {
  it('cuts the periods after the latest generated one (February) with the proposed mode', async () => {
    const response = await api.call(
      'GET',
      '/v1/tenant/period-preview?mode=fixed_day&day=25&count=3',
      operator,
    );
    expect(response.json).toEqual({
      mode: 'fixed_day',
      day: 25,
      effectiveFrom: '2026-03-01',
      periods: [
        { startDate: '2026-03-01', endDate: '2026-03-25', days: 25 },
        { startDate: '2026-03-26', endDate: '2026-04-25', days: 31 },
        { startDate: '2026-04-26', endDate: '2026-05-25', days: 30 },
      ],
    });
    const calendar = await api.call('GET', '/v1/tenant/period-preview?mode=calendar&count=2', operator);
    expect(calendar.json.periods).toEqual([
      { startDate: '2026-03-01', endDate: '2026-03-31', days: 31 },
      { startDate: '2026-04-01', endDate: '2026-04-30', days: 30 },
    ]);
  });

  it('refuses a day the mode does not take, naming the field', async () => {
    const calendar = await api.call('GET', '/v1/tenant/period-preview?mode=calendar&day=3', operator);
    expect({ status: calendar.status, errors: calendar.json.errors }).toEqual({
      status: 400,
      errors: [{ field: 'day', reason: 'calendar periods take no day' }],
    });
    const far = await api.call('GET', '/v1/tenant/period-preview?mode=days_before_end&day=40', operator);
    expect(far.status).toBe(400);
    expect(far.json.errors.map((e: { field: string }) => e.field)).toEqual(['day']);
  });
});

describe('GET /v1/management/trends', () => {
  // February was computed before Contoso's rename on 15 Feb: its snapshot still says Contoso.
  it('per SKU month by month, and the top movers of February against January', async () => {
    const response = await api.call('GET', '/v1/management/trends?from=2026-01&to=2026-02', operator);
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      from: '2026-01',
      to: '2026-02',
      currency: 'EUR',
      months: [
        {
          month: '2026-01',
          skus: [
            { sku: 'E3', vendor: 'Microsoft', total: '173.00', users: 6, customers: 3 },
            { sku: 'SUPPORT', vendor: 'MSP', total: '50.00', users: 0, customers: 1 },
          ],
          revenue: '223.00',
          cost: '0.00',
          margin: '0.00',
          // No vendor file and no cost price in this book: nothing has a cost yet.
          revenueWithoutCost: '223.00',
          vendors: [
            {
              vendor: 'Microsoft',
              revenue: '173.00',
              cost: '0.00',
              margin: '0.00',
              revenueWithoutCost: '173.00',
            },
            { vendor: 'MSP', revenue: '50.00', cost: '0.00', margin: '0.00', revenueWithoutCost: '50.00' },
          ],
        },
        {
          month: '2026-02',
          skus: [
            { sku: 'E3', vendor: 'Microsoft', total: '183.79', users: 6, customers: 3 },
            { sku: 'SUPPORT', vendor: 'MSP', total: '50.00', users: 0, customers: 1 },
          ],
          revenue: '233.79',
          cost: '0.00',
          margin: '0.00',
          // No vendor file and no cost price in this book: nothing has a cost yet.
          revenueWithoutCost: '233.79',
          vendors: [
            {
              vendor: 'Microsoft',
              revenue: '183.79',
              cost: '0.00',
              margin: '0.00',
              revenueWithoutCost: '183.79',
            },
            { vendor: 'MSP', revenue: '50.00', cost: '0.00', margin: '0.00', revenueWithoutCost: '50.00' },
          ],
        },
      ],
      movers: {
        month: '2026-02',
        customers: [
          { customer: { ref: 'n1', name: 'Newco' }, before: '0.00', after: '28.79', delta: '28.79' },
          { customer: { ref: 'r1b', name: 'Beta' }, before: '16.00', after: '0.00', delta: '-16.00' },
          { customer: { ref: 'r1a', name: 'Alpha' }, before: '74.00', after: '62.00', delta: '-12.00' },
          { customer: { ref: 'c1', name: 'Contoso' }, before: '83.00', after: '93.00', delta: '10.00' },
        ],
        skus: [{ sku: 'E3', before: '173.00', after: '183.79', delta: '10.79' }],
      },
    });
  });

  it("a customer token's trends cover its subtree only", async () => {
    const response = await api.call('GET', '/v1/management/trends?from=2026-02&to=2026-02', alpha);
    expect(response.json.months).toEqual([
      {
        month: '2026-02',
        skus: [{ sku: 'E3', vendor: 'Microsoft', total: '62.00', users: 2, customers: 1 }],
      },
    ]);
    expect(response.json.movers.customers).toEqual([
      { customer: { ref: 'r1a', name: 'Alpha' }, before: '74.00', after: '62.00', delta: '-12.00' },
    ]);
  });
});
