import { describe, expect, test } from 'vitest';
import {
  addDays,
  nextPeriod,
  type PeriodConfig,
  periodContaining,
  periodDays,
  periodEndInMonth,
  periodLabel,
  periodsBetween,
  validatePeriodConfig,
} from '../../billing/index.js';

const calendar: PeriodConfig = { mode: 'calendar' };
const fixedDay = (day: number): PeriodConfig => ({ mode: 'fixed_day', day });
const daysBeforeEnd = (day: number): PeriodConfig => ({ mode: 'days_before_end', day });

const everyConfig: [string, PeriodConfig][] = [
  ['calendar', calendar],
  ...[1, 15, 25, 28, 29, 30, 31].map((d): [string, PeriodConfig] => [`fixed_day ${d}`, fixedDay(d)]),
  ...[0, 3, 27].map((n): [string, PeriodConfig] => [`days_before_end ${n}`, daysBeforeEnd(n)]),
];

describe.each(everyConfig)('%s', (_name, config) => {
  test.each([2027, 2028])('cuts %i into contiguous periods holding every day exactly once', (year) => {
    const first = `${year}-01-01`;
    const last = `${year}-12-31`;
    const periods = periodsBetween([{ effectiveFrom: '2000-01-01', config }], first, last);
    periods.slice(1).forEach((period, index) => {
      const previous = periods[index] ?? period;
      expect(period.start).toBe(addDays(previous.end, 1));
      expect(nextPeriod(config, previous)).toEqual(period);
    });
    for (const period of periods) expect(period.end >= period.start).toBe(true);
    expect(new Set(periods.map(periodLabel)).size).toBe(periods.length);
    for (let date = first; date <= last; date = addDays(date, 1)) {
      const holding = periods.filter((p) => p.start <= date && date <= p.end);
      expect(holding).toHaveLength(1);
      expect(periodContaining(config, date)).toEqual(holding[0]);
    }
  });
});

describe('period ends', () => {
  test.each([
    // calendar: month ends of 28 to 31 days
    [calendar, 2027, 2, '2027-02-28'],
    [calendar, 2028, 2, '2028-02-29'],
    [calendar, 2027, 4, '2027-04-30'],
    [calendar, 2027, 1, '2027-01-31'],
    // fixed_day: clamped to the month's last day
    [fixedDay(25), 2026, 2, '2026-02-25'],
    [fixedDay(29), 2027, 2, '2027-02-28'],
    [fixedDay(29), 2028, 2, '2028-02-29'],
    [fixedDay(30), 2027, 2, '2027-02-28'],
    [fixedDay(30), 2028, 2, '2028-02-29'],
    [fixedDay(31), 2027, 2, '2027-02-28'],
    [fixedDay(31), 2028, 2, '2028-02-29'],
    [fixedDay(31), 2027, 4, '2027-04-30'],
    [fixedDay(31), 2027, 5, '2027-05-31'],
    // days_before_end: N days before the last day
    [daysBeforeEnd(3), 2026, 1, '2026-01-28'],
    [daysBeforeEnd(3), 2027, 2, '2027-02-25'],
    // billing.md says "25 Feb in a leap year"; its own rule gives 29 - 3 = 26 (docs/billing-choices.md).
    [daysBeforeEnd(3), 2028, 2, '2028-02-26'],
    [daysBeforeEnd(0), 2028, 2, '2028-02-29'],
    [daysBeforeEnd(27), 2027, 2, '2027-02-01'],
    [daysBeforeEnd(27), 2028, 2, '2028-02-02'],
    [daysBeforeEnd(27), 2027, 1, '2027-01-04'],
  ])('%o ends %i-%i on %s', (config, year, month, end) => {
    expect(periodEndInMonth(config, year, month)).toBe(end);
  });
});

describe('periodContaining', () => {
  test.each([
    ['D=25 (billing.md)', fixedDay(25), '2026-02-10', '2026-01-26', '2026-02-25', 31],
    ['D=25 first day', fixedDay(25), '2026-01-26', '2026-01-26', '2026-02-25', 31],
    ['D=25 last day', fixedDay(25), '2026-01-25', '2025-12-26', '2026-01-25', 31],
    ['D=1', fixedDay(1), '2027-02-01', '2027-01-02', '2027-02-01', 31],
    ['D=15', fixedDay(15), '2027-03-01', '2027-02-16', '2027-03-15', 28],
    ['D=28 leap Feb', fixedDay(28), '2028-02-29', '2028-02-29', '2028-03-28', 29],
    ['D=28 non-leap Feb', fixedDay(28), '2027-03-01', '2027-03-01', '2027-03-28', 28],
    ['D=29 leap', fixedDay(29), '2028-02-10', '2028-01-30', '2028-02-29', 31],
    ['D=29 non-leap', fixedDay(29), '2027-02-10', '2027-01-30', '2027-02-28', 30],
    ['D=29 after short Feb', fixedDay(29), '2027-03-01', '2027-03-01', '2027-03-29', 29],
    ['D=30 leap', fixedDay(30), '2028-02-29', '2028-01-31', '2028-02-29', 30],
    ['D=30 non-leap', fixedDay(30), '2027-02-28', '2027-01-31', '2027-02-28', 29],
    ['D=30 March', fixedDay(30), '2027-03-31', '2027-03-31', '2027-04-30', 31],
    ['D=31 = calendar', fixedDay(31), '2027-02-14', '2027-02-01', '2027-02-28', 28],
    ['calendar leap Feb', calendar, '2028-02-14', '2028-02-01', '2028-02-29', 29],
    ['calendar year end', calendar, '2027-12-31', '2027-12-01', '2027-12-31', 31],
    ['N=3 January (billing.md)', daysBeforeEnd(3), '2026-01-28', '2025-12-29', '2026-01-28', 31],
    ['N=3 leap Feb', daysBeforeEnd(3), '2028-02-26', '2028-01-29', '2028-02-26', 29],
    ['N=3 non-leap Feb', daysBeforeEnd(3), '2027-02-25', '2027-01-29', '2027-02-25', 28],
    ['N=3 after leap Feb', daysBeforeEnd(3), '2028-02-27', '2028-02-27', '2028-03-28', 31],
    ['N=0 = calendar', daysBeforeEnd(0), '2027-02-28', '2027-02-01', '2027-02-28', 28],
    ['N=27 non-leap', daysBeforeEnd(27), '2027-01-20', '2027-01-05', '2027-02-01', 28],
    ['N=27 leap', daysBeforeEnd(27), '2028-02-03', '2028-02-03', '2028-03-04', 31],
    ['N=27 new year', daysBeforeEnd(27), '2027-01-01', '2026-12-05', '2027-01-04', 31],
  ])('%s: %s is in %s..%s (%i days)', (_name, config, date, start, end, days) => {
    const period = periodContaining(config, date);
    expect(period).toEqual({ start, end });
    expect(periodDays(period)).toBe(days);
  });

  test('nextPeriod starts the day after', () => {
    expect(nextPeriod(fixedDay(25), { start: '2026-01-26', end: '2026-02-25' })).toEqual({
      start: '2026-02-26',
      end: '2026-03-25',
    });
  });
});

describe('periodLabel', () => {
  test.each([
    [{ start: '2026-01-26', end: '2026-02-25' }, '2026-02'],
    [{ start: '2025-12-26', end: '2026-01-25' }, '2026-01'],
    [{ start: '2026-03-01', end: '2026-03-31' }, '2026-03'],
  ])('%o is %s', (period, label) => {
    expect(periodLabel(period)).toBe(label);
  });
});

describe('validatePeriodConfig', () => {
  test.each([fixedDay(1), fixedDay(31), daysBeforeEnd(0), daysBeforeEnd(27), calendar])(
    'accepts %o',
    (config) => {
      expect(validatePeriodConfig(config)).toBe(config);
    },
  );

  test.each([fixedDay(0), fixedDay(32), fixedDay(2.5), daysBeforeEnd(-1), daysBeforeEnd(28)])(
    'rejects %o',
    (config) => {
      expect(() => validatePeriodConfig(config)).toThrow(/must be a whole number/);
    },
  );

  test('rejects an unknown mode', () => {
    expect(() => validatePeriodConfig({ mode: 'weekly' } as unknown as PeriodConfig)).toThrow(
      /unknown period mode/,
    );
  });
});
