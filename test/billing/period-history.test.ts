import { describe, expect, test } from 'vitest';
import {
  addDays,
  type ConfigHistory,
  compareLocalDates,
  type Period,
  type PeriodConfig,
  periodContainingWithHistory,
  periodEndOnOrAfter,
  periodLabel,
  periodsBetween,
} from '../../billing/index.js';

const calendar: PeriodConfig = { mode: 'calendar' };
const fixedDay = (day: number): PeriodConfig => ({ mode: 'fixed_day', day });
const daysBeforeEnd = (day: number): PeriodConfig => ({ mode: 'days_before_end', day });

const span = (start: string, end: string): Period => ({ start, end });

// The rule itself: contiguous, and each period ends on the first end, on or after its start, of
// the configuration whose effectiveFrom is the latest on or before that start.
function expectFollowsHistory(history: ConfigHistory, periods: Period[]): void {
  periods.slice(1).forEach((period, index) => {
    expect(period.start).toBe(addDays(periods[index]?.end ?? '', 1));
  });
  const sorted = [...history].sort((a, b) => compareLocalDates(a.effectiveFrom, b.effectiveFrom));
  for (const period of periods) {
    const inForce = sorted
      .filter((entry) => compareLocalDates(entry.effectiveFrom, period.start) <= 0)
      .at(-1);
    // Before the first entry, the first configuration applies.
    const config = (inForce ?? sorted[0])?.config ?? calendar;
    expect(period.end).toBe(periodEndOnOrAfter(config, period.start));
  }
}

describe('a mode change takes effect from the next period', () => {
  test.each<[string, ConfigHistory, Period[]]>([
    [
      'calendar -> fixed_day 25 mid-June: June stays whole, July starts the new rhythm',
      [
        { effectiveFrom: '2000-01-01', config: calendar },
        { effectiveFrom: '2027-06-10', config: fixedDay(25) },
      ],
      [span('2027-05-01', '2027-05-31'), span('2027-06-01', '2027-06-30'), span('2027-07-01', '2027-07-25')],
    ],
    [
      'change effective on a period start applies to that period',
      [
        { effectiveFrom: '2000-01-01', config: calendar },
        { effectiveFrom: '2027-06-01', config: fixedDay(25) },
      ],
      [span('2027-05-01', '2027-05-31'), span('2027-06-01', '2027-06-25'), span('2027-06-26', '2027-07-25')],
    ],
    [
      'fixed_day 25 -> calendar: a short stub period closes the gap to the month end',
      [
        { effectiveFrom: '2000-01-01', config: fixedDay(25) },
        { effectiveFrom: '2027-02-01', config: calendar },
      ],
      [span('2027-01-26', '2027-02-25'), span('2027-02-26', '2027-02-28'), span('2027-03-01', '2027-03-31')],
    ],
    [
      'calendar -> days_before_end 27 on 1 Mar',
      [
        { effectiveFrom: '2000-01-01', config: calendar },
        { effectiveFrom: '2027-03-01', config: daysBeforeEnd(27) },
      ],
      [span('2027-02-01', '2027-02-28'), span('2027-03-01', '2027-03-04'), span('2027-03-05', '2027-04-03')],
    ],
    [
      'two changes inside one old period: only the later one takes effect',
      [
        { effectiveFrom: '2000-01-01', config: calendar },
        { effectiveFrom: '2027-06-05', config: fixedDay(10) },
        { effectiveFrom: '2027-06-20', config: fixedDay(20) },
      ],
      [span('2027-06-01', '2027-06-30'), span('2027-07-01', '2027-07-20'), span('2027-07-21', '2027-08-20')],
    ],
    [
      'there and back again: fixed_day 15 for a while, then calendar',
      [
        { effectiveFrom: '2000-01-01', config: calendar },
        { effectiveFrom: '2028-02-10', config: fixedDay(15) },
        { effectiveFrom: '2028-04-01', config: calendar },
      ],
      [
        span('2028-02-01', '2028-02-29'),
        span('2028-03-01', '2028-03-15'),
        span('2028-03-16', '2028-04-15'),
        span('2028-04-16', '2028-04-30'),
        span('2028-05-01', '2028-05-31'),
      ],
    ],
  ])('%s', (_name, history, expected) => {
    const first = expected[0]?.start ?? '';
    const last = expected.at(-1)?.end ?? '';
    const periods = periodsBetween(history, first, last);
    expect(periods).toEqual(expected);
    expectFollowsHistory(history, periods);
    for (const period of expected) {
      for (let date = period.start; date <= period.end; date = addDays(date, 1)) {
        expect(periodContainingWithHistory(history, date)).toEqual(period);
      }
    }
  });
});

describe('histories never leave a gap or an overlap', () => {
  const histories: [string, ConfigHistory][] = [
    [
      'every mode in turn',
      [
        { effectiveFrom: '2026-01-01', config: fixedDay(30) },
        { effectiveFrom: '2026-04-17', config: daysBeforeEnd(27) },
        { effectiveFrom: '2026-09-02', config: fixedDay(1) },
        { effectiveFrom: '2027-02-27', config: calendar },
        { effectiveFrom: '2027-08-31', config: daysBeforeEnd(3) },
        { effectiveFrom: '2028-02-26', config: fixedDay(29) },
      ],
    ],
    [
      'given out of order',
      [
        { effectiveFrom: '2028-01-15', config: fixedDay(31) },
        { effectiveFrom: '2026-01-01', config: fixedDay(15) },
        { effectiveFrom: '2027-03-16', config: daysBeforeEnd(0) },
      ],
    ],
  ];

  test.each(histories)('%s', (_name, history) => {
    const periods = periodsBetween(history, '2026-01-01', '2028-12-31');
    expectFollowsHistory(history, periods);
    for (let date = '2026-01-01'; date <= '2028-12-31'; date = addDays(date, 1)) {
      const holding = periods.filter((p) => p.start <= date && date <= p.end);
      expect(holding).toHaveLength(1);
      expect(periodContainingWithHistory(history, date)).toEqual(holding[0]);
    }
  });
});

describe('edges of the history', () => {
  const history: ConfigHistory = [
    { effectiveFrom: '2027-01-01', config: fixedDay(25) },
    { effectiveFrom: '2027-05-01', config: calendar },
  ];

  test('dates before the first entry use the first configuration', () => {
    expect(periodContainingWithHistory(history, '2026-06-01')).toEqual(span('2026-05-26', '2026-06-25'));
  });

  test('a single entry behaves like its configuration', () => {
    const single: ConfigHistory = [{ effectiveFrom: '2027-01-01', config: fixedDay(25) }];
    expect(periodContainingWithHistory(single, '2027-02-10')).toEqual(span('2027-01-26', '2027-02-25'));
  });

  test('a stub period can share its label with the period before it', () => {
    // Why workflow ids must not rely on the label alone when the mode changes (billing-choices.md).
    const stub: ConfigHistory = [
      { effectiveFrom: '2000-01-01', config: fixedDay(25) },
      { effectiveFrom: '2027-02-01', config: calendar },
    ];
    const labels = periodsBetween(stub, '2027-02-01', '2027-02-28').map(periodLabel);
    expect(labels).toEqual(['2027-02', '2027-02']);
  });

  test.each<[string, ConfigHistory, RegExp]>([
    ['empty history', [], /history is empty/],
    [
      'two entries on one date',
      [
        { effectiveFrom: '2027-01-01', config: calendar },
        { effectiveFrom: '2027-01-01', config: fixedDay(5) },
      ],
      /two period configurations take effect on 2027-01-01/,
    ],
    ['invalid day', [{ effectiveFrom: '2027-01-01', config: fixedDay(40) }], /1\.\.31/],
    ['invalid date', [{ effectiveFrom: '2027-02-30', config: calendar }], /invalid local date/],
  ])('rejects %s', (_name, bad, message) => {
    expect(() => periodContainingWithHistory(bad, '2027-03-01')).toThrow(message);
  });

  test('periodsBetween rejects a reversed range', () => {
    expect(() => periodsBetween(history, '2027-03-01', '2027-02-01')).toThrow(/is after/);
  });
});
