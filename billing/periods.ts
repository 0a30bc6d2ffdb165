import {
  addDays,
  compareLocalDates,
  daysBetween,
  daysInMonth,
  formatLocalDate,
  type LocalDate,
  lastDayOfMonth,
  localDateParts,
  parseLocalDate,
} from './dates.js';

/** Billing periods: how a tenant's configuration cuts the calendar into contiguous periods. */

export type PeriodConfig =
  | { mode: 'calendar' }
  | { mode: 'fixed_day'; day: number }
  | { mode: 'days_before_end'; day: number };

/** Both ends inclusive, local dates in the tenant's zone. */
export type Period = { start: LocalDate; end: LocalDate };

/** A tenant's configurations, each in force for periods starting on or after `effectiveFrom`. */
export type ConfigHistory = { effectiveFrom: LocalDate; config: PeriodConfig }[];

export function validatePeriodConfig(config: PeriodConfig): PeriodConfig {
  switch (config.mode) {
    case 'calendar':
      return config;
    case 'fixed_day':
      if (!Number.isInteger(config.day) || config.day < 1 || config.day > 31) {
        throw new RangeError(`fixed_day period day must be a whole number 1..31, got ${config.day}`);
      }
      return config;
    case 'days_before_end':
      // 27 keeps every month's end inside that month, even in a 28-day February.
      if (!Number.isInteger(config.day) || config.day < 0 || config.day > 27) {
        throw new RangeError(`days_before_end period day must be a whole number 0..27, got ${config.day}`);
      }
      return config;
    default:
      throw new RangeError(`unknown period mode '${(config as { mode: unknown }).mode}'`);
  }
}

/** The one date in the month where a period of this configuration ends. */
export function periodEndInMonth(config: PeriodConfig, year: number, month: number): LocalDate {
  validatePeriodConfig(config);
  const monthLength = daysInMonth(year, month);
  switch (config.mode) {
    case 'calendar':
      return lastDayOfMonth(year, month);
    case 'fixed_day':
      return formatLocalDate({ year, month, day: Math.min(config.day, monthLength) });
    case 'days_before_end':
      return formatLocalDate({ year, month, day: monthLength - config.day });
  }
}

/** The first period end of this configuration on or after `date`. */
export function periodEndOnOrAfter(config: PeriodConfig, date: LocalDate): LocalDate {
  const { year, month } = localDateParts(date);
  const endThisMonth = periodEndInMonth(config, year, month);
  if (compareLocalDates(endThisMonth, date) >= 0) return endThisMonth;
  const next = month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
  return periodEndInMonth(config, next.year, next.month);
}

/** The period of a single, never-changed configuration that holds `date`. */
export function periodContaining(config: PeriodConfig, date: LocalDate): Period {
  const end = periodEndOnOrAfter(config, parseLocalDate(date));
  const { year, month } = localDateParts(end);
  const previous = month === 1 ? { year: year - 1, month: 12 } : { year, month: month - 1 };
  return { start: addDays(periodEndInMonth(config, previous.year, previous.month), 1), end };
}

/** The period after `period` under `config`; it starts the day after, whatever cut `period`. */
export function nextPeriod(config: PeriodConfig, period: Period): Period {
  const start = addDays(period.end, 1);
  return { start, end: periodEndOnOrAfter(config, start) };
}

export function periodDays(period: Period): number {
  return daysBetween(period.start, period.end) + 1;
}

/**
 * 'YYYY-MM' of the end date: finance names a period after the month it closes in (26 Jan..25 Feb
 * is February). Unique under one configuration; see docs/billing-choices.md for mode changes.
 */
export function periodLabel(period: Period): string {
  return parseLocalDate(period.end).slice(0, 7);
}

function sortedHistory(history: ConfigHistory): ConfigHistory {
  if (history.length === 0) throw new RangeError('period configuration history is empty');
  const sorted = [...history].sort((a, b) => compareLocalDates(a.effectiveFrom, b.effectiveFrom));
  sorted.forEach((entry, index) => {
    parseLocalDate(entry.effectiveFrom);
    validatePeriodConfig(entry.config);
    const previous = sorted[index - 1];
    if (previous && previous.effectiveFrom === entry.effectiveFrom) {
      throw new RangeError(`two period configurations take effect on ${entry.effectiveFrom}`);
    }
  });
  return sorted;
}

// A run of periods under one configuration: the first starts at `firstStart` (null = the
// configuration's own periods all the way back), the later ones are the configuration's own.
type Regime = { config: PeriodConfig; firstStart: LocalDate | null };

function periodInRegime(regime: Regime, date: LocalDate): Period {
  if (regime.firstStart !== null) {
    const first = { start: regime.firstStart, end: periodEndOnOrAfter(regime.config, regime.firstStart) };
    if (compareLocalDates(date, first.end) <= 0) return first;
  }
  return periodContaining(regime.config, date);
}

/**
 * The period holding `date` when the configuration changed over time. A change takes effect from
 * the first period starting on or after its `effectiveFrom`; that period starts the day after the
 * last old period and ends on the new configuration's first end on or after its start. Dates
 * before the first entry use the first configuration.
 */
export function periodContainingWithHistory(history: ConfigHistory, date: LocalDate): Period {
  parseLocalDate(date);
  const entries = sortedHistory(history);
  const [first] = entries;
  if (!first) throw new RangeError('period configuration history is empty');
  let regime: Regime = { config: first.config, firstStart: null };
  let index = 1;
  while (index < entries.length) {
    const change = entries[index];
    if (!change) break;
    const holdingChange = periodInRegime(regime, change.effectiveFrom);
    const switchDate =
      holdingChange.start === change.effectiveFrom ? holdingChange.start : addDays(holdingChange.end, 1);
    if (compareLocalDates(switchDate, date) > 0) break;
    // Several changes inside one old period: only the latest in force at the switch applies.
    let inForce = index;
    while (true) {
      const later = entries[inForce + 1];
      if (!later || compareLocalDates(later.effectiveFrom, switchDate) > 0) break;
      inForce += 1;
    }
    const config = entries[inForce]?.config ?? change.config;
    regime = { config, firstStart: switchDate };
    index = inForce + 1;
  }
  return periodInRegime(regime, date);
}

/** Every period that holds at least one date of [from, to], in order, contiguous. */
export function periodsBetween(history: ConfigHistory, from: LocalDate, to: LocalDate): Period[] {
  if (compareLocalDates(from, to) > 0) throw new RangeError(`periodsBetween: ${from} is after ${to}`);
  const periods: Period[] = [];
  let period = periodContainingWithHistory(history, from);
  periods.push(period);
  while (compareLocalDates(period.end, to) < 0) {
    period = periodContainingWithHistory(history, addDays(period.end, 1));
    periods.push(period);
  }
  return periods;
}
