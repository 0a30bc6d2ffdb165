import { describe, expect, it } from 'vitest';
import { World } from './build.js';

// The element timelines of test/engine/user-lifecycle.test.ts and plan-changes.test.ts as the
// engine sees them once loaded (local dates; user.deleted and plan.changed end elements there).
describe('a user added on the 10th and removed on the 20th of the next month', () => {
  const world = new World()
    .sku('E3', { vendor: 'Microsoft', price: '31.00', maps: [['plan', 'm365', 'E3']] })
    .sku('ARCHIVE', { vendor: 'Microsoft', price: '3.10', maps: [['instance', 'exchange', 'archive']] })
    .sku('VM', { vendor: 'Azure', price: '62.00', maps: [['instance', 'iaas', null]] })
    .sku('CITRIX', {
      vendor: 'Citrix',
      price: '25.00',
      proration: 'full',
      maps: [['application', 'citrix', null]],
    })
    .customer('contoso', { name: 'Contoso' })
    .user('ann', 'ann@contoso.example')
    .add('vm-1', '2025-12-01', {
      customer: 'contoso',
      kind: 'instance',
      service: 'iaas',
      product: 'd2s',
      quantity: '2',
    })
    .add('e3', '2026-01-10', {
      customer: 'contoso',
      user: 'ann',
      kind: 'plan',
      service: 'm365',
      product: 'E3',
    })
    .add('archive', '2026-01-10', {
      customer: 'contoso',
      user: 'ann',
      kind: 'instance',
      service: 'exchange',
      product: 'archive',
    })
    .remove('e3', '2026-02-20')
    .remove('archive', '2026-02-20')
    .add('vm-tmp', '2026-01-15', { customer: 'contoso', kind: 'instance', service: 'iaas', product: 'd2s' })
    .remove('vm-tmp', '2026-01-15')
    .add('ctx-trial', '2026-01-15', {
      customer: 'contoso',
      kind: 'application',
      service: 'citrix',
      product: 'workspace',
    })
    .remove('ctx-trial', '2026-01-15');

  it('bills January from the 10th, and a same-day element 0.00 when daily, whole when full', () => {
    const january = world.close('2026-01-01');
    //   ann E3       10 Jan .. 1 Feb  22 days  31.00 x 22/31 = 22.00
    //   ann archive  10 Jan .. 1 Feb  22 days   3.10 x 22/31 =  2.20
    //   vm-1 (2 units, carried)       31 days  62.00 x 2 x 31/31 = 124.00
    //   vm-tmp       15 Jan .. 15 Jan  0 days  62.00 x 0/31 = 0.00
    //   ctx-trial    15 Jan .. 15 Jan  0 days  full: 25.00
    expect(january.lines).toEqual([
      'contoso | - | CITRIX | 2026-01-15..2026-01-15 | 0/31 | 1 x 25 = 25.00',
      'contoso | - | VM | 2026-01-01..2026-02-01 | 31/31 | 2 x 62 = 124.00 | carried over',
      'contoso | - | VM | 2026-01-15..2026-01-15 | 0/31 | 1 x 62 = 0.00',
      'contoso | ann@contoso.example | ARCHIVE | 2026-01-10..2026-02-01 | 22/31 | 1 x 3.1 = 2.20',
      'contoso | ann@contoso.example | E3 | 2026-01-10..2026-02-01 | 22/31 | 1 x 31 = 22.00',
    ]);
    expect(january.totals).toEqual({ items: 5, billableItems: 5, total: '173.20' });
  });

  it('bills February from the 1st to the 19th, and March nothing of ann', () => {
    //   ann E3 19 days 31.00 x 19/28 = 21.035714 -> 21.04; archive 3.10 x 19/28 = 2.103571 -> 2.10
    const february = world.close('2026-02-01');
    expect(february.lines).toEqual([
      'contoso | - | VM | 2026-02-01..2026-03-01 | 28/28 | 2 x 62 = 124.00 | carried over',
      'contoso | ann@contoso.example | ARCHIVE | 2026-02-01..2026-02-20 | 19/28 | 1 x 3.1 = 2.10 | carried over',
      'contoso | ann@contoso.example | E3 | 2026-02-01..2026-02-20 | 19/28 | 1 x 31 = 21.04 | carried over',
    ]);
    expect(february.totals).toEqual({ items: 3, billableItems: 3, total: '147.14' });
    expect(world.close('2026-03-01').lines).toEqual([
      'contoso | - | VM | 2026-03-01..2026-04-01 | 31/31 | 2 x 62 = 124.00 | carried over',
    ]);
  });
});

describe('a plan change mid-period', () => {
  const world = new World();
  for (const [code, service, price, proration] of [
    ['E3', 'm365', '31.00'],
    ['E5', 'm365', '62.00'],
    ['B100', 'backup', '93.00'],
    ['B500', 'backup', '155.00'],
    ['BP', 'm365-business', '12.40'],
    ['SILVER', 'support', '100.00', 'full'],
    ['GOLD', 'support', '200.00', 'full'],
  ] as const)
    world.sku(code, {
      vendor: 'Various',
      price,
      ...(proration ? { proration } : {}),
      maps: [['plan', service, code]],
    });
  const plan = (service: string, product: string, quantity = '1') =>
    ({ customer: 'globex', kind: 'plan', service, product, quantity }) as const;
  world
    .customer('globex', { name: 'Globex' })
    .user('uma', 'uma@globex')
    .add('e3', '2026-01-01', { ...plan('m365', 'E3'), user: 'uma' })
    .add('b100', '2026-01-01', plan('backup', 'B100'))
    .add('bp10', '2026-01-01', plan('m365-business', 'BP', '10'))
    .add('silver', '2026-01-01', plan('support', 'SILVER'))
    // A plan change ends the old element and starts the new one on the same day.
    .remove('bp10', '2026-03-11')
    .add('bp12', '2026-03-11', plan('m365-business', 'BP', '12'))
    .remove('e3', '2026-03-12')
    .add('e5', '2026-03-12', { ...plan('m365', 'E5'), user: 'uma' })
    .remove('silver', '2026-03-16')
    .add('gold', '2026-03-16', plan('support', 'GOLD'))
    .remove('b100', '2026-03-21')
    .add('b500', '2026-03-21', plan('backup', 'B500'));

  it('bills the old plan up to the change day and the new plan from it, each at its own SKU', () => {
    const march = world.close('2026-03-01');
    //   B100 20 days 93.00 x 20/31 = 60.00; B500 11 days 155.00 x 11/31 = 55.00
    //   BP x10 10 days 12.40 x 10 x 10/31 = 40.00; BP x12 21 days 12.40 x 12 x 21/31 = 100.80
    //   SILVER and GOLD (full) both present: 100.00 and 200.00 whole
    //   E3 11 days 31.00 x 11/31 = 11.00; E5 20 days 62.00 x 20/31 = 40.00
    expect(march.lines).toEqual([
      'globex | - | B100 | 2026-03-01..2026-03-21 | 20/31 | 1 x 93 = 60.00 | carried over',
      'globex | - | B500 | 2026-03-21..2026-04-01 | 11/31 | 1 x 155 = 55.00',
      'globex | - | BP | 2026-03-01..2026-03-11 | 10/31 | 10 x 12.4 = 40.00 | carried over',
      'globex | - | BP | 2026-03-11..2026-04-01 | 21/31 | 12 x 12.4 = 100.80',
      'globex | - | GOLD | 2026-03-16..2026-04-01 | 16/31 | 1 x 200 = 200.00',
      'globex | - | SILVER | 2026-03-01..2026-03-16 | 15/31 | 1 x 100 = 100.00 | carried over',
      'globex | uma@globex | E3 | 2026-03-01..2026-03-12 | 11/31 | 1 x 31 = 11.00 | carried over',
      'globex | uma@globex | E5 | 2026-03-12..2026-04-01 | 20/31 | 1 x 62 = 40.00',
    ]);
    expect(march.totals).toEqual({ items: 8, billableItems: 8, total: '606.80' });
  });

  it('leaves only the new plans in the following period', () => {
    const april = world.close('2026-04-01');
    expect(april.lines).toEqual([
      'globex | - | B500 | 2026-04-01..2026-05-01 | 30/30 | 1 x 155 = 155.00 | carried over',
      'globex | - | BP | 2026-04-01..2026-05-01 | 30/30 | 12 x 12.4 = 148.80 | carried over',
      'globex | - | GOLD | 2026-04-01..2026-05-01 | 30/30 | 1 x 200 = 200.00 | carried over',
      'globex | uma@globex | E5 | 2026-04-01..2026-05-01 | 30/30 | 1 x 62 = 62.00 | carried over',
    ]);
    expect(april.totals).toEqual({ items: 4, billableItems: 4, total: '565.80' });
  });
});
