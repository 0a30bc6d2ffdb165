import { describe, expect, test } from 'vitest';
import {
  activeSpanOfDates,
  instantToLocalDate,
  isInPeriod,
  type Period,
  type RecurringCharge,
  recurringAmount,
  roundHalfUp,
  usageAmount,
} from '../../billing/index.js';

const march: Period = { start: '2026-03-01', end: '2026-03-31' };
const paris = 'Europe/Paris';
const at = (instant: string) => new Date(instant);

// Instants become local dates in the database (`at time zone`); these tests convert them here.
const activeSpan = (
  startedAt: Date,
  endedAt: Date | null,
  period: { start: string; end: string },
  zone: string,
) =>
  activeSpanOfDates(
    instantToLocalDate(startedAt, zone),
    endedAt === null ? null : instantToLocalDate(endedAt, zone),
    period,
  );
const usageBelongsToPeriod = (occurredAt: Date, period: { start: string; end: string }, zone: string) =>
  isInPeriod(instantToLocalDate(occurredAt, zone), period);

describe('activeSpan (Europe/Paris, March 2026)', () => {
  test.each<[string, string, string | null, [string, string, number] | null]>([
    ['active all period', '2026-01-10T09:00:00Z', null, ['2026-03-01', '2026-04-01', 31]],
    ['added mid-period', '2026-03-10T08:00:00Z', null, ['2026-03-10', '2026-04-01', 22]],
    [
      'removed mid-period: removal day not billed',
      '2026-02-01T00:00:00Z',
      '2026-03-15T10:00:00Z',
      ['2026-03-01', '2026-03-15', 14],
    ],
    [
      'added and removed inside',
      '2026-03-05T10:00:00Z',
      '2026-03-07T10:00:00Z',
      ['2026-03-05', '2026-03-07', 2],
    ],
    [
      'added and removed the same day: itemised with 0 days',
      '2026-03-10T08:00:00Z',
      '2026-03-10T17:00:00Z',
      ['2026-03-10', '2026-03-10', 0],
    ],
    [
      'same day, on the last day',
      '2026-03-31T06:00:00Z',
      '2026-03-31T07:00:00Z',
      ['2026-03-31', '2026-03-31', 0],
    ],
    ['removed on the first day: not in this period', '2026-02-10T00:00:00Z', '2026-03-01T08:00:00Z', null],
    ['removed before the period', '2026-01-10T00:00:00Z', '2026-02-20T00:00:00Z', null],
    ['same day in the previous period', '2026-02-20T08:00:00Z', '2026-02-20T09:00:00Z', null],
    ['added after the period', '2026-04-02T08:00:00Z', null, null],
    // 23:30 UTC on 28 Feb is 00:30 on 1 March in Paris.
    [
      'local date, not UTC date, at the start',
      '2026-02-28T23:30:00Z',
      null,
      ['2026-03-01', '2026-04-01', 31],
    ],
    [
      'added 23:30 local on 28 Feb',
      '2026-02-28T22:30:00Z',
      '2026-03-03T10:00:00Z',
      ['2026-03-01', '2026-03-03', 2],
    ],
    // 22:30 UTC on 31 March is 00:30 on 1 April (CEST).
    [
      'removed just after the period',
      '2026-03-20T10:00:00Z',
      '2026-03-31T22:30:00Z',
      ['2026-03-20', '2026-04-01', 12],
    ],
    [
      'removed at the end instant',
      '2026-03-20T10:00:00Z',
      '2026-03-31T22:00:00Z',
      ['2026-03-20', '2026-04-01', 12],
    ],
    ['added on the last evening, local', '2026-03-31T21:59:59Z', null, ['2026-03-31', '2026-04-01', 1]],
    ['added after midnight local is April', '2026-03-31T22:00:00Z', null, null],
  ])('%s', (_name, startedAt, endedAt, expected) => {
    const span = activeSpan(at(startedAt), endedAt === null ? null : at(endedAt), march, paris);
    expect(span).toEqual(
      expected && { activeFrom: expected[0], activeTo: expected[1], daysActive: expected[2] },
    );
  });

  test('refuses an element ending before it starts', () => {
    expect(() => activeSpan(at('2026-03-10T00:00:00Z'), at('2026-03-09T00:00:00Z'), march, paris)).toThrow(
      /ends .* before it starts/,
    );
  });
});

describe('usageBelongsToPeriod', () => {
  test.each([
    ['2026-03-31T21:59:59Z', true],
    ['2026-03-31T22:00:00Z', false],
    ['2026-02-28T23:00:00Z', true],
    ['2026-02-28T22:59:59Z', false],
  ])('usage at %s is in March (Paris): %s', (occurredAt, inMarch) => {
    expect(usageBelongsToPeriod(at(occurredAt), march, paris)).toBe(inMarch);
  });
});

describe('recurringAmount', () => {
  const charge = (overrides: Partial<RecurringCharge>): RecurringCharge => ({
    unitPrice: '10',
    quantity: '1',
    daysActive: 31,
    periodDays: 31,
    proration: 'daily',
    ...overrides,
  });

  test.each<[string, Partial<RecurringCharge>, string, string]>([
    ['whole period', {}, '10', '10.00'],
    ['half of 30 days, 2 units', { quantity: '2', daysActive: 15, periodDays: 30 }, '10', '10.00'],
    ['one day of 31', { daysActive: 1 }, '0.3225806451612903225806451612903225806452', '0.32'],
    [
      'ten days of 28',
      { daysActive: 10, periodDays: 28 },
      '3.571428571428571428571428571428571428571',
      '3.57',
    ],
    ['0 days daily', { daysActive: 0 }, '0', '0.00'],
    ['decimal quantity', { quantity: '1.5', daysActive: 10, periodDays: 30 }, '5', '5.00'],
    ['scale-6 price', { unitPrice: '12.345678', quantity: '3', daysActive: 31 }, '37.037034', '37.04'],
    [
      'exact tie after division rounds up',
      { unitPrice: '0.465', daysActive: 10, periodDays: 30 },
      '0.155',
      '0.16',
    ],
    ['full, whole period', { proration: 'full', quantity: '2' }, '20', '20.00'],
    ['full, one day', { proration: 'full', daysActive: 1 }, '10', '10.00'],
    ['full, 0 days (added and removed the same day)', { proration: 'full', daysActive: 0 }, '10', '10.00'],
    ['full, binary-float trap', { proration: 'full', unitPrice: '0.1', quantity: '3' }, '0.3', '0.30'],
  ])('%s', (_name, overrides, unrounded, rounded) => {
    const amount = recurringAmount(charge(overrides));
    expect(amount).toBe(unrounded);
    expect(roundHalfUp(amount, 2)).toBe(rounded);
  });

  test.each<[Partial<RecurringCharge>, RegExp]>([
    [{ daysActive: 32 }, /days active/],
    [{ daysActive: -1 }, /days active/],
    [{ daysActive: 1.5 }, /days active/],
    [{ periodDays: 0 }, /period length/],
    [{ unitPrice: 'ten' }, /unit price/],
    [{ proration: 'weekly' as 'daily' }, /unknown proration/],
  ])('rejects %o', (overrides, message) => {
    expect(() => recurringAmount(charge(overrides))).toThrow(message);
  });
});

describe('usageAmount', () => {
  test.each([
    ['0.0125', '1000', '12.5'],
    ['0.1', '3', '0.3'],
    ['2.5', '0', '0'],
    ['0.000001', '1234567', '1.234567'],
  ])('%s x %s = %s', (unitPrice, quantity, amount) => {
    expect(usageAmount({ unitPrice, quantity })).toBe(amount);
  });
});
