/**
 * Local dates ('YYYY-MM-DD') and the instants they stand for in a tenant's IANA time zone.
 * Day arithmetic is done on a day count, not on `Date`, so no host time zone or DST can leak in.
 */

/** A calendar date in the tenant's zone, 'YYYY-MM-DD'. */
export type LocalDate = string;

export type LocalDateParts = { year: number; month: number; day: number };

const LOCAL_DATE_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  assertYearMonth(year, month);
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export function lastDayOfMonth(year: number, month: number): LocalDate {
  return formatLocalDate({ year, month, day: daysInMonth(year, month) });
}

/** Returns the date unchanged when valid; throws a message naming the bad value otherwise. */
export function parseLocalDate(value: string): LocalDate {
  localDateParts(value);
  return value;
}

export function localDateParts(value: string): LocalDateParts {
  const match = LOCAL_DATE_SHAPE.exec(value);
  if (!match) throw new RangeError(`invalid local date '${value}': expected YYYY-MM-DD`);
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new RangeError(`invalid local date '${value}': no such day in the calendar`);
  }
  return { year, month, day };
}

export function formatLocalDate({ year, month, day }: LocalDateParts): LocalDate {
  const text = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return parseLocalDate(text);
}

export function addDays(date: LocalDate, days: number): LocalDate {
  if (!Number.isInteger(days)) throw new RangeError(`addDays needs a whole number of days, got ${days}`);
  return fromDayNumber(toDayNumber(date) + days);
}

/** `b - a` in days: positive when b is later. */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return toDayNumber(b) - toDayNumber(a);
}

export function compareLocalDates(a: LocalDate, b: LocalDate): number {
  return daysBetween(b, a);
}

export function minLocalDate(a: LocalDate, b: LocalDate): LocalDate {
  return compareLocalDates(a, b) <= 0 ? a : b;
}

export function maxLocalDate(a: LocalDate, b: LocalDate): LocalDate {
  return compareLocalDates(a, b) >= 0 ? a : b;
}

/** The local date on the wall calendar of `timeZone` at `instant`. */
export function instantToLocalDate(instant: Date, timeZone: string): LocalDate {
  const wall = wallClock(assertInstant(instant), timeZone);
  return formatLocalDate(wall);
}

/**
 * The first instant of local date `date` in `timeZone`: local midnight, or, where the zone skips
 * midnight (a DST jump at 00:00), the first instant that reads as that date. A date the zone
 * skipped entirely (Samoa, 2011-12-30) is empty: it starts where the next date starts.
 */
export function localDateToInstant(date: LocalDate, timeZone: string): Date {
  const midnightAsUtc = toDayNumber(date) * MS_PER_DAY;
  // The offsets a day either side bracket every offset that can apply at this wall time.
  const candidates = [
    midnightAsUtc - offsetAt(midnightAsUtc - MS_PER_DAY, timeZone),
    midnightAsUtc - offsetAt(midnightAsUtc + MS_PER_DAY, timeZone),
  ].filter((t) => wallClockAsUtc(t, timeZone) === midnightAsUtc);
  if (candidates.length > 0) return new Date(Math.min(...candidates));
  return new Date(firstInstantOnOrAfter(date, midnightAsUtc, timeZone));
}

// Midnight does not exist on this date: search for the transition that skips over it.
function firstInstantOnOrAfter(date: LocalDate, midnightAsUtc: number, timeZone: string): number {
  // UTC offsets lie within -12h..+14h, so local midnight lies inside this window.
  let before = midnightAsUtc - 36 * 3_600_000;
  let after = midnightAsUtc + 36 * 3_600_000;
  while (after - before > 1) {
    const middle = Math.floor((before + after) / 2);
    if (compareLocalDates(instantToLocalDate(new Date(middle), timeZone), date) >= 0) after = middle;
    else before = middle;
  }
  return after;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        calendar: 'iso8601',
        numberingSystem: 'latn',
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new RangeError(`unknown time zone '${timeZone}': expected an IANA name such as 'Europe/Paris'`);
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

type WallClock = LocalDateParts & { hour: number; minute: number; second: number };

function wallClock(epochMs: number, timeZone: string): WallClock {
  const wall: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(epochMs))) {
    if (part.type !== 'literal') wall[part.type] = Number(part.value);
  }
  return {
    year: wall.year ?? Number.NaN,
    month: wall.month ?? Number.NaN,
    day: wall.day ?? Number.NaN,
    hour: wall.hour ?? Number.NaN,
    minute: wall.minute ?? Number.NaN,
    second: wall.second ?? Number.NaN,
  };
}

// The wall clock read as if it were UTC; milliseconds carry through since no offset has them.
function wallClockAsUtc(epochMs: number, timeZone: string): number {
  const wall = wallClock(epochMs, timeZone);
  const millis = ((epochMs % 1000) + 1000) % 1000;
  const day = daysFromCivil(wall.year, wall.month, wall.day);
  return day * MS_PER_DAY + ((wall.hour * 60 + wall.minute) * 60 + wall.second) * 1000 + millis;
}

function offsetAt(epochMs: number, timeZone: string): number {
  return wallClockAsUtc(epochMs, timeZone) - epochMs;
}

// A day of margin inside years 1..9999 keeps every zone's local date a valid LocalDate.
const FIRST_SUPPORTED_MS = (daysFromCivil(1, 1, 1) + 1) * MS_PER_DAY;
const LAST_SUPPORTED_MS = daysFromCivil(9999, 12, 31) * MS_PER_DAY;

function assertInstant(instant: Date): number {
  const epochMs = instant instanceof Date ? instant.getTime() : Number.NaN;
  if (Number.isNaN(epochMs)) throw new RangeError('invalid instant: expected a valid Date');
  if (epochMs < FIRST_SUPPORTED_MS || epochMs >= LAST_SUPPORTED_MS) {
    throw new RangeError(`instant ${instant.toISOString()} is outside the supported years 1..9999`);
  }
  return epochMs;
}

function assertYearMonth(year: number, month: number): void {
  if (!Number.isInteger(year) || year < 1 || year > 9999) throw new RangeError(`invalid year ${year}`);
  if (!Number.isInteger(month) || month < 1 || month > 12) throw new RangeError(`invalid month ${month}`);
}

// A close compares the same few hundred dates millions of times: each is parsed and validated once.
const dayNumbers = new Map<string, number>();
const datesOfDays = new Map<number, LocalDate>();
const CACHED_DATES = 20_000;

function toDayNumber(date: LocalDate): number {
  let dayNumber = dayNumbers.get(date);
  if (dayNumber === undefined) {
    const { year, month, day } = localDateParts(date);
    dayNumber = daysFromCivil(year, month, day);
    if (dayNumbers.size >= CACHED_DATES) dayNumbers.clear();
    dayNumbers.set(date, dayNumber);
  }
  return dayNumber;
}

function fromDayNumber(dayNumber: number): LocalDate {
  let date = datesOfDays.get(dayNumber);
  if (date === undefined) {
    date = formatLocalDate(civilFromDays(dayNumber));
    if (datesOfDays.size >= CACHED_DATES) datesOfDays.clear();
    datesOfDays.set(dayNumber, date);
  }
  return date;
}

// Howard Hinnant's days_from_civil / civil_from_days: proleptic Gregorian, day 0 = 1970-01-01.
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function civilFromDays(dayNumber: number): LocalDateParts {
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}
