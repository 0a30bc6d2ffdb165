import { describe, expect, it } from 'vitest';
import { closeFirings, periodEndedBefore } from '../../billing/close-calendar.js';
import { addDays, localDateParts } from '../../billing/dates.js';
import { type PeriodConfig, periodsBetween } from '../../billing/periods.js';

const configs: PeriodConfig[] = [
  { mode: 'calendar' },
  ...[1, 15, 25, 27, 28, 29, 30, 31].map((day) => ({ mode: 'fixed_day' as const, day })),
  ...[0, 1, 3, 27].map((day) => ({ mode: 'days_before_end' as const, day })),
];

/** Every local date from `from` to `to` inclusive on which the calendar fires. */
function firingDates(firings: ReturnType<typeof closeFirings>, from: string, to: string): string[] {
  const dates: string[] = [];
  for (let date = from; date <= to; date = addDays(date, 1)) {
    const { month, day } = localDateParts(date);
    if (firings.some((f) => f.dayOfMonth === day && f.months.includes(month))) dates.push(date);
  }
  return dates;
}

describe('closeFirings', () => {
  it('calendar closes on the 1st of every month', () => {
    expect(closeFirings([{ mode: 'calendar' }])).toEqual([
      { dayOfMonth: 1, months: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] },
    ]);
  });

  it('fixed_day 30 closes on the 31st of long months and the 1st after short ones', () => {
    expect(closeFirings([{ mode: 'fixed_day', day: 30 }])).toEqual([
      { dayOfMonth: 1, months: [3, 5, 7, 10, 12] },
      { dayOfMonth: 31, months: [1, 3, 5, 7, 8, 10, 12] },
    ]);
  });

  it('days_before_end 3 closes the day after last-3, with both February candidates', () => {
    // 31-day months end on the 28th, 30-day months on the 27th, February on the 25th or (leap) 26th.
    expect(closeFirings([{ mode: 'days_before_end', day: 3 }])).toEqual([
      { dayOfMonth: 26, months: [2] },
      { dayOfMonth: 27, months: [2] },
      { dayOfMonth: 28, months: [4, 6, 9, 11] },
      { dayOfMonth: 29, months: [1, 3, 5, 7, 8, 10, 12] },
    ]);
  });

  for (const config of configs) {
    it(`${JSON.stringify(config)}: fires the day after every period end of 2026..2029, and skips only extras`, () => {
      const history = [{ effectiveFrom: '2020-01-01', config }];
      const ends = periodsBetween(history, '2026-01-01', '2029-12-31').map((period) => period.end);
      const firedOn = firingDates(closeFirings([config]), '2026-01-02', '2030-01-01');
      const closed = firedOn.map((date) => periodEndedBefore(history, date)).filter((end) => end !== null);
      const wanted = ends.filter((end) => end >= '2026-01-01' && end <= '2029-12-31');
      expect(closed).toEqual(wanted);
      // The superset costs at most one idle firing a year (February in leap vs non-leap years).
      expect(firedOn.length - closed.length).toBeLessThanOrEqual(4);
    });
  }

  it('a mode change fires for both rhythms around the change and closes each period once', () => {
    const history = [
      { effectiveFrom: '2020-01-01', config: { mode: 'fixed_day', day: 25 } as PeriodConfig },
      { effectiveFrom: '2028-02-26', config: { mode: 'calendar' } as PeriodConfig },
    ];
    const firings = closeFirings(history.map((h) => h.config));
    const closed = firingDates(firings, '2028-01-01', '2028-04-30')
      .map((date) => periodEndedBefore(history, date))
      .filter((end) => end !== null);
    // Fires on 26 Jan, 26 Feb, 1 Mar and 1 Apr; the leap February's calendar stub is 26..29 Feb.
    expect(closed).toEqual(['2028-01-25', '2028-02-25', '2028-02-29', '2028-03-31']);
  });
});
