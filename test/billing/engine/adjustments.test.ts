import { describe, expect, it } from 'vitest';
import {
  adjustablePeriods,
  adjustedKeys,
  lateElementIds,
  stageItems,
} from '../../../billing/engine/index.js';
import { World } from './build.js';
import { billedParts } from './ledger.js';

// Issue 11, point 5, and test/engine/adjustment-{residuals,corner-cases}.test.ts without the
// database: an adjustment is priced as the adjusted period charged, and exactly one open period
// bills a late entry, whatever order periods were opened and approved in.
const january = 'adjusts 2026-01-01..2026-01-31';
const seat = (customer: string, user: string) => ({
  customer,
  user,
  kind: 'plan' as const,
  service: 'm365',
  product: 'E3',
});

describe('an adjustment is priced as the adjusted period charged', () => {
  it("credits e1's seat at the 25.00 the reseller's volume band charged in January, after e1 moved", () => {
    const world = new World()
      // Volume: 31.00 a seat, 25.00 each from the third.
      .sku('E3', {
        vendor: 'Microsoft',
        price: '31.00',
        scheme: 'volume',
        tiers: [[3, '25.00']],
        maps: [['plan', 'm365', 'E3']],
      })
      .customer('res', { name: 'Res' })
      .customer('end1', { name: 'End1', parent: 'res' })
      .user('r1', 'r1@res')
      .user('r2', 'r2@res')
      .user('e1', 'e1@end1')
      .add('r1', '2025-12-01', seat('res', 'r1'))
      .add('r2', '2025-12-01', seat('res', 'r2'))
      .add('e1', '2025-12-01', seat('end1', 'e1'));
    // January: res is invoiced for 3 seats, 25.00 each.
    expect(world.close('2026-01-01').totals.total).toBe('75.00');
    world.approve('2026-01-01');
    // end1 leaves the reseller and pays for itself; then e1's seat is found to have ended on 21 Jan.
    world.move('end1', { relationship: 'direct' }).remove('e1', '2026-01-21');
    const feb = world.close('2026-02-01');
    // The credit returns what January charged res for 21..31 Jan: -25.00 x 11/31 = -8.87, not the
    // -11.00 of end1's own single seat at 31.00. It is invoiced to end1 now (February's tree).
    expect(feb.lines).toEqual([
      `end1 | e1@end1 | E3 | 2026-01-21..2026-02-01 | 11/31 | -1 x 25 = -8.87 | ${january}`,
      'res | r1@res | E3 | 2026-02-01..2026-03-01 | 28/28 | 1 x 31 = 31.00 | carried over',
      'res | r2@res | E3 | 2026-02-01..2026-03-01 | 28/28 | 1 x 31 = 31.00 | carried over',
    ]);
    const credit = feb.items.find((item) => item.adjustsPeriodId !== null);
    expect(credit?.invoiceToId).toBe(world.customerId('end1'));
  });

  it('credits a tiered SKU at what was charged, though nothing of it is held in the billing period', () => {
    const world = new World()
      // Below the first band the base price (0) applies; from 1 unit on, 10.00 a unit.
      .sku('CRM', {
        vendor: 'Acme Soft',
        price: '0',
        scheme: 'tiered',
        tiers: [[1, '10.00']],
        maps: [['plan', 'crm', null]],
      })
      .customer('acme')
      .customer('beta')
      .add('acme', '2025-12-01', { customer: 'acme', kind: 'plan', service: 'crm', product: 'pro' });
    expect(world.close('2026-01-01').lines).toEqual([
      'acme | - | CRM | 2026-01-01..2026-02-01 | 31/31 | 1 x 10 = 10.00 | carried over',
    ]);
    world.approve('2026-01-01');
    world
      .remove('acme', '2026-01-11')
      .add('beta', '2026-01-21', { customer: 'beta', kind: 'plan', service: 'crm', product: 'pro' })
      .remove('beta', '2026-01-26');
    const february = world.close('2026-02-01');
    //   acme: credit 11 Jan..1 Feb at January's 10.00: -1 x 10.00 x 21/31 = -6.774 -> -6.77
    //   beta: nothing of CRM in January or February; its 1 unit reaches the 10.00 band:
    //         5 days, 10.00 x 5/31 = 1.6129 -> 1.61
    expect(february.lines).toEqual([
      `acme | - | CRM | 2026-01-11..2026-02-01 | 21/31 | -1 x 10 = -6.77 | ${january}`,
      `beta | - | CRM | 2026-01-21..2026-01-26 | 5/31 | 1 x 10 = 1.61 | ${january}`,
    ]);
    expect(february.totals).toEqual({ items: 2, billableItems: 2, total: '-5.16' });
  });
});

describe('late entries and presence (docs/billing-choices.md, "Late entries and full")', () => {
  it('makes no item for a late daily same-day add and remove, credits a full SKU removed on the first day', () => {
    const world = new World()
      .sku('SEAT', { vendor: 'Microsoft', price: '31.00', maps: [['plan', 'm365', null]] })
      .sku('CTX', {
        vendor: 'Citrix',
        price: '50.00',
        proration: 'full',
        maps: [['application', 'citrix', null]],
      })
      .customer('acme')
      .add('ctx', '2025-12-01', { customer: 'acme', kind: 'application', service: 'citrix' });
    // January: the desktop is present, 50.00 whole.
    expect(world.close('2026-01-01').totals.total).toBe('50.00');
    world.approve('2026-01-01');
    // Late: a seat added and removed on 14 Jan (0 days: 0.00, so no item), and the desktop in fact
    // removed on 1 Jan, January's first day: absent from January, credited whole.
    world
      .add('trial', '2026-01-14', { customer: 'acme', kind: 'plan', service: 'm365' })
      .remove('trial', '2026-01-14')
      .remove('ctx', '2026-01-01');
    const february = world.close('2026-02-01');
    expect(february.lines).toEqual([
      `acme | - | CTX | 2026-01-01..2026-02-01 | 31/31 | -1 x 50 = -50.00 | ${january}`,
    ]);
    expect(february.totals).toEqual({ items: 1, billableItems: 1, total: '-50.00' });
  });

  it('does not let adjustments move the tiers of the period that bills them', () => {
    const world = new World()
      // Volume: 10.00 a unit, 6.00 each from the 5th.
      .sku('BACKUP', {
        vendor: 'Acronis',
        price: '10.00',
        scheme: 'volume',
        tiers: [[5, '6.00']],
        maps: [['instance', 'backup', null]],
      })
      .customer('acme')
      .add('b1', '2025-12-01', { customer: 'acme', kind: 'instance', service: 'backup', quantity: '2' });
    world.close('2026-01-01');
    world.approve('2026-01-01');
    // Late: 4 more units from 1 to 11 January. January billed 2 units at 10.00; the late units are
    // charged at that price (4 x 10.00 x 10/31 = 12.903 -> 12.90), and February's own 2 units
    // stay at 10.00 (2 units held, not 6): 2 x 10.00 x 28/28 = 20.00.
    world
      .add('b2', '2026-01-01', { customer: 'acme', kind: 'instance', service: 'backup', quantity: '4' })
      .remove('b2', '2026-01-11');
    expect(world.close('2026-02-01').lines).toEqual([
      'acme | - | BACKUP | 2026-02-01..2026-03-01 | 28/28 | 2 x 10 = 20.00 | carried over',
      `acme | - | BACKUP | 2026-01-01..2026-01-11 | 10/31 | 4 x 10 = 12.90 | ${january}`,
    ]);
  });
});

describe('one open period bills each late entry', () => {
  function acme(): World {
    return new World()
      .sku('E3', { vendor: 'Microsoft', price: '31.00', maps: [['plan', 'm365', 'E3']] })
      .customer('acme')
      .user('u1', 'u1@acme')
      .user('u2', 'u2@acme')
      .user('u3', 'u3@acme')
      .add('u1', '2025-12-01', seat('acme', 'u1'));
  }

  it('bills a January late seat once, in February, though March was opened first', () => {
    const world = acme();
    world.close('2026-01-01');
    world.approve('2026-01-01').add('u2', '2026-01-20', seat('acme', 'u2'));
    // A March preview before February is opened: February, not yet approved, will bill January's news.
    const marchLines = [
      'acme | u1@acme | E3 | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 31.00 | carried over',
      'acme | u2@acme | E3 | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 31.00 | carried over',
    ];
    expect(world.close('2026-03-01').lines).toEqual(marchLines);
    expect(world.close('2026-02-01').lines).toEqual([
      'acme | u1@acme | E3 | 2026-02-01..2026-03-01 | 28/28 | 1 x 31 = 31.00 | carried over',
      'acme | u2@acme | E3 | 2026-02-01..2026-03-01 | 28/28 | 1 x 31 = 31.00 | carried over',
      `acme | u2@acme | E3 | 2026-01-20..2026-02-01 | 12/31 | 1 x 31 = 12.00 | ${january}`,
    ]);
    // February approved, March computed again: the seat was billed once, nothing is left to adjust.
    world.approve('2026-02-01');
    expect(world.close('2026-03-01').lines).toEqual(marchLines);
  });

  it('bills March for a seat dated in January once February was approved before January', () => {
    const world = acme();
    world.close('2026-01-01');
    expect(world.close('2026-02-01').totals.total).toBe('31.00');
    world.approve('2026-02-01');
    // u2's seat from 1 January: not late for January (open), but February billed without it.
    world.add('u2', '2026-01-01', seat('acme', 'u2'));
    expect(world.close('2026-01-01').totals).toEqual({ items: 2, billableItems: 2, total: '62.00' });
    world.approve('2026-01-01');
    const march = world.close('2026-03-01');
    //   u1, u2 carried 31/31: 31.00 each; u2 in February, never billed: 31.00 x 28/28 = 31.00
    expect(march.lines).toEqual([
      'acme | u1@acme | E3 | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 31.00 | carried over',
      'acme | u2@acme | E3 | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 31.00 | carried over',
      'acme | u2@acme | E3 | 2026-02-01..2026-03-01 | 28/28 | 1 x 31 = 31.00 | adjusts 2026-02-01..2026-02-28',
    ]);
    expect(march.totals).toEqual({ items: 3, billableItems: 3, total: '93.00' });
  });
});

describe('adjustablePeriods', () => {
  const period = (id: number, start: string, end: string, status: string) => ({
    id,
    start,
    end,
    status,
    seenThrough: id * 10,
  });

  it('offers every approved period the chain of approved periods up to this one reaches', () => {
    const periods = [
      period(1, '2026-01-01', '2026-01-31', 'approved'),
      period(2, '2026-02-01', '2026-02-28', 'exported'),
    ];
    expect(adjustablePeriods('2026-03-01', periods)).toEqual([
      { id: 1, start: '2026-01-01', end: '2026-01-31', seenThrough: 10 },
      { id: 2, start: '2026-02-01', end: '2026-02-28', seenThrough: 20 },
    ]);
  });

  it('stops at a gap not approved: the open period after the approved one adjusts it, no later one', () => {
    const periods = [
      period(1, '2026-01-01', '2026-01-31', 'approved'),
      period(2, '2026-02-01', '2026-02-28', 'awaiting_approval'),
      period(3, '2026-03-01', '2026-03-31', 'approved'),
    ];
    // February adjusts January; April adjusts March only; March (approved) is past.
    expect(adjustablePeriods('2026-02-01', periods).map((p) => p.id)).toEqual([1]);
    expect(adjustablePeriods('2026-04-01', periods).map((p) => p.id)).toEqual([3]);
    // A period not opened yet is a gap too: May, before April exists, adjusts nothing.
    expect(adjustablePeriods('2026-05-01', periods)).toEqual([]);
  });

  it('reads periods in any order and ignores those starting at or after this one', () => {
    const periods = [
      period(3, '2026-03-01', '2026-03-31', 'approved'),
      period(1, '2026-01-01', '2026-01-31', 'approved'),
      period(2, '2026-02-01', '2026-02-28', 'approved'),
    ];
    expect(adjustablePeriods('2026-03-01', periods).map((p) => p.id)).toEqual([1, 2]);
  });
});

describe('lateElementIds and adjustedKeys (the two-phase load)', () => {
  it('names the elements changed after an approved period looked, and the (period, customer) pairs to price', () => {
    const world = new World()
      .sku('E3', { vendor: 'Microsoft', price: '31.00', maps: [['plan', 'm365', 'E3']] })
      .customer('acme')
      .customer('beta')
      .user('u1', 'u1@acme')
      .user('u2', 'u2@acme')
      .user('b1', 'b1@beta')
      .add('u1', '2025-12-01', seat('acme', 'u1'))
      .add('b1', '2025-12-01', seat('beta', 'b1'));
    world.close('2026-01-01');
    world.approve('2026-01-01');
    // Late for January: u1 ended on 21 Jan, u2 started on 5 Jan, b1 ended on 10 Jan; u2's start on
    // 3 Feb is not about January.
    world
      .remove('u1', '2026-01-21')
      .add('u2', '2026-01-05', seat('acme', 'u2'))
      .remove('b1', '2026-01-10')
      .add('u3', '2026-02-03', seat('acme', 'u2'));
    const january = world.periods[0]?.id as number;
    const tree = new Map([
      [world.customerId('acme'), world.customerId('acme')],
      [world.customerId('beta'), world.customerId('beta')],
    ]);
    // One shard holding acme only: beta's element is another shard's.
    const inputs = world.inputs('2026-02-01', '2026-02-28', tree, new Set([world.customerId('acme')]));
    expect(lateElementIds(inputs)).toEqual([world.elementId('u1'), world.elementId('u2')]);
    const staged = stageItems(inputs, billedParts(world.periods, lateElementIds(inputs)));
    expect(
      staged.filter((i) => i.adjustsPeriodId !== null).map((i) => [i.activeFrom, i.activeTo, i.quantity]),
    ).toEqual([
      ['2026-01-21', '2026-02-01', '-1'],
      ['2026-01-05', '2026-02-01', '1'],
    ]);
    // u1's credit and u2's charge both adjust January for acme: one pair to look up.
    expect(adjustedKeys(staged)).toEqual([
      { periodId: january, customerId: world.customerId('acme'), invoiceToId: world.customerId('acme') },
    ]);
  });
});

describe('a late removal that leaves a full SKU present only on days a rule excludes', () => {
  // Found by property.test.ts (seed 326797689): a full SKU is "not charged at all when every part is
  // excluded" (docs/billing-choices.md, "Rules"), so presence on a billable day is what flips: here
  // February, knowing everything, charges 0.00, and the 100.00 it billed is credited.
  it('credits what February charged once its only live day is gone', () => {
    const world = new World()
      .sku('SUPPORT', {
        vendor: 'MSP',
        price: '100.00',
        proration: 'full',
        maps: [['plan', 'support', null]],
      })
      .customer('acme')
      .rule({ name: 'Live from 2 Feb', to: '2026-02-01', customer: 'acme' })
      .add('support', '2026-01-09', { customer: 'acme', kind: 'plan', service: 'support' });
    world.close('2026-01-01');
    world.approve('2026-01-01');
    // February: 1 Feb under the rule, 2 Feb..1 Mar live: charged whole on the live part.
    expect(world.close('2026-02-01').lines).toEqual([
      'acme | - | SUPPORT | 2026-02-01..2026-02-02 | 1/28 | 1 x 100 = 0.00 | carried over, not billable: Live from 2 Feb',
      'acme | - | SUPPORT | 2026-02-02..2026-03-01 | 27/28 | 1 x 100 = 100.00',
    ]);
    world.approve('2026-02-01');
    // Late: it ended on 2 Feb. February now holds 1 Feb only, under the rule: nothing to charge.
    world.remove('support', '2026-02-02');
    expect(world.close('2026-03-01').totals.total).toBe('-100.00');
  });
});
