import { describe, expect, it } from 'vitest';
import { World } from './build.js';

// billing.md, "Billing rules": a matching rule makes the part of an item inside its inclusive dates
// non-billable, splitting it at the rule's boundaries and recording the rule; overlapping rules leave
// a day to the oldest (lowest id) rule (docs/billing-choices.md). Patterns are case-insensitive.
const seat = (customer: string, user: string) => ({
  customer,
  user,
  kind: 'plan' as const,
  service: 'm365',
  product: 'E3',
});

describe('test and demo customers, admin and test users (test/engine/exclusions-and-unmapped.test.ts)', () => {
  it('excludes by tag, name pattern and user pattern; unmapped elements and usage are itemised at 0', () => {
    const world = new World().sku('E3', {
      vendor: 'Microsoft',
      price: '31.00',
      maps: [['plan', 'm365', 'E3']],
    });
    const customer = (ref: string, name: string, users: string[], tags?: string[]) => {
      world.customer(ref, { name, ...(tags ? { tags } : {}) });
      for (const user of users)
        world
          .user(`${ref}-${user}`, `${user}@${ref}.example`)
          .add(`${ref}-${user}`, '2026-01-01', seat(ref, `${ref}-${user}`));
    };
    customer('real', 'Real BV', ['anna', 'admin', 'administrator', 'sysadmin', 'qa.test']);
    customer('acmedemo', 'Acme Demo', ['amy']);
    customer('demo', 'Demo Shop', ['dan']);
    customer('demo2', 'DEMO Corp', ['dora']);
    customer('lab', 'Demo Lab', ['lars'], ['test']);
    world
      .add('m-real', '2026-01-01', { customer: 'real', kind: 'instance', service: 'mystery', product: 'x1' })
      .add('m-lab', '2026-01-01', { customer: 'lab', kind: 'instance', service: 'mystery', product: 'x1' })
      .use('2026-03-10', { customer: 'real', service: 'sms', product: 'premium', quantity: '5' })
      .rule({ name: 'Exclude test customers', customerTag: 'test' })
      .rule({ name: 'Exclude demo customers', customerPattern: 'Demo*' })
      .rule({ name: 'Exclude admin users', userPattern: 'admin*' })
      .rule({ name: 'Exclude test mailboxes', userPattern: '*.test@*' });
    const march = world.close('2026-03-01');
    // 'Demo*' takes 'Demo Shop' and 'DEMO Corp', not 'Acme Demo' (anchored); 'Demo Lab' is tagged test
    // and named Demo*: the oldest rule takes it. 'admin*' takes admin@ and administrator@, not
    // sysadmin@; '*.test@*' takes qa.test@. Unmapped: price 0, flagged.
    expect(march.lines).toEqual([
      'acmedemo | amy@acmedemo.example | E3 | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 31.00 | carried over',
      'demo | dan@demo.example | E3 | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 0.00 | carried over, not billable: Exclude demo customers',
      'demo2 | dora@demo2.example | E3 | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 0.00 | carried over, not billable: Exclude demo customers',
      'lab | - | mystery/x1 | 2026-03-01..2026-04-01 | 31/31 | 1 x 0 = 0.00 | carried over, not billable: Exclude test customers, unmapped',
      'lab | lars@lab.example | E3 | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 0.00 | carried over, not billable: Exclude test customers',
      'real | - | mystery/x1 | 2026-03-01..2026-04-01 | 31/31 | 1 x 0 = 0.00 | carried over, unmapped',
      'real | - | sms/premium | 2026-03-10..2026-03-10 | 0/31 | 5 x 0 = 0.00 | unmapped',
      'real | admin@real.example | E3 | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 0.00 | carried over, not billable: Exclude admin users',
      'real | administrator@real.example | E3 | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 0.00 | carried over, not billable: Exclude admin users',
      'real | anna@real.example | E3 | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 31.00 | carried over',
      'real | qa.test@real.example | E3 | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 0.00 | carried over, not billable: Exclude test mailboxes',
      'real | sysadmin@real.example | E3 | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 31.00 | carried over',
    ]);
    // 31.00 x 3 (amy, anna, sysadmin) = 93.00; 12 items, 5 billable (3 seats and 2 unmapped).
    expect(march.totals).toEqual({ items: 12, billableItems: 5, total: '93.00' });
  });
});

describe('overlapping rules, merged parts and 0-day items', () => {
  function acme(): World {
    return new World()
      .sku('E3', { vendor: 'Microsoft', price: '31.00', maps: [['plan', 'm365', 'E3']] })
      .sku('SMS', { vendor: 'Twilio', price: '0.10', model: 'usage', maps: [['usage', 'sms', null]] })
      .customer('acme', { name: 'Acme' })
      .user('ann', 'ann@acme')
      .add('ann', '2026-01-01', seat('acme', 'ann'));
  }

  it('leaves a day covered by two rules to the lowest id, and merges adjacent parts of one rule', () => {
    const world = acme()
      .rule({ name: 'A 10..20 Mar', from: '2026-03-10', to: '2026-03-20', customer: 'acme' })
      .rule({ name: 'B 15..25 Mar', from: '2026-03-15', to: '2026-03-25', customer: 'acme' })
      // Inside A's dates: its cuts at 12 and 15 Mar leave A's days one part.
      .rule({ name: 'C 12..14 Mar', from: '2026-03-12', to: '2026-03-14', customer: 'acme' });
    // 1..9 Mar billed 9 days 9.00; 10..20 A (11 days); 21..25 B (5 days); 26..31 billed 6 days 6.00.
    expect(world.close('2026-03-01').lines).toEqual([
      'acme | ann@acme | E3 | 2026-03-01..2026-03-10 | 9/31 | 1 x 31 = 9.00 | carried over',
      'acme | ann@acme | E3 | 2026-03-10..2026-03-21 | 11/31 | 1 x 31 = 0.00 | not billable: A 10..20 Mar',
      'acme | ann@acme | E3 | 2026-03-21..2026-03-26 | 5/31 | 1 x 31 = 0.00 | not billable: B 15..25 Mar',
      'acme | ann@acme | E3 | 2026-03-26..2026-04-01 | 6/31 | 1 x 31 = 6.00',
    ]);
  });

  it('takes a 0-day item whole when a rule covers its date, and leaves it when not', () => {
    const world = acme()
      .rule({ name: 'Test day 14 Mar', from: '2026-03-14', to: '2026-03-14', customer: 'acme' })
      .add('trial', '2026-03-14', seat('acme', 'ann'))
      .remove('trial', '2026-03-14')
      .use('2026-03-14', { customer: 'acme', user: 'ann', service: 'sms', quantity: '10' })
      .use('2026-03-15', { customer: 'acme', user: 'ann', service: 'sms', quantity: '10' });
    // The seat of ann is cut at 14 and 15 Mar: 13 + 17 days billed, 13.00 and 17.00.
    expect(world.close('2026-03-01').lines).toEqual([
      'acme | ann@acme | E3 | 2026-03-01..2026-03-14 | 13/31 | 1 x 31 = 13.00 | carried over',
      'acme | ann@acme | E3 | 2026-03-14..2026-03-14 | 0/31 | 1 x 31 = 0.00 | not billable: Test day 14 Mar',
      'acme | ann@acme | E3 | 2026-03-14..2026-03-15 | 1/31 | 1 x 31 = 0.00 | not billable: Test day 14 Mar',
      'acme | ann@acme | E3 | 2026-03-15..2026-04-01 | 17/31 | 1 x 31 = 17.00',
      'acme | ann@acme | SMS | 2026-03-14..2026-03-14 | 0/31 | 10 x 0.1 = 0.00 | not billable: Test day 14 Mar',
      'acme | ann@acme | SMS | 2026-03-15..2026-03-15 | 0/31 | 10 x 0.1 = 1.00',
    ]);
  });
});

describe('a credit keeps the billable parts of what it reverses (test/engine/adjustment-corner-cases.test.ts)', () => {
  it('refunds every day paid for, though a rule edited after approval now covers some of them', () => {
    const world = new World()
      .sku('SEAT', { vendor: 'Microsoft', price: '31.00', maps: [['plan', 'm365', null]] })
      .customer('acme')
      .user('u1', 'u1@acme')
      .user('u2', 'u2@acme')
      .add('u1', '2025-12-01', seat('acme', 'u1'))
      .rule({ name: 'trial', from: '2026-01-01', to: '2026-01-10', customer: 'acme' });
    // The trial covers 1..10 January: 21 of 31 days billed, 21.00.
    expect(world.close('2026-01-01').lines).toEqual([
      'acme | u1@acme | SEAT | 2026-01-01..2026-01-11 | 10/31 | 1 x 31 = 0.00 | carried over, not billable: trial',
      'acme | u1@acme | SEAT | 2026-01-11..2026-02-01 | 21/31 | 1 x 31 = 21.00',
    ]);
    world.approve('2026-01-01');
    // After approval the trial is extended to 20 January (a rule edit keeps its id), then late news:
    // u1's seat ended on 6 January, and u2 has had one since 15 January.
    world
      .editRule('trial', { to: '2026-01-20' })
      .remove('u1', '2026-01-06')
      .add('u2', '2026-01-15', seat('acme', 'u2'));
    const february = world.close('2026-02-01');
    //   u1 credit 6 Jan..1 Feb, cut as January billed it: 6..11 was the trial's (0.00),
    //      11 Jan..1 Feb was paid: -1 x 31.00 x 21/31                          = -21.00
    //   u2 charge 15 Jan..1 Feb under today's trial (to 20 Jan): 15..21 not billable,
    //      21 Jan..1 Feb: 31.00 x 11/31                                         =  11.00
    //   u2 carried 28/28                                                       =  31.00
    expect(february.lines).toEqual([
      'acme | u1@acme | SEAT | 2026-01-06..2026-01-11 | 5/31 | -1 x 31 = 0.00 | not billable: trial, adjusts 2026-01-01..2026-01-31',
      'acme | u1@acme | SEAT | 2026-01-11..2026-02-01 | 21/31 | -1 x 31 = -21.00 | adjusts 2026-01-01..2026-01-31',
      'acme | u2@acme | SEAT | 2026-02-01..2026-03-01 | 28/28 | 1 x 31 = 31.00 | carried over',
      'acme | u2@acme | SEAT | 2026-01-15..2026-01-21 | 6/31 | 1 x 31 = 0.00 | not billable: trial, adjusts 2026-01-01..2026-01-31',
      'acme | u2@acme | SEAT | 2026-01-21..2026-02-01 | 11/31 | 1 x 31 = 11.00 | adjusts 2026-01-01..2026-01-31',
    ]);
    expect(february.totals).toEqual({ items: 5, billableItems: 3, total: '21.00' });
  });
});
