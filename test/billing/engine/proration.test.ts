import { describe, expect, it } from 'vitest';
import { World } from './build.js';

// billing.md, "Generating a period" 4: daily SKUs are charged price x quantity x days active / days in
// period, an element active on every date d with date(start) <= d < date(end): the day of removal is
// not billed and an add and remove on the same day is itemised with 0 days. Full SKUs are charged
// whole for any presence, once, however rules split them.
const seat = (user: string) => ({ customer: 'acme', user, kind: 'plan' as const, service: 'm365' });

function acme(): World {
  return new World()
    .sku('SEAT', { vendor: 'Microsoft', price: '30.00', maps: [['plan', 'm365', null]] })
    .sku('SUPPORT', { vendor: 'MSP', price: '100.00', proration: 'full', maps: [['plan', 'support', null]] })
    .customer('acme', { name: 'Acme' })
    .user('ann', 'ann@acme')
    .user('bob', 'bob@acme')
    .user('cy', 'cy@acme')
    .user('dee', 'dee@acme');
}

describe('daily proration', () => {
  it('bills the days from the add to the day before the removal', () => {
    const world = acme()
      .add('ann', '2026-03-01', seat('ann'))
      .remove('ann', '2026-04-16')
      .add('bob', '2026-04-11', seat('bob'))
      .remove('bob', '2026-04-21')
      .add('cy', '2026-04-07', seat('cy'))
      .remove('cy', '2026-04-07')
      .add('dee', '2026-04-01', seat('dee'));
    const april = world.close('2026-04-01');
    // April has 30 days, SEAT 30.00 a month: 1.00 a day.
    //   ann  carried, removed 16 Apr: 1..15 Apr, 15 days       = 15.00
    //   bob  11 Apr..21 Apr: 11..20 Apr, 10 days (21 not billed) = 10.00
    //   cy   added and removed on 7 Apr: itemised, 0 days       =  0.00
    //   dee  added on the period's first day: not carried over, 30 days = 30.00
    expect(april.lines).toEqual([
      'acme | ann@acme | SEAT | 2026-04-01..2026-04-16 | 15/30 | 1 x 30 = 15.00 | carried over',
      'acme | bob@acme | SEAT | 2026-04-11..2026-04-21 | 10/30 | 1 x 30 = 10.00',
      'acme | cy@acme | SEAT | 2026-04-07..2026-04-07 | 0/30 | 1 x 30 = 0.00',
      'acme | dee@acme | SEAT | 2026-04-01..2026-05-01 | 30/30 | 1 x 30 = 30.00',
    ]);
    expect(april.totals).toEqual({ items: 4, billableItems: 4, total: '55.00' });
    // A removal on May's first day ended the element with April: May has nothing of ann or bob.
    world.remove('dee', '2026-05-01');
    expect(world.close('2026-05-01').lines).toEqual([]);
  });
});

describe('full proration', () => {
  it('charges a full SKU whole for any presence, a same-day add and remove included', () => {
    const world = acme()
      .add('support', '2026-04-30', { customer: 'acme', kind: 'plan', service: 'support' })
      .add('trial', '2026-04-07', { customer: 'acme', kind: 'plan', service: 'support', product: 'trial' })
      .remove('trial', '2026-04-07');
    // support: 1 day (30 Apr) of 30, still 100.00 whole; trial: 0 days, present: 100.00 whole.
    expect(world.close('2026-04-01').lines).toEqual([
      'acme | - | SUPPORT | 2026-04-07..2026-04-07 | 0/30 | 1 x 100 = 100.00',
      'acme | - | SUPPORT | 2026-04-30..2026-05-01 | 1/30 | 1 x 100 = 100.00',
    ]);
  });

  it('charges it once, on its first billable part, however a rule splits it', () => {
    const world = acme()
      .add('support', '2026-01-01', { customer: 'acme', kind: 'plan', service: 'support' })
      .rule({ name: 'Paused 10..19 Mar', from: '2026-03-10', to: '2026-03-19', customer: 'acme' })
      .rule({ name: 'Live from 5 Mar', to: '2026-03-04', customer: 'acme' });
    // Rules cut March at 5, 10 and 20 Mar: 1..4 not billable, 5..9 billable (100.00, the first
    // billable part), 10..19 not billable, 20..31 billable but already charged (0.00).
    const march = world.close('2026-03-01');
    expect(march.lines).toEqual([
      'acme | - | SUPPORT | 2026-03-01..2026-03-05 | 4/31 | 1 x 100 = 0.00 | carried over, not billable: Live from 5 Mar',
      'acme | - | SUPPORT | 2026-03-05..2026-03-10 | 5/31 | 1 x 100 = 100.00',
      'acme | - | SUPPORT | 2026-03-10..2026-03-20 | 10/31 | 1 x 100 = 0.00 | not billable: Paused 10..19 Mar',
      'acme | - | SUPPORT | 2026-03-20..2026-04-01 | 12/31 | 1 x 100 = 0.00',
    ]);
    expect(march.totals).toEqual({ items: 4, billableItems: 2, total: '100.00' });
  });
});

describe('a go-live and a departure rule', () => {
  // Mirrors test/engine/go-live-and-departure.test.ts (March: Newco and Oldco).
  it('bills Newco from go-live and Oldco until it left, the full SKU once on its billable part', () => {
    const world = new World()
      .sku('E3', { vendor: 'Microsoft', price: '31.00', maps: [['plan', 'm365', 'E3']] })
      .sku('SUPPORT', {
        vendor: 'MSP',
        price: '100.00',
        proration: 'full',
        maps: [['plan', 'support', null]],
      })
      .customer('newco', { name: 'Newco' })
      .customer('oldco', { name: 'Oldco' })
      .user('nina', 'nina@newco.example')
      .user('otto', 'otto@oldco.example')
      .add('newco-support', '2026-02-20', {
        customer: 'newco',
        kind: 'plan',
        service: 'support',
        product: 'standard',
      })
      .add('nina', '2026-02-20', {
        customer: 'newco',
        user: 'nina',
        kind: 'plan',
        service: 'm365',
        product: 'E3',
      })
      .add('oldco-support', '2025-01-01', {
        customer: 'oldco',
        kind: 'plan',
        service: 'support',
        product: 'standard',
      })
      .add('otto', '2025-01-01', {
        customer: 'oldco',
        user: 'otto',
        kind: 'plan',
        service: 'm365',
        product: 'E3',
      })
      .rule({ name: 'Newco goes live 10 Mar', to: '2026-03-09', customer: 'newco' })
      .rule({ name: 'Oldco left on 20 Mar', from: '2026-03-20', customer: 'oldco' });
    // Newco: 1..9 Mar not billable; 10 Mar..1 Apr (22 days) E3 31.00 x 22/31 = 22.00, SUPPORT 100.00.
    // Oldco: 1..19 Mar (19 days) E3 31.00 x 19/31 = 19.00, SUPPORT 100.00; from 20 Mar not billable.
    expect(world.close('2026-03-01').lines).toEqual([
      'newco | - | SUPPORT | 2026-03-01..2026-03-10 | 9/31 | 1 x 100 = 0.00 | carried over, not billable: Newco goes live 10 Mar',
      'newco | - | SUPPORT | 2026-03-10..2026-04-01 | 22/31 | 1 x 100 = 100.00',
      'newco | nina@newco.example | E3 | 2026-03-01..2026-03-10 | 9/31 | 1 x 31 = 0.00 | carried over, not billable: Newco goes live 10 Mar',
      'newco | nina@newco.example | E3 | 2026-03-10..2026-04-01 | 22/31 | 1 x 31 = 22.00',
      'oldco | - | SUPPORT | 2026-03-01..2026-03-20 | 19/31 | 1 x 100 = 100.00 | carried over',
      'oldco | - | SUPPORT | 2026-03-20..2026-04-01 | 12/31 | 1 x 100 = 0.00 | not billable: Oldco left on 20 Mar',
      'oldco | otto@oldco.example | E3 | 2026-03-01..2026-03-20 | 19/31 | 1 x 31 = 19.00 | carried over',
      'oldco | otto@oldco.example | E3 | 2026-03-20..2026-04-01 | 12/31 | 1 x 31 = 0.00 | not billable: Oldco left on 20 Mar',
    ]);
  });
});
