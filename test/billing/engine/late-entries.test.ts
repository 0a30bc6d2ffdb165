import { describe, expect, it } from 'vitest';
import { World } from './build.js';

// billing.md, "The change log": an entry dated in an approved period is billed in the next open
// period as an adjustment pointing back at it. Same timeline and figures as
// test/engine/late-entries.test.ts, without the database.
const january = 'adjusts 2026-01-01..2026-01-31';
const february = 'adjusts 2026-02-01..2026-02-28';

function acme(): World {
  const world = new World()
    .sku('SEAT', { vendor: 'Microsoft', price: '31.00', maps: [['plan', 'm365', null]] })
    .sku('CTX', {
      vendor: 'Citrix',
      price: '50.00',
      proration: 'full',
      maps: [['application', 'citrix', null]],
    })
    .sku('SMS', { vendor: 'Twilio', price: '0.10', model: 'usage', maps: [['usage', 'sms', null]] })
    .customer('acme', { name: 'Acme' })
    .user('u1', 'u1@acme')
    .user('u2', 'u2@acme')
    .user('u3', 'u3@acme');
  const seat = (user: string) => ({
    customer: 'acme',
    user,
    kind: 'plan' as const,
    service: 'm365',
    product: 'E3',
  });
  const desktop = (user?: string) => ({
    customer: 'acme',
    ...(user ? { user } : {}),
    kind: 'application' as const,
    service: 'citrix',
    product: 'workspace',
  });
  world
    .add('seat-u1', '2025-12-01', seat('u1'))
    .add('seat-u2', '2025-12-01', seat('u2'))
    .add('ctx-u2', '2025-12-01', desktop('u2'));
  // January: u1 and u2 seats 31.00 each and u2's Citrix 50.00 = 112.00, approved.
  expect(world.close('2026-01-01').totals).toEqual({ items: 3, billableItems: 3, total: '112.00' });
  world.approve('2026-01-01');
  // Then the late news about January arrives.
  return world
    .add('seat-u3', '2026-01-20', seat('u3'))
    .remove('seat-u2', '2026-01-25')
    .add('ctx-u1', '2026-01-28', desktop('u1'))
    .remove('ctx-u2', '2026-01-10')
    .use('2026-01-15', { customer: 'acme', user: 'u1', service: 'sms', product: 'text', quantity: '200' })
    .add('ctx-trial', '2026-01-12', desktop())
    .remove('ctx-trial', '2026-01-12')
    .add('ctx-demo', '2026-01-12', desktop());
}

describe('late entries for an approved period', () => {
  it('charge missing days, credit excess days, flip full presence, bill late usage once', () => {
    const world = acme();
    const feb = world.close('2026-02-01');
    // February has 28 days, January 31; adjustments keep January's length. CTX is full, 50.00 whole.
    //   ctx-demo   carried into February 50.00; late add 12 Jan, absent from January's bill: 50.00
    //   ctx-trial  late, added and removed on 12 Jan: 0 days, but present in January   50.00
    //   u1 CTX     carried 50.00; late add 28 Jan: 50.00
    //   u1 SMS     200 units on 15 Jan, late: 200 x 0.10                             = 20.00
    //   u2 SEAT    late removal 25 Jan: credit 25 Jan..1 Feb, -1 x 31.00 x 7/31        = -7.00
    //   u3 SEAT    carried 28/28 31.00; late add 20 Jan: 31.00 x 12/31                = 12.00
    //   u2 CTX     late removal 10 Jan: still present in January, so no adjustment
    expect(feb.lines).toEqual([
      'acme | - | CTX | 2026-02-01..2026-03-01 | 28/28 | 1 x 50 = 50.00 | carried over',
      `acme | - | CTX | 2026-01-12..2026-01-12 | 0/31 | 1 x 50 = 50.00 | ${january}`,
      `acme | - | CTX | 2026-01-12..2026-02-01 | 20/31 | 1 x 50 = 50.00 | ${january}`,
      'acme | u1@acme | CTX | 2026-02-01..2026-03-01 | 28/28 | 1 x 50 = 50.00 | carried over',
      `acme | u1@acme | CTX | 2026-01-28..2026-02-01 | 4/31 | 1 x 50 = 50.00 | ${january}`,
      'acme | u1@acme | SEAT | 2026-02-01..2026-03-01 | 28/28 | 1 x 31 = 31.00 | carried over',
      `acme | u1@acme | SMS | 2026-01-15..2026-01-15 | 0/31 | 200 x 0.1 = 20.00 | ${january}`,
      `acme | u2@acme | SEAT | 2026-01-25..2026-02-01 | 7/31 | -1 x 31 = -7.00 | ${january}`,
      'acme | u3@acme | SEAT | 2026-02-01..2026-03-01 | 28/28 | 1 x 31 = 31.00 | carried over',
      `acme | u3@acme | SEAT | 2026-01-20..2026-02-01 | 12/31 | 1 x 31 = 12.00 | ${january}`,
    ]);
    // 50.00 x 3 + 50.00 + 50.00 + 31.00 + 20.00 - 7.00 + 31.00 + 12.00 = 337.00
    expect(feb.totals).toEqual({ items: 10, billableItems: 10, total: '337.00' });
  });

  it('are not billed again by March while February is open, nor once February billed them', () => {
    const world = acme();
    world.close('2026-02-01');
    const marchLines = [
      'acme | - | CTX | 2026-03-01..2026-04-01 | 31/31 | 1 x 50 = 50.00 | carried over',
      'acme | u1@acme | CTX | 2026-03-01..2026-04-01 | 31/31 | 1 x 50 = 50.00 | carried over',
      'acme | u1@acme | SEAT | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 31.00 | carried over',
      'acme | u3@acme | SEAT | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 31.00 | carried over',
    ];
    // 50.00 + 50.00 + 31.00 + 31.00 = 162.00, no adjustment: February is the one to bill January's news.
    expect(world.close('2026-03-01').lines).toEqual(marchLines);
    world.approve('2026-02-01');
    const march = world.close('2026-03-01');
    expect(march.lines).toEqual(marchLines);
    expect(march.totals).toEqual({ items: 4, billableItems: 4, total: '162.00' });
  });

  it('credits each of two approved periods for what it billed in excess', () => {
    const world = acme();
    world.close('2026-02-01');
    world.approve('2026-02-01');
    world.remove('seat-u1', '2026-01-29').remove('ctx-u1', '2026-01-30').remove('ctx-demo', '2026-01-12');
    const march = world.close('2026-03-01');
    //   ctx-demo January: present 0 days on 12 Jan, still charged whole, no change; February:
    //            billed whole, now absent: credit -1 x 50.00 whole                  = -50.00
    //   u1 CTX   January: still present 28..29 Jan; February: billed whole, now absent = -50.00
    //   u1 SEAT  January: credit 29 Jan..1 Feb, -1 x 31.00 x 3/31                =  -3.00
    //            February: credit the whole month, -1 x 31.00 x 28/28            = -31.00
    //   u3 SEAT  carried 31/31                                                   =  31.00
    expect(march.lines).toEqual([
      `acme | - | CTX | 2026-02-01..2026-03-01 | 28/28 | -1 x 50 = -50.00 | ${february}`,
      `acme | u1@acme | CTX | 2026-02-01..2026-03-01 | 28/28 | -1 x 50 = -50.00 | ${february}`,
      `acme | u1@acme | SEAT | 2026-01-29..2026-02-01 | 3/31 | -1 x 31 = -3.00 | ${january}`,
      `acme | u1@acme | SEAT | 2026-02-01..2026-03-01 | 28/28 | -1 x 31 = -31.00 | ${february}`,
      'acme | u3@acme | SEAT | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 31.00 | carried over',
    ]);
    // -50.00 - 50.00 - 3.00 - 31.00 + 31.00 = -103.00: a credit for the month.
    expect(march.totals).toEqual({ items: 5, billableItems: 5, total: '-103.00' });
  });

  it('skips late usage an approved period already billed (billed: true)', () => {
    const world = acme();
    world.close('2026-02-01');
    world.approve('2026-02-01');
    const march = world.close('2026-03-01');
    const inputs = world.inputs('2026-03-01', '2026-03-31', march.period.tree, null);
    // The 15 Jan SMS is still late for January, but February (approved) billed it: March adds nothing.
    expect(inputs.lateUsage.map((u) => [u.day, u.quantity, u.billed])).toEqual([['2026-01-15', '200', true]]);
    expect(march.items.filter((i) => i.kind === 'usage')).toEqual([]);
  });
});
