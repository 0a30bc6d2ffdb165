import { describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/database.js';
import { createSku, createTenant, generatePeriod, ingest, itemLines } from '../support/fixtures.js';

const database = await freshDatabase();
const { sql } = database;

// billing.md, "Pricing": usage SKUs are priced per unit used. Tiered/volume prices per SKU and
// per-vendor multi-service discounts apply per invoice-to customer. Bands start at `fromQuantity`,
// counted from 1; a tiered average that does not terminate is kept to 10 decimal places, and the
// discount is the highest bracket reached (docs/billing-choices.md, "Tiers and discounts").
// Every element here is held all of March 2026 (31/31 days), so prices are whole-month prices.
const since = '2026-01-01T00:00:00Z';
const instance = (customer: string, service: string, instanceRef: string, quantity: string) => ({
  kind: 'instance.added',
  occurredAt: since,
  customer,
  service,
  product: 'std',
  instance: instanceRef,
  quantity,
});
const plan = (customer: string, service: string) => ({
  kind: 'plan.changed',
  occurredAt: since,
  customer,
  service,
  plan: 'std',
});
const customers = (...refs: [ref: string, parent?: string][]) =>
  refs.map(([ref, parent]) => ({
    kind: 'customer.created',
    occurredAt: since,
    customer: ref,
    name: ref,
    ...(parent ? { parent, relationship: 'via' } : {}),
  }));

describe('tiered and volume SKUs are priced per invoice-to customer', () => {
  it('sums the units of every customer the invoice-to customer pays for', async () => {
    const tenantId = 'tiers';
    await createTenant(sql, { id: tenantId });
    await createSku(sql, tenantId, {
      code: 'BACKUP',
      vendor: 'Acronis',
      price: '10.00',
      scheme: 'tiered',
      tiers: [
        [1, '10.00'],
        [3, '8.00'],
        [6, '5.00'],
      ],
      maps: [['instance', 'backup', null]],
    });
    await createSku(sql, tenantId, {
      code: 'VOL',
      vendor: 'Wasabi',
      price: '12.00',
      scheme: 'volume',
      tiers: [[10, '9.00']],
      maps: [['instance', 'storage', null]],
    });
    await ingest(sql, tenantId, [
      ...customers(['res'], ['e1', 'res'], ['e2', 'res'], ['solo']),
      instance('e1', 'backup', 'b-e1', '2'),
      instance('e2', 'backup', 'b-e2', '3'),
      instance('e1', 'storage', 's-e1', '4'),
      instance('e2', 'storage', 's-e2', '6'),
      instance('solo', 'backup', 'b-solo-1', '1'),
      instance('solo', 'backup', 'b-solo-2', '2'),
      instance('solo', 'storage', 's-solo', '4'),
    ]);
    const march = await generatePeriod(sql, tenantId, '2026-03-01');
    // res pays for e1 and e2 (aggregate by default):
    //   BACKUP tiered, 2 + 3 = 5 units: units 1..2 at 10.00 + units 3..5 at 8.00 = 20 + 24 = 44.00,
    //          44.00 / 5 = 8.80 a unit: e1 2 x 8.80 = 17.60, e2 3 x 8.80 = 26.40
    //   VOL volume, 4 + 6 = 10 units reach the band from 10: every unit at 9.00:
    //          e1 4 x 9.00 = 36.00, e2 6 x 9.00 = 54.00 (alone each would pay 12.00 a unit)
    // solo pays for itself:
    //   BACKUP 1 + 2 = 3 units: 10 + 10 + 8 = 28.00, 28 / 3 = 9.3333333333 a unit:
    //          2 x 9.3333333333 = 18.6666666666 -> 18.67, 1 x 9.3333333333 -> 9.33
    //   VOL 4 units, below the band: 4 x 12.00 = 48.00
    expect(await itemLines(sql, march.periodId)).toEqual([
      'e1 | - | BACKUP | 2026-03-01..2026-04-01 | 31/31 | 2 x 8.8 = 17.60 | carried over',
      'e1 | - | VOL | 2026-03-01..2026-04-01 | 31/31 | 4 x 9 = 36.00 | carried over',
      'e2 | - | BACKUP | 2026-03-01..2026-04-01 | 31/31 | 3 x 8.8 = 26.40 | carried over',
      'e2 | - | VOL | 2026-03-01..2026-04-01 | 31/31 | 6 x 9 = 54.00 | carried over',
      'solo | - | BACKUP | 2026-03-01..2026-04-01 | 31/31 | 2 x 9.333333 = 18.67 | carried over',
      'solo | - | BACKUP | 2026-03-01..2026-04-01 | 31/31 | 1 x 9.333333 = 9.33 | carried over',
      'solo | - | VOL | 2026-03-01..2026-04-01 | 31/31 | 4 x 12 = 48.00 | carried over',
    ]);
    // 17.60 + 36.00 + 26.40 + 54.00 + 18.67 + 9.33 + 48.00 = 210.00
    expect(march.totals).toEqual({ items: 7, billableItems: 7, total: '210.00' });
  });
});

describe('a per-vendor multi-service discount', () => {
  it('takes off the percent of the highest bracket an invoice-to customer reaches', async () => {
    const tenantId = 'discounts';
    await createTenant(sql, { id: tenantId });
    for (const [code, vendor, price] of [
      ['E3', 'Microsoft', '31.00'],
      ['VISIO', 'Microsoft', '15.50'],
      ['PROJECT', 'Microsoft', '20.00'],
      ['VM', 'Azure', '62.00'],
    ] as const) {
      await createSku(sql, tenantId, { code, vendor, price, maps: [['plan', code.toLowerCase(), null]] });
    }
    // A lower bracket may offer more: the highest bracket reached still decides.
    await sql`insert into vendor_discounts (tenant_id, vendor, min_services, percent)
              values (${tenantId}, 'Microsoft', 2, 10), (${tenantId}, 'Microsoft', 3, 5)`;
    await ingest(sql, tenantId, [
      ...customers(['one'], ['two'], ['three'], ['res'], ['ea', 'res'], ['eb', 'res']),
      plan('one', 'e3'),
      plan('two', 'e3'),
      plan('two', 'visio'),
      plan('two', 'vm'),
      plan('three', 'e3'),
      plan('three', 'visio'),
      plan('three', 'project'),
      plan('ea', 'e3'),
      plan('eb', 'visio'),
    ]);
    const march = await generatePeriod(sql, tenantId, '2026-03-01');
    //   one    1 Microsoft SKU: no discount                        E3 31.00
    //   two    2 Microsoft SKUs: 10%   E3 31.00 x 0.90 = 27.90, VISIO 15.50 x 0.90 = 13.95;
    //          VM is Azure: 62.00, and Azure has no discount
    //   three  3 Microsoft SKUs: the bracket from 3 says 5%
    //          E3 31.00 x 0.95 = 29.45, PROJECT 20.00 x 0.95 = 19.00, VISIO 15.50 x 0.95 = 14.725 -> 14.73
    //   ea, eb one SKU each, but res pays for both: 2 SKUs, 10%: 27.90 and 13.95
    expect(await itemLines(sql, march.periodId)).toEqual([
      'ea | - | E3 | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 27.90 | carried over, discount 10%',
      'eb | - | VISIO | 2026-03-01..2026-04-01 | 31/31 | 1 x 15.5 = 13.95 | carried over, discount 10%',
      'one | - | E3 | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 31.00 | carried over',
      'three | - | E3 | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 29.45 | carried over, discount 5%',
      'three | - | PROJECT | 2026-03-01..2026-04-01 | 31/31 | 1 x 20 = 19.00 | carried over, discount 5%',
      'three | - | VISIO | 2026-03-01..2026-04-01 | 31/31 | 1 x 15.5 = 14.73 | carried over, discount 5%',
      'two | - | E3 | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 27.90 | carried over, discount 10%',
      'two | - | VISIO | 2026-03-01..2026-04-01 | 31/31 | 1 x 15.5 = 13.95 | carried over, discount 10%',
      'two | - | VM | 2026-03-01..2026-04-01 | 31/31 | 1 x 62 = 62.00 | carried over',
    ]);
    // 27.90 + 13.95 + 31.00 + 29.45 + 19.00 + 14.73 + 27.90 + 13.95 + 62.00 = 239.88
    expect(march.totals).toEqual({ items: 9, billableItems: 9, total: '239.88' });
  });
});

describe('usage SKUs', () => {
  it('are priced per unit used, each entry an item on its date, volume bands per invoice-to', async () => {
    const tenantId = 'usage';
    await createTenant(sql, { id: tenantId });
    await createSku(sql, tenantId, {
      code: 'SMS',
      vendor: 'Twilio',
      price: '0.0725',
      model: 'usage',
      maps: [['usage', 'sms', null]],
    });
    await createSku(sql, tenantId, {
      code: 'CALLS',
      vendor: 'Twilio',
      price: '0.10',
      model: 'usage',
      scheme: 'volume',
      tiers: [[1001, '0.05']],
      maps: [['usage', 'voice', null]],
    });
    const used = (occurredAt: string, service: string, quantity: string) => ({
      kind: 'usage.recorded',
      occurredAt,
      customer: 'acme',
      service,
      product: 'std',
      quantity,
    });
    await ingest(sql, tenantId, [
      ...customers(['acme']),
      used('2026-03-03T10:00:00Z', 'sms', '100'),
      used('2026-03-17T10:00:00Z', 'sms', '33'),
      used('2026-03-31T23:59:59Z', 'sms', '7'),
      used('2026-04-01T00:00:00Z', 'sms', '1000'),
      used('2026-03-05T10:00:00Z', 'voice', '600'),
      used('2026-03-25T10:00:00Z', 'voice', '500'),
    ]);
    const march = await generatePeriod(sql, tenantId, '2026-03-01');
    //   SMS    100 x 0.0725 = 7.25; 33 x 0.0725 = 2.3925 -> 2.39; 7 x 0.0725 = 0.5075 -> 0.51
    //          (the 1000 units of 1 April belong to April)
    //   CALLS  600 + 500 = 1100 units reach the band from 1001: every unit at 0.05
    //          600 x 0.05 = 30.00, 500 x 0.05 = 25.00
    expect(await itemLines(sql, march.periodId)).toEqual([
      'acme | - | CALLS | 2026-03-05..2026-03-05 | 0/31 | 600 x 0.05 = 30.00',
      'acme | - | CALLS | 2026-03-25..2026-03-25 | 0/31 | 500 x 0.05 = 25.00',
      'acme | - | SMS | 2026-03-03..2026-03-03 | 0/31 | 100 x 0.0725 = 7.25',
      'acme | - | SMS | 2026-03-17..2026-03-17 | 0/31 | 33 x 0.0725 = 2.39',
      'acme | - | SMS | 2026-03-31..2026-03-31 | 0/31 | 7 x 0.0725 = 0.51',
    ]);
    // 30.00 + 25.00 + 7.25 + 2.39 + 0.51 = 65.15
    expect(march.totals).toEqual({ items: 5, billableItems: 5, total: '65.15' });
  });
});
