import { describe, expect, it } from 'vitest';
import { World } from './build.js';

// billing.md, "Pricing": each item is rounded half-up to the currency's minor unit and every total is
// the sum of its rounded items; half-up is half away from zero, for credits too
// (docs/billing-choices.md, "Money"). Figures as in test/engine/rounding-and-currencies.test.ts.
const instance = (service: string) => ({ customer: 'acme', kind: 'instance' as const, service });

describe('each item is rounded half-up, and totals are sums of rounded items', () => {
  function rounding(): World {
    return new World()
      .sku('HALF', { vendor: 'V', price: '10.005', proration: 'full', maps: [['instance', 'licence', null]] })
      .sku('TIE', { vendor: 'V', price: '6.665', maps: [['instance', 'tie', null]] })
      .customer('acme', { name: 'Acme' })
      .add('l1', '2026-01-01', instance('licence'))
      .add('l2', '2026-01-01', instance('licence'))
      .add('l3', '2026-01-01', instance('licence'))
      .add('t1', '2026-03-29', instance('tie'))
      .add('t2', '2026-02-01', instance('tie'));
  }

  it('bills three items of 10.005 as 10.01 each, and a prorated tie 0.645 as 0.65', () => {
    const march = rounding().close('2026-03-01');
    //   HALF (full) 10.005 -> 10.01, three times
    //   TIE t1  29 Mar..1 Apr 3 days: 6.665 x 3/31 = 0.645 exactly -> 0.65
    //   TIE t2  carried, 31 days:     6.665 x 31/31 = 6.665 -> 6.67
    expect(march.lines).toEqual([
      'acme | - | HALF | 2026-03-01..2026-04-01 | 31/31 | 1 x 10.005 = 10.01 | carried over',
      'acme | - | HALF | 2026-03-01..2026-04-01 | 31/31 | 1 x 10.005 = 10.01 | carried over',
      'acme | - | HALF | 2026-03-01..2026-04-01 | 31/31 | 1 x 10.005 = 10.01 | carried over',
      'acme | - | TIE | 2026-03-01..2026-04-01 | 31/31 | 1 x 6.665 = 6.67 | carried over',
      'acme | - | TIE | 2026-03-29..2026-04-01 | 3/31 | 1 x 6.665 = 0.65',
    ]);
    // 10.01 x 3 + 6.67 + 0.65 = 37.35 (not 30.015 + 6.665 + 0.645 = 37.325 -> 37.33)
    expect(march.totals).toEqual({ items: 5, billableItems: 5, total: '37.35' });
  });

  it('rounds a credit half away from zero, mirroring the charge it cancels: -0.645 -> -0.65', () => {
    const world = rounding();
    world.close('2026-03-01');
    world.approve('2026-03-01');
    // Arrives after March is approved: t2 ended on 29 March.
    world.remove('t2', '2026-03-29');
    const april = world.close('2026-04-01');
    //   TIE t2  credit 29 Mar..1 Apr: -1 x 6.665 x 3/31 = -0.645 -> -0.65
    //   TIE t1  carried, 30 days: 6.665 -> 6.67; HALF 10.01 x 3 = 30.03
    expect(april.lines).toEqual([
      'acme | - | HALF | 2026-04-01..2026-05-01 | 30/30 | 1 x 10.005 = 10.01 | carried over',
      'acme | - | HALF | 2026-04-01..2026-05-01 | 30/30 | 1 x 10.005 = 10.01 | carried over',
      'acme | - | HALF | 2026-04-01..2026-05-01 | 30/30 | 1 x 10.005 = 10.01 | carried over',
      'acme | - | TIE | 2026-04-01..2026-05-01 | 30/30 | 1 x 6.665 = 6.67 | carried over',
      'acme | - | TIE | 2026-03-29..2026-04-01 | 3/31 | -1 x 6.665 = -0.65 | adjusts 2026-03-01..2026-03-31',
    ]);
    // 30.03 + 6.67 - 0.65 = 36.05
    expect(april.totals).toEqual({ items: 5, billableItems: 5, total: '36.05' });
  });

  it('rounds a credit of exactly half a cent to -0.01: -0.005 -> -0.01', () => {
    const world = new World()
      .sku('CENT', { vendor: 'V', price: '0.155', maps: [['instance', 'cent', null]] })
      .customer('acme')
      .add('c1', '2026-03-01', instance('cent'));
    // March: CENT 0.155 x 31/31 = 0.155 -> 0.16.
    expect(world.close('2026-03-01').lines).toEqual([
      'acme | - | CENT | 2026-03-01..2026-04-01 | 31/31 | 1 x 0.155 = 0.16',
    ]);
    world.approve('2026-03-01').remove('c1', '2026-03-31');
    // Late removal on 31 March: credit 31 Mar..1 Apr, -1 x 0.155 x 1/31 = -0.005 -> -0.01.
    const april = world.close('2026-04-01');
    expect(april.lines).toEqual([
      'acme | - | CENT | 2026-03-31..2026-04-01 | 1/31 | -1 x 0.155 = -0.01 | adjusts 2026-03-01..2026-03-31',
    ]);
    expect(april.totals).toEqual({ items: 1, billableItems: 1, total: '-0.01' });
  });
});

describe('currencies with 0 and 3 minor units', () => {
  function tenant(minorUnits: number, prices: { seat: string; support: string; call: string }): World {
    return new World(minorUnits)
      .sku('SEAT', { vendor: 'V', price: prices.seat, maps: [['instance', 'seats', null]] })
      .sku('SUPPORT', {
        vendor: 'V',
        price: prices.support,
        proration: 'full',
        maps: [['instance', 'support', null]],
      })
      .sku('CALL', { vendor: 'V', price: prices.call, model: 'usage', maps: [['usage', 'calls', null]] })
      .customer('acme', { name: 'Acme' })
      .add('support', '2026-01-01', instance('support'))
      .add('seat-1', '2026-03-22', instance('seats'))
      .use('2026-03-10', { customer: 'acme', service: 'calls', quantity: '3' });
  }

  it('rounds every item to whole yen, half-up (JPY)', () => {
    const march = tenant(0, { seat: '1500', support: '2500', call: '2.5' }).close('2026-03-01');
    //   CALL     3 x 2.5 = 7.5 -> 8 (a tie at the minor unit)
    //   SEAT     22 Mar..1 Apr 10 days: 1500 x 10/31 = 483.870967 -> 484
    //   SUPPORT  (full) 2500
    expect(march.lines).toEqual([
      'acme | - | CALL | 2026-03-10..2026-03-10 | 0/31 | 3 x 2.5 = 8',
      'acme | - | SEAT | 2026-03-22..2026-04-01 | 10/31 | 1 x 1500 = 484',
      'acme | - | SUPPORT | 2026-03-01..2026-04-01 | 31/31 | 1 x 2500 = 2500 | carried over',
    ]);
    expect(march.totals).toEqual({ items: 3, billableItems: 3, total: '2992' });
  });

  it('rounds a yen credit of a tie away from zero: -0.5 -> -1', () => {
    const world = new World(0)
      .sku('SEAT', { vendor: 'V', price: '15.5', maps: [['instance', 'seats', null]] })
      .customer('acme')
      .add('seat', '2026-01-01', instance('seats'));
    world.close('2026-03-01');
    world.approve('2026-03-01');
    world.remove('seat', '2026-03-31');
    // Credit 31 Mar..1 Apr: -1 x 15.5 x 1/31 = -0.5 -> -1.
    expect(world.close('2026-04-01').lines).toEqual([
      'acme | - | SEAT | 2026-03-31..2026-04-01 | 1/31 | -1 x 15.5 = -1 | adjusts 2026-03-01..2026-03-31',
    ]);
  });

  it('rounds every item to the fils, half-up (KWD)', () => {
    const march = tenant(3, { seat: '12.345', support: '25.5', call: '0.0125' }).close('2026-03-01');
    //   CALL     3 x 0.0125 = 0.0375 -> 0.038
    //   SEAT     22 Mar..1 Apr 10 days: 12.345 x 10/31 = 3.982258 -> 3.982
    //   SUPPORT  (full) 25.500
    expect(march.lines).toEqual([
      'acme | - | CALL | 2026-03-10..2026-03-10 | 0/31 | 3 x 0.0125 = 0.038',
      'acme | - | SEAT | 2026-03-22..2026-04-01 | 10/31 | 1 x 12.345 = 3.982',
      'acme | - | SUPPORT | 2026-03-01..2026-04-01 | 31/31 | 1 x 25.5 = 25.500 | carried over',
    ]);
    expect(march.totals).toEqual({ items: 3, billableItems: 3, total: '29.520' });
  });
});
