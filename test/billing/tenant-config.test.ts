import { describe, expect, test } from 'vitest';
import {
  currencyOf,
  parseDay,
  periodConfigOf,
  storedTenantProblem,
  TenantConfigError,
  validateTenantConfig,
} from '../../billing/index.js';

/** The refusal as `field: reason`, or the value when there is none. */
function outcome<T>(work: () => T): T | string {
  try {
    return work();
  } catch (error) {
    if (error instanceof TenantConfigError) return `${error.field}: ${error.reason}`;
    throw error;
  }
}

describe("a tenant's configuration", () => {
  test('a valid one comes back canonical, with the currency minor units of ISO 4217', () => {
    expect(
      validateTenantConfig({
        timeZone: 'europe/amsterdam',
        currency: 'JPY',
        periodMode: 'fixed_day',
        periodDay: 20,
      }),
    ).toEqual({
      timeZone: 'Europe/Amsterdam',
      currency: 'JPY',
      currencyMinorUnits: 0,
      period: { mode: 'fixed_day', day: 20 },
    });
    expect(validateTenantConfig({ timeZone: 'UTC', currency: 'EUR', periodMode: 'calendar' })).toEqual({
      timeZone: 'UTC',
      currency: 'EUR',
      currencyMinorUnits: 2,
      period: { mode: 'calendar' },
    });
  });

  test('minor units come from the ISO table, not from CLDR', () => {
    expect(
      ['EUR', 'USD', 'JPY', 'KRW', 'KWD', 'BHD', 'IQD', 'ISK', 'TND'].map((c) => currencyOf(c).minorUnits),
    ).toEqual([2, 2, 0, 0, 3, 3, 3, 0, 3]);
  });

  test.each([
    [{ timeZone: 'Mars/Olympus' }, "timeZone: 'Mars/Olympus' is not an IANA time zone"],
    [{ timeZone: '+05:00' }, "timeZone: '+05:00' is not an IANA time zone"],
    [{ timeZone: '' }, "timeZone: '' is not an IANA time zone"],
    [{ currency: 'eur' }, "currency: 'eur' is not an ISO 4217 code (3 capital letters, e.g. EUR)"],
    [{ currency: 'ABC' }, "currency: 'ABC' is not an ISO 4217 currency"],
    [{ currency: 'XAU' }, "currency: 'XAU' is not an ISO 4217 currency"],
    [{ currencyMinorUnits: 5 }, 'currencyMinorUnits: must be a whole number 0..4, got 5'],
    [{ periodMode: 'weekly' }, "period.mode: 'weekly' is not one of calendar, fixed_day, days_before_end"],
    [{ periodMode: 'fixed_day' }, 'period.day: fixed_day periods need a day (1..31)'],
    [{ periodMode: 'days_before_end' }, 'period.day: days_before_end periods need a day (0..27)'],
    [
      { periodMode: 'fixed_day', periodDay: 0 },
      'period.day: fixed_day period day must be a whole number 1..31, got 0',
    ],
    [
      { periodMode: 'fixed_day', periodDay: 32 },
      'period.day: fixed_day period day must be a whole number 1..31, got 32',
    ],
    [
      { periodMode: 'days_before_end', periodDay: 28 },
      'period.day: days_before_end period day must be a whole number 0..27, got 28',
    ],
    [{ periodMode: 'calendar', periodDay: 1 }, 'period.day: calendar periods take no day'],
  ])('refuses %j', (change, refusal) => {
    expect(
      outcome(() =>
        validateTenantConfig({ timeZone: 'UTC', currency: 'EUR', periodMode: 'calendar', ...change }),
      ),
    ).toBe(refusal);
  });

  test('days_before_end 0 (the last day) is a day, not a missing one', () => {
    expect(periodConfigOf('days_before_end', 0)).toEqual({ mode: 'days_before_end', day: 0 });
  });

  test('a command-line day is digits only', () => {
    expect([parseDay(undefined), parseDay('0'), parseDay(' 31 ')]).toEqual([undefined, 0, 31]);
    expect(outcome(() => parseDay('3x'))).toBe("period.day: '3x' is not a whole number");
    expect(outcome(() => parseDay(''))).toBe("period.day: '' is not a whole number");
  });

  test('a stored row older than the checks is named with its first problem', () => {
    const stored = {
      timeZone: 'UTC',
      currency: 'EUR',
      currencyMinorUnits: 2,
      periods: [{ mode: 'calendar', day: null }],
    };
    expect(storedTenantProblem(stored)).toBeUndefined();
    expect(storedTenantProblem({ ...stored, timeZone: 'Mars/Olympus' })?.message).toBe(
      "timeZone: 'Mars/Olympus' is not an IANA time zone",
    );
    expect(storedTenantProblem({ ...stored, periods: [{ mode: 'fixed_day', day: null }] })?.message).toBe(
      'period.day: fixed_day periods need a day (1..31)',
    );
  });
});
