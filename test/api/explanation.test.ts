import { beforeAll, describe, expect, it } from 'vitest';
import { openPeriod } from '../../activities/open-period.js';
import { runStages } from '../../activities/run-stages.js';
import { apiForTests } from '../support/api.js';
import { seedSeats, uniqueTenantId } from '../support/closes.js';
import { freshDatabase } from '../support/database.js';
import { createSku, ingest } from '../support/fixtures.js';
import { temporalForTests } from '../support/temporal.js';

/**
 * January 2026 (31 days) of Contoso (c1, seedSeats: E3 31.00 daily) with:
 *   SEAT    Microsoft, tiered 10.00 for units 1-2, 7.00 from unit 3: an instance of 3 seats all month
 *           (10 + 10 + 7 = 27 -> 9 a unit); with E3 Contoso takes 2 Microsoft SKUs: 10% off both
 *   SUPPORT MSP, full 50.00, held since December; a rule excludes it 1-10 Jan: two parts, the
 *           billable one charged whole
 *   DNS     Registrar, daily 10.00: contoso.com from 5 Jan, 27 days: 10 x 27 / 31 = 8.709677... -> 8.71
 * E3: u1, u2 all month (31.00 less 10% = 27.90), u3 21 days (21.00 less 10% = 18.90).
 */
const database = await freshDatabase();
const { sql } = database;
const api = apiForTests(database, await temporalForTests());
const tenantId = uniqueTenantId('explain');
const otherTenant = uniqueTenantId('explain-other');
let admin = '';
let contosoToken = '';
let otherAdmin = '';
let ruleId = 0;
const items = {} as Record<'u3' | 'seat' | 'supportExcluded' | 'supportBilled' | 'dns', number>;

beforeAll(async () => {
  await seedSeats(sql, tenantId);
  await createSku(sql, tenantId, {
    code: 'SEAT',
    vendor: 'Microsoft',
    price: '10.00',
    scheme: 'tiered',
    tiers: [
      [1, '10.00'],
      [3, '7.00'],
    ],
    maps: [['instance', 'seats', null]],
  });
  await createSku(sql, tenantId, {
    code: 'SUPPORT',
    vendor: 'MSP',
    price: '50.00',
    proration: 'full',
    maps: [['plan', 'support', null]],
  });
  await createSku(sql, tenantId, {
    code: 'DNS',
    vendor: 'Registrar',
    price: '10.00',
    maps: [['domain', 'dns', null]],
  });
  await sql`insert into vendor_discounts (tenant_id, vendor, min_services, percent)
            values (${tenantId}, 'Microsoft', 2, 10)`;
  await ingest(sql, tenantId, [
    {
      kind: 'instance.added',
      occurredAt: '2025-12-01T00:00:00Z',
      customer: 'c1',
      service: 'seats',
      product: 'pool',
      instance: 'pool-1',
      quantity: 3,
      actor: 'provisioning@msp',
    },
    {
      kind: 'plan.changed',
      occurredAt: '2025-12-01T00:00:00Z',
      customer: 'c1',
      service: 'support',
      plan: 'std',
    },
    {
      kind: 'domain.added',
      occurredAt: '2026-01-05T10:00:00Z',
      customer: 'c1',
      domain: 'contoso.com',
      service: 'dns',
      product: 'com',
      actor: 'dns-robot',
    },
    {
      kind: 'domain.removed',
      occurredAt: '2026-02-10T00:00:00Z',
      customer: 'c1',
      domain: 'contoso.com',
      service: 'dns',
      product: 'com',
    },
  ]);
  const [rule] = await sql<{ id: number }[]>`
    insert into rules (tenant_id, name, from_date, to_date, sku_code, created_by)
    values (${tenantId}, 'Support free in early January', '2026-01-01', '2026-01-10', 'SUPPORT', 'fiona@msp')
    returning id`;
  ruleId = rule?.id ?? 0;
  const january = await openPeriod(sql, { tenantId, date: '2026-01-01' });
  await runStages(sql, january.periodId);
  const rows = await sql<{ id: number; sku: string; user: string | null; billable: boolean }[]>`
    select i.id, i.sku_code as sku, u.ref as user, i.billable from items i left join users u on u.id = i.user_id
    where i.period_id = ${january.periodId} order by i.id`;
  const find = (keep: (r: (typeof rows)[number]) => boolean) => rows.find(keep)?.id ?? 0;
  items.u3 = find((r) => r.user === 'u3');
  items.seat = find((r) => r.sku === 'SEAT');
  items.supportExcluded = find((r) => r.sku === 'SUPPORT' && !r.billable);
  items.supportBilled = find((r) => r.sku === 'SUPPORT' && r.billable);
  items.dns = find((r) => r.sku === 'DNS');
  admin = await api.token(tenantId, 'operator');
  const [c1] = await sql<
    { id: number }[]
  >`select id from customers where tenant_id = ${tenantId} and ref = 'c1'`;
  contosoToken = await api.token(tenantId, 'customer', c1?.id, 'contoso portal');
  await seedSeats(sql, otherTenant);
  otherAdmin = await api.token(otherTenant, 'admin');
});

const explain = async (id: number, token = admin) => api.call('GET', `/v1/items/${id}/explanation`, token);

describe('GET /v1/items/{id}/explanation', () => {
  it('a daily item: the element, the entries that started it, price x quantity x days / period days, rounding', async () => {
    const response = await explain(items.dns);
    expect(response.status).toBe(200);
    const { item, element, changes, rules, parts, sku, arithmetic, period } = response.json;
    expect(item).toMatchObject({ id: items.dns, amount: '8.7100', daysActive: 27, activeFrom: '2026-01-05' });
    expect(period).toEqual({
      startDate: '2026-01-01',
      endDate: '2026-01-31',
      revision: 1,
      status: 'open',
      currency: 'EUR',
    });
    expect(element).toEqual({
      kind: 'domain',
      name: 'contoso.com',
      service: 'dns',
      product: 'com',
      quantity: '1.0000',
      startedAt: '2026-01-05T10:00:00Z',
      endedAt: '2026-02-10T00:00:00Z',
    });
    expect(changes).toEqual({
      started: {
        id: expect.any(Number),
        kind: 'domain.added',
        occurredAt: '2026-01-05T10:00:00Z',
        recordedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        actor: 'dns-robot',
      },
      ended: {
        id: expect.any(Number),
        kind: 'domain.removed',
        occurredAt: '2026-02-10T00:00:00Z',
        recordedAt: expect.any(String),
        actor: 'test',
      },
    });
    expect(rules).toEqual([]);
    expect(parts).toEqual([
      {
        itemId: items.dns,
        activeFrom: '2026-01-05',
        activeTo: '2026-02-01',
        daysActive: 27,
        billable: true,
        amount: '8.7100',
        rule: null,
      },
    ]);
    expect(sku).toMatchObject({
      code: 'DNS',
      pricingScheme: 'flat',
      proration: 'daily',
      unitPrice: '10.000000',
      tiers: [],
    });
    expect(arithmetic).toEqual({
      unitsHeld: null,
      steps: [
        { step: 'unitPrice', description: 'the SKU’s price per unit', value: '10.000000' },
        {
          step: 'charge',
          description: 'daily: 10.000000 x 1.0000 x 27 days / 31 days in the period',
          value: '8.709677419354838709677419354838709677419',
        },
        {
          step: 'rounding',
          description: "rounded half-up to 2 decimal places (the currency's minor unit)",
          value: '8.71',
        },
      ],
      unrounded: '8.709677419354838709677419354838709677419',
      amount: '8.71',
      matchesStoredAmount: true,
    });
  });

  it('a tiered item with a vendor discount: units held, the average band price, less 10%', async () => {
    const { status, json } = await explain(items.seat);
    expect(status).toBe(200);
    expect(json.item.amount).toBe('24.3000');
    expect(json.element).toMatchObject({ kind: 'instance', name: 'pool-1', quantity: '3.0000' });
    expect(json.changes.started).toMatchObject({ kind: 'instance.added', actor: 'provisioning@msp' });
    expect(json.changes.ended).toBeNull();
    expect(json.arithmetic).toEqual({
      unitsHeld: '3',
      steps: [
        {
          step: 'unitPrice',
          description:
            'tiered: 3 units held by the invoice-to customer cost 27 across the bands, 9 per unit on average',
          value: '9',
        },
        { step: 'charge', description: 'daily: 9 x 3.0000 x 31 days / 31 days in the period', value: '27' },
        { step: 'discount', description: 'Microsoft multi-service discount: 27 less 10.00%', value: '24.3' },
        {
          step: 'rounding',
          description: "rounded half-up to 2 decimal places (the currency's minor unit)",
          value: '24.30',
        },
      ],
      unrounded: '24.3',
      amount: '24.30',
      matchesStoredAmount: true,
    });
  });

  it('a full item cut by a rule: both parts, the rule with its range, the billable part charged whole', async () => {
    const billed = await explain(items.supportBilled);
    const excluded = await explain(items.supportExcluded);
    const rule = { id: ruleId, name: 'Support free in early January', from: '2026-01-01', to: '2026-01-10' };
    const parts = [
      {
        itemId: items.supportExcluded,
        activeFrom: '2026-01-01',
        activeTo: '2026-01-11',
        daysActive: 10,
        billable: false,
        amount: '0.0000',
        rule,
      },
      {
        itemId: items.supportBilled,
        activeFrom: '2026-01-11',
        activeTo: '2026-02-01',
        daysActive: 21,
        billable: true,
        amount: '50.0000',
        rule: null,
      },
    ];
    expect(billed.json.rules).toEqual([rule]);
    expect(billed.json.parts).toEqual(parts);
    expect(excluded.json.parts).toEqual(parts);
    expect(billed.json.arithmetic.steps.map((s: { value: string }) => s.value)).toEqual([
      '50.000000',
      '50',
      '50.00',
    ]);
    expect(billed.json.arithmetic.steps[1].description).toBe(
      'full: 50.000000 x 1.0000 for any presence in the period',
    );
    expect(billed.json.arithmetic).toMatchObject({ amount: '50.00', matchesStoredAmount: true });
    expect(excluded.json.arithmetic).toEqual({
      unitsHeld: null,
      steps: [
        {
          step: 'notCharged',
          description: 'not billable: rule “Support free in early January”, so it is itemised at 0',
          value: '0',
        },
      ],
      unrounded: '0',
      amount: '0.00',
      matchesStoredAmount: true,
    });
  });

  it('every item of the period: the explanation’s amount equals the stored amount', async () => {
    const ids = await sql<{ id: number; amount: string }[]>`
      select i.id, round(i.amount, 2)::text as amount from items i where i.tenant_id = ${tenantId} order by i.id`;
    expect(ids.length).toBe(7);
    for (const { id, amount } of ids) {
      const { json } = await explain(id);
      expect({ id, amount: json.arithmetic.amount, matches: json.arithmetic.matchesStoredAmount }).toEqual({
        id,
        amount,
        matches: true,
      });
    }
    const u3 = await explain(items.u3);
    expect(u3.json.arithmetic.steps.map((s: { value: string }) => s.value)).toEqual([
      '31.000000',
      '21',
      '18.9',
      '18.90',
    ]);
  });

  it("a customer token explains its own items; another tenant's admin gets 404, a bad id 400", async () => {
    expect((await explain(items.dns, contosoToken)).status).toBe(200);
    const foreign = await explain(items.dns, otherAdmin);
    expect(foreign.status).toBe(404);
    expect(foreign.json.detail).toBe(`no item ${items.dns}`);
    const bad = await api.call('GET', '/v1/items/abc/explanation', admin);
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toEqual([{ field: 'id', reason: expect.any(String) }]);
  });
});
