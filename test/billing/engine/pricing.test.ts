import { describe, expect, it } from 'vitest';
import { unitsHeld } from '../../../billing/engine/index.js';
import { World } from './build.js';

// billing.md, "Pricing": usage SKUs are priced per unit used; tiered/volume prices per SKU and
// per-vendor multi-service discounts apply per invoice-to customer (docs/billing-choices.md, "Tiers
// and discounts"). Figures as in test/engine/pricing.test.ts where the scenario is the same.
const held = (customer: string, service: string, quantity: string) => ({
  customer,
  kind: 'instance' as const,
  service,
  quantity,
});
const plan = (customer: string, service: string) => ({ customer, kind: 'plan' as const, service });

describe('tiered and volume SKUs are priced per invoice-to customer', () => {
  it('sums the units of every customer the invoice-to customer pays for', () => {
    const world = new World()
      .sku('BACKUP', {
        vendor: 'Acronis',
        price: '10.00',
        scheme: 'tiered',
        tiers: [
          [1, '10.00'],
          [3, '8.00'],
          [6, '5.00'],
        ],
        maps: [['instance', 'backup', null]],
      })
      .sku('VOL', {
        vendor: 'Wasabi',
        price: '12.00',
        scheme: 'volume',
        tiers: [[10, '9.00']],
        maps: [['instance', 'storage', null]],
      })
      .customer('res')
      .customer('e1', { parent: 'res' })
      .customer('e2', { parent: 'res' })
      .customer('solo');
    for (const [ref, customer, service, quantity] of [
      ['b-e1', 'e1', 'backup', '2'],
      ['b-e2', 'e2', 'backup', '3'],
      ['s-e1', 'e1', 'storage', '4'],
      ['s-e2', 'e2', 'storage', '6'],
      ['b-solo-1', 'solo', 'backup', '1'],
      ['b-solo-2', 'solo', 'backup', '2'],
      ['s-solo', 'solo', 'storage', '4'],
    ] as const)
      world.add(ref, '2026-01-01', held(customer, service, quantity));
    const march = world.close('2026-03-01');
    // res pays for e1 and e2 (aggregate):
    //   BACKUP tiered, 2 + 3 = 5 units: 2 x 10.00 + 3 x 8.00 = 44.00, 8.80 a unit: 17.60 and 26.40
    //   VOL volume, 4 + 6 = 10 units reach the band from 10: 36.00 and 54.00
    // solo: BACKUP 3 units: 10 + 10 + 8 = 28.00, 9.3333333333 a unit: 18.67 and 9.33; VOL 4 x 12.00
    expect(march.lines).toEqual([
      'e1 | - | BACKUP | 2026-03-01..2026-04-01 | 31/31 | 2 x 8.8 = 17.60 | carried over',
      'e1 | - | VOL | 2026-03-01..2026-04-01 | 31/31 | 4 x 9 = 36.00 | carried over',
      'e2 | - | BACKUP | 2026-03-01..2026-04-01 | 31/31 | 3 x 8.8 = 26.40 | carried over',
      'e2 | - | VOL | 2026-03-01..2026-04-01 | 31/31 | 6 x 9 = 54.00 | carried over',
      'solo | - | BACKUP | 2026-03-01..2026-04-01 | 31/31 | 2 x 9.333333 = 18.67 | carried over',
      'solo | - | BACKUP | 2026-03-01..2026-04-01 | 31/31 | 1 x 9.333333 = 9.33 | carried over',
      'solo | - | VOL | 2026-03-01..2026-04-01 | 31/31 | 4 x 12 = 48.00 | carried over',
    ]);
    expect(march.totals).toEqual({ items: 7, billableItems: 7, total: '210.00' });
  });

  it('prices each on_behalf customer of a reseller on its own units', () => {
    const world = new World()
      .sku('VOL', {
        vendor: 'Wasabi',
        price: '12.00',
        scheme: 'volume',
        tiers: [[10, '9.00']],
        maps: [['instance', 'storage', null]],
      })
      .customer('res', { billing: 'on_behalf' })
      .customer('e1', { parent: 'res' })
      .customer('e2', { parent: 'res' })
      .add('s-e1', '2026-01-01', held('e1', 'storage', '4'))
      .add('s-e2', '2026-01-01', held('e2', 'storage', '6'));
    // e1 and e2 are invoiced for themselves: 4 and 6 units stay below the band from 10.
    expect(world.close('2026-03-01').lines).toEqual([
      'e1 | - | VOL | 2026-03-01..2026-04-01 | 31/31 | 4 x 12 = 48.00 | carried over',
      'e2 | - | VOL | 2026-03-01..2026-04-01 | 31/31 | 6 x 12 = 72.00 | carried over',
    ]);
  });

  it('counts the average held over the period: a 10 -> 12 seat change mid-month is 11 units', () => {
    const world = new World()
      // Volume: 10.00 a seat, 8.00 from the 11th, 6.00 from the 12th.
      .sku('SEAT', {
        vendor: 'Microsoft',
        price: '10.00',
        scheme: 'volume',
        tiers: [
          [11, '8.00'],
          [12, '6.00'],
        ],
        maps: [['plan', 'm365', null]],
      })
      .customer('acme')
      .add('ten', '2026-01-01', { ...plan('acme', 'm365'), quantity: '10' })
      .remove('ten', '2026-04-16')
      .add('twelve', '2026-04-16', { ...plan('acme', 'm365'), quantity: '12' });
    const april = world.close('2026-04-01');
    // (10 x 15 + 12 x 15) / 30 = 11 units held: the band from 11, 8.00 a seat (not 6.00 for 12 or 22).
    //   10 x 8.00 x 15/30 = 40.00, 12 x 8.00 x 15/30 = 48.00
    expect(april.lines).toEqual([
      'acme | - | SEAT | 2026-04-01..2026-04-16 | 15/30 | 10 x 8 = 40.00 | carried over',
      'acme | - | SEAT | 2026-04-16..2026-05-01 | 15/30 | 12 x 8 = 48.00',
    ]);
    const units = unitsHeld(april.items, () => seatSku);
    expect([...units].map(([key, u]) => [key, u.toString()])).toEqual([
      [`${world.customerId('acme')}\u0000SEAT`, '11'],
    ]);
  });
});

const seatSku = {
  code: 'SEAT',
  vendor: 'Microsoft',
  unitPrice: '10.00',
  billingModel: 'recurring' as const,
  proration: 'daily' as const,
  pricingScheme: 'volume' as const,
  tiers: [],
};

describe('a per-vendor multi-service discount', () => {
  it('takes off the percent of the highest bracket an invoice-to customer reaches', () => {
    const world = new World();
    for (const [code, vendor, price] of [
      ['E3', 'Microsoft', '31.00'],
      ['VISIO', 'Microsoft', '15.50'],
      ['PROJECT', 'Microsoft', '20.00'],
      ['VM', 'Azure', '62.00'],
    ] as const)
      world.sku(code, { vendor, price, maps: [['plan', code.toLowerCase(), null]] });
    // A lower bracket may offer more: the highest bracket reached still decides.
    world.discount('Microsoft', 2, '10').discount('Microsoft', 3, '5');
    world
      .customer('one')
      .customer('two')
      .customer('three')
      .customer('res')
      .customer('ea', { parent: 'res' })
      .customer('eb', { parent: 'res' });
    for (const [customer, service] of [
      ['one', 'e3'],
      ['two', 'e3'],
      ['two', 'visio'],
      ['two', 'vm'],
      ['three', 'e3'],
      ['three', 'visio'],
      ['three', 'project'],
      ['ea', 'e3'],
      ['eb', 'visio'],
    ] as const)
      world.add(`${customer}-${service}`, '2026-01-01', plan(customer, service));
    const march = world.close('2026-03-01');
    //   one    1 Microsoft SKU: no discount                        E3 31.00
    //   two    2 Microsoft SKUs: 10%: 27.90, 13.95; VM is Azure: 62.00
    //   three  3 SKUs, the bracket from 3: 5%: 29.45, 19.00, 15.50 x 0.95 = 14.725 -> 14.73
    //   ea, eb one SKU each, but res pays for both: 2 SKUs, 10%: 27.90 and 13.95
    expect(march.lines).toEqual([
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
    expect(march.totals).toEqual({ items: 9, billableItems: 9, total: '239.88' });
  });

  it('does not count adjustment items as services held (test/engine/adjustment-residuals.test.ts)', () => {
    const world = new World()
      .sku('E3', { vendor: 'Microsoft', price: '31.00', maps: [['plan', 'm365', 'E3']] })
      .sku('VISIO', { vendor: 'Microsoft', price: '15.50', maps: [['plan', 'visio', null]] })
      .discount('Microsoft', 2, '10')
      .customer('acme')
      .user('u1', 'u1@acme')
      .user('u2', 'u2@acme')
      .add('e3', '2025-12-01', { customer: 'acme', user: 'u1', kind: 'plan', service: 'm365', product: 'E3' })
      .add('visio', '2025-12-01', {
        customer: 'acme',
        user: 'u2',
        kind: 'plan',
        service: 'visio',
        product: 'P2',
      });
    // January: two Microsoft SKUs, 10% off both: 27.90 + 13.95.
    expect(world.close('2026-01-01').totals.total).toBe('41.85');
    world.approve('2026-01-01').remove('visio', '2026-01-21');
    // February credits 21..31 Jan (11 days) at January's price and discount, -15.50 x 11/31 x 90%
    // = -4.95, and holds E3 alone: one service, no discount, 31.00.
    const feb = world.close('2026-02-01');
    expect(feb.lines).toEqual([
      'acme | u1@acme | E3 | 2026-02-01..2026-03-01 | 28/28 | 1 x 31 = 31.00 | carried over',
      'acme | u2@acme | VISIO | 2026-01-21..2026-02-01 | 11/31 | -1 x 15.5 = -4.95 | discount 10%, adjusts 2026-01-01..2026-01-31',
    ]);
    expect(feb.totals.total).toBe('26.05');
  });

  it('does not count a late charge for another period as a service held either', () => {
    const world = new World()
      .sku('E3', { vendor: 'Microsoft', price: '31.00', maps: [['plan', 'm365', null]] })
      .sku('VISIO', { vendor: 'Microsoft', price: '15.50', maps: [['plan', 'visio', null]] })
      .discount('Microsoft', 2, '10')
      .customer('acme')
      .add('e3', '2025-12-01', plan('acme', 'm365'));
    world.close('2026-01-01');
    world.approve('2026-01-01');
    // Late: VISIO from 21 Jan to 1 Feb, billed in February at its own price, no discount (E3 alone
    // is held in February): 15.50 x 11/31 = 5.50.
    world.add('visio', '2026-01-21', plan('acme', 'visio')).remove('visio', '2026-02-01');
    expect(world.close('2026-02-01').lines).toEqual([
      'acme | - | E3 | 2026-02-01..2026-03-01 | 28/28 | 1 x 31 = 31.00 | carried over',
      'acme | - | VISIO | 2026-01-21..2026-02-01 | 11/31 | 1 x 15.5 = 5.50 | adjusts 2026-01-01..2026-01-31',
    ]);
  });
});

describe('usage SKUs', () => {
  it('are priced per unit used, each entry an item on its date, volume bands per invoice-to', () => {
    const world = new World()
      .sku('SMS', { vendor: 'Twilio', price: '0.0725', model: 'usage', maps: [['usage', 'sms', null]] })
      .sku('CALLS', {
        vendor: 'Twilio',
        price: '0.10',
        model: 'usage',
        scheme: 'volume',
        tiers: [[1001, '0.05']],
        maps: [['usage', 'voice', null]],
      })
      .sku('GB', { vendor: 'Wasabi', price: '0.40', model: 'usage', maps: [['usage', 'egress', null]] })
      .customer('acme');
    const used = (on: string, service: string, quantity: string) =>
      world.use(on, { customer: 'acme', service, quantity });
    used('2026-03-03', 'sms', '100');
    used('2026-03-17', 'sms', '33');
    used('2026-03-31', 'sms', '7');
    used('2026-04-01', 'sms', '1000');
    used('2026-03-05', 'voice', '600');
    used('2026-03-25', 'voice', '500');
    used('2026-03-12', 'egress', '2.5375');
    used('2026-03-13', 'egress', '0.0125');
    const march = world.close('2026-03-01');
    //   SMS    100 x 0.0725 = 7.25; 33 x 0.0725 = 2.3925 -> 2.39; 7 x 0.0725 = 0.5075 -> 0.51
    //          (the 1000 units of 1 April belong to April)
    //   CALLS  600 + 500 = 1100 units reach the band from 1001: 30.00 and 25.00
    //   GB     2.5375 x 0.40 = 1.015 -> 1.02 (a tie); 0.0125 x 0.40 = 0.005 -> 0.01
    expect(march.lines).toEqual([
      'acme | - | CALLS | 2026-03-05..2026-03-05 | 0/31 | 600 x 0.05 = 30.00',
      'acme | - | CALLS | 2026-03-25..2026-03-25 | 0/31 | 500 x 0.05 = 25.00',
      'acme | - | GB | 2026-03-12..2026-03-12 | 0/31 | 2.5375 x 0.4 = 1.02',
      'acme | - | GB | 2026-03-13..2026-03-13 | 0/31 | 0.0125 x 0.4 = 0.01',
      'acme | - | SMS | 2026-03-03..2026-03-03 | 0/31 | 100 x 0.0725 = 7.25',
      'acme | - | SMS | 2026-03-17..2026-03-17 | 0/31 | 33 x 0.0725 = 2.39',
      'acme | - | SMS | 2026-03-31..2026-03-31 | 0/31 | 7 x 0.0725 = 0.51',
    ]);
    // 30.00 + 25.00 + 1.02 + 0.01 + 7.25 + 2.39 + 0.51 = 66.18
    expect(march.totals).toEqual({ items: 7, billableItems: 7, total: '66.18' });
  });
});
