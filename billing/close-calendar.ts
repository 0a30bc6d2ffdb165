import { addDays, type LocalDate, localDateParts } from './dates.js';
import {
  type ConfigHistory,
  type PeriodConfig,
  periodContainingWithHistory,
  periodEndInMonth,
} from './periods.js';

/**
 * When to close: the local day after each period end. Schedule calendars can say "day 31 of these
 * months" but not "the last day" or "N days before the end", so the firing days are the union, over
 * a leap and a non-leap year, of (month, day) after every period end. That union is exact for most
 * modes; where February differs between the two years it holds one extra day a year, which
 * `closesPeriod` recognises as "no period ended yesterday" and skips.
 */
export interface CloseFiring {
  dayOfMonth: number;
  months: number[];
}

const NON_LEAP_YEAR = 2027;
const LEAP_YEAR = 2028;

export function closeFirings(configs: readonly PeriodConfig[]): CloseFiring[] {
  const monthsByDay = new Map<number, Set<number>>();
  for (const config of configs) {
    for (const year of [NON_LEAP_YEAR, LEAP_YEAR]) {
      for (let month = 1; month <= 12; month++) {
        const { month: fireMonth, day } = localDateParts(addDays(periodEndInMonth(config, year, month), 1));
        const months = monthsByDay.get(day) ?? new Set<number>();
        months.add(fireMonth);
        monthsByDay.set(day, months);
      }
    }
  }
  return [...monthsByDay.entries()]
    .sort(([a], [b]) => a - b)
    .map(([dayOfMonth, months]) => ({ dayOfMonth, months: [...months].sort((a, b) => a - b) }));
}

/** The period that ended the day before `firedOn` (a local date), or null when none did. */
export function periodEndedBefore(history: ConfigHistory, firedOn: LocalDate): LocalDate | null {
  const yesterday = addDays(firedOn, -1);
  return periodContainingWithHistory(history, yesterday).end === yesterday ? yesterday : null;
}
