import { beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/database.js';
import { createSku, createTenant, generatePeriod, ingest, itemLines } from '../support/fixtures.js';

const database = await freshDatabase();
const { sql } = database;

// billing.md, "The change log": plan.changed ends the old plan's element and starts the new one at
// the same instant, for a user or for the customer as a whole; each is priced with its own SKU.
const tenantId = 'plans';
const plan = (occurredAt: string, service: string, name: string, extra: Record<string, unknown> = {}) => ({
  kind: 'plan.changed',
  occurredAt,
  customer: 'globex',
  service,
  plan: name,
  ...extra,
});

beforeAll(async () => {
  await createTenant(sql, { id: tenantId, mode: 'calendar' });
  const skus: [code: string, service: string, price: string, proration?: 'full'][] = [
    ['E3', 'm365', '31.00'],
    ['E5', 'm365', '62.00'],
    ['B100', 'backup', '93.00'],
    ['B500', 'backup', '155.00'],
    ['BP', 'm365-business', '12.40'],
    ['SILVER', 'support', '100.00', 'full'],
    ['GOLD', 'support', '200.00', 'full'],
  ];
  for (const [code, service, price, proration] of skus) {
    await createSku(sql, tenantId, {
      code,
      vendor: 'Various',
      price,
      ...(proration ? { proration } : {}),
      maps: [['plan', service, code]],
    });
  }
  await ingest(sql, tenantId, [
    { kind: 'customer.created', occurredAt: '2026-01-01T00:00:00Z', customer: 'globex', name: 'Globex' },
    {
      kind: 'user.created',
      occurredAt: '2026-01-01T00:00:00Z',
      customer: 'globex',
      user: 'uma',
      name: 'uma@globex',
    },
    plan('2026-01-01T00:00:00Z', 'm365', 'E3', { user: 'uma' }),
    plan('2026-01-01T00:00:00Z', 'backup', 'B100'),
    plan('2026-01-01T00:00:00Z', 'm365-business', 'BP', { quantity: '10' }),
    plan('2026-01-01T00:00:00Z', 'support', 'SILVER'),
    // In March: uma upgrades, the customer adds two business seats, upgrades support and backup.
    plan('2026-03-11T00:00:00Z', 'm365-business', 'BP', { quantity: '12' }),
    plan('2026-03-12T10:00:00Z', 'm365', 'E5', { user: 'uma' }),
    plan('2026-03-16T12:00:00Z', 'support', 'GOLD'),
    plan('2026-03-21T00:00:00Z', 'backup', 'B500'),
  ]);
});

describe('a plan change mid-period', () => {
  it('ends the old element and starts the new one at the same instant', async () => {
    const elements = await sql`
      select e.service, e.product, e.quantity::text, e.started_at, e.ended_at
      from elements e where e.tenant_id = ${tenantId} order by e.service, e.started_at`;
    expect(elements).toEqual([
      row('backup', 'B100', '1', '2026-01-01T00:00:00Z', '2026-03-21T00:00:00Z'),
      row('backup', 'B500', '1', '2026-03-21T00:00:00Z', null),
      row('m365', 'E3', '1', '2026-01-01T00:00:00Z', '2026-03-12T10:00:00Z'),
      row('m365', 'E5', '1', '2026-03-12T10:00:00Z', null),
      row('m365-business', 'BP', '10', '2026-01-01T00:00:00Z', '2026-03-11T00:00:00Z'),
      row('m365-business', 'BP', '12', '2026-03-11T00:00:00Z', null),
      row('support', 'SILVER', '1', '2026-01-01T00:00:00Z', '2026-03-16T12:00:00Z'),
      row('support', 'GOLD', '1', '2026-03-16T12:00:00Z', null),
    ]);
  });

  it('bills the old plan up to the change day and the new plan from it, each at its own SKU', async () => {
    const march = await generatePeriod(sql, tenantId, '2026-03-01');
    // March has 31 days; the change day belongs to the new plan only:
    //   customer backup   B100 1..21 Mar  20 days   93.00 x 20/31 = 60.00
    //                     B500 21 Mar..   11 days  155.00 x 11/31 = 55.00
    //   customer seats    BP x10 1..11 Mar 10 days  12.40 x 10 x 10/31 = 40.00
    //                     BP x12 11 Mar.. 21 days  12.40 x 12 x 21/31 = 100.80
    //   customer support  SILVER (full) 1..16 Mar  100.00 whole
    //                     GOLD (full) 16 Mar..     200.00 whole: both plans were present
    //   user uma          E3 1..12 Mar  11 days    31.00 x 11/31 = 11.00
    //                     E5 12 Mar..   20 days    62.00 x 20/31 = 40.00
    expect(await itemLines(sql, march.periodId)).toEqual([
      'globex | - | B100 | 2026-03-01..2026-03-21 | 20/31 | 1 x 93 = 60.00 | carried over',
      'globex | - | B500 | 2026-03-21..2026-04-01 | 11/31 | 1 x 155 = 55.00',
      'globex | - | BP | 2026-03-01..2026-03-11 | 10/31 | 10 x 12.4 = 40.00 | carried over',
      'globex | - | BP | 2026-03-11..2026-04-01 | 21/31 | 12 x 12.4 = 100.80',
      'globex | - | GOLD | 2026-03-16..2026-04-01 | 16/31 | 1 x 200 = 200.00',
      'globex | - | SILVER | 2026-03-01..2026-03-16 | 15/31 | 1 x 100 = 100.00 | carried over',
      'globex | uma@globex | E3 | 2026-03-01..2026-03-12 | 11/31 | 1 x 31 = 11.00 | carried over',
      'globex | uma@globex | E5 | 2026-03-12..2026-04-01 | 20/31 | 1 x 62 = 40.00',
    ]);
    // 60.00 + 55.00 + 40.00 + 100.80 + 200.00 + 100.00 + 11.00 + 40.00 = 606.80
    expect(march.totals).toEqual({ items: 8, billableItems: 8, total: '606.80' });
  });

  it('leaves only the new plans in the following period', async () => {
    const april = await generatePeriod(sql, tenantId, '2026-04-01');
    // April has 30 days, every new plan the whole month: 155.00 + 12.40 x 12 + 200.00 + 62.00
    expect(await itemLines(sql, april.periodId)).toEqual([
      'globex | - | B500 | 2026-04-01..2026-05-01 | 30/30 | 1 x 155 = 155.00 | carried over',
      'globex | - | BP | 2026-04-01..2026-05-01 | 30/30 | 12 x 12.4 = 148.80 | carried over',
      'globex | - | GOLD | 2026-04-01..2026-05-01 | 30/30 | 1 x 200 = 200.00 | carried over',
      'globex | uma@globex | E5 | 2026-04-01..2026-05-01 | 30/30 | 1 x 62 = 62.00 | carried over',
    ]);
    // 155.00 + 148.80 + 200.00 + 62.00 = 565.80
    expect(april.totals).toEqual({ items: 4, billableItems: 4, total: '565.80' });
  });
});

function row(service: string, product: string, quantity: string, started: string, ended: string | null) {
  return {
    service,
    product,
    quantity: `${quantity}.0000`,
    started_at: new Date(started),
    ended_at: ended === null ? null : new Date(ended),
  };
}
