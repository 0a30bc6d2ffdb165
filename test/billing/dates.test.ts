import { describe, expect, test } from 'vitest';
import {
  addDays,
  daysBetween,
  daysInMonth,
  instantToLocalDate,
  isLeapYear,
  lastDayOfMonth,
  localDateToInstant,
  parseLocalDate,
} from '../../billing/index.js';

describe('parseLocalDate', () => {
  test.each(['2026-01-01', '2028-02-29', '2000-02-29', '2026-12-31', '0001-01-01', '9999-12-31'])(
    'accepts %s',
    (date) => {
      expect(parseLocalDate(date)).toBe(date);
    },
  );

  test.each([
    ['2026-02-30', /no such day/],
    ['2027-02-29', /no such day/],
    ['2100-02-29', /no such day/],
    ['2026-04-31', /no such day/],
    ['2026-13-01', /no such day/],
    ['2026-00-10', /no such day/],
    ['2026-01-00', /no such day/],
    ['0000-01-01', /no such day/],
    ['x', /expected YYYY-MM-DD/],
    ['', /expected YYYY-MM-DD/],
    ['2026-2-3', /expected YYYY-MM-DD/],
    [' 2026-01-01', /expected YYYY-MM-DD/],
    ['2026-01-01T00:00', /expected YYYY-MM-DD/],
  ])('rejects %j', (date, message) => {
    expect(() => parseLocalDate(date)).toThrow(message);
  });
});

describe('calendar arithmetic', () => {
  test.each([
    [1900, false],
    [2000, true],
    [2024, true],
    [2027, false],
    [2028, true],
    [2100, false],
  ])('isLeapYear(%i) = %s', (year, leap) => {
    expect(isLeapYear(year)).toBe(leap);
  });

  test.each([
    [2027, 1, 31, '2027-01-31'],
    [2027, 2, 28, '2027-02-28'],
    [2028, 2, 29, '2028-02-29'],
    [2027, 4, 30, '2027-04-30'],
    [2027, 12, 31, '2027-12-31'],
  ])('%i-%i has %i days, the last being %s', (year, month, days, last) => {
    expect(daysInMonth(year, month)).toBe(days);
    expect(lastDayOfMonth(year, month)).toBe(last);
  });

  test.each([
    ['2026-01-31', 1, '2026-02-01'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2027-02-28', 1, '2027-03-01'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2027-01-01', -1, '2026-12-31'],
    ['2028-03-01', -1, '2028-02-29'],
    ['2026-03-15', 0, '2026-03-15'],
    ['2028-01-01', 366, '2029-01-01'],
    ['2027-01-01', 365, '2028-01-01'],
  ])('addDays(%s, %i) = %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
    expect(daysBetween(date, expected)).toBe(days);
  });

  test('daysBetween is b - a', () => {
    expect(daysBetween('2026-03-01', '2026-04-01')).toBe(31);
    expect(daysBetween('2026-04-01', '2026-03-01')).toBe(-31);
  });

  test('addDays refuses fractions', () => {
    expect(() => addDays('2026-01-01', 0.5)).toThrow(/whole number/);
  });
});

describe('instantToLocalDate', () => {
  test.each([
    ['2026-03-31T22:30:00Z', 'Europe/Paris', '2026-04-01'],
    ['2026-01-31T23:30:00Z', 'Europe/Paris', '2026-02-01'],
    ['2026-01-31T22:30:00Z', 'Europe/Paris', '2026-01-31'],
    ['2026-03-01T07:59:59Z', 'America/Los_Angeles', '2026-02-28'],
    ['2026-03-01T08:00:00Z', 'America/Los_Angeles', '2026-03-01'],
    ['2026-02-28T11:00:00Z', 'Pacific/Auckland', '2026-03-01'],
    ['2025-12-31T18:29:59.999Z', 'Asia/Kolkata', '2025-12-31'],
    ['2025-12-31T18:30:00Z', 'Asia/Kolkata', '2026-01-01'],
    ['2026-06-30T23:59:59.999Z', 'UTC', '2026-06-30'],
  ])('%s in %s is %s', (instant, zone, date) => {
    expect(instantToLocalDate(new Date(instant), zone)).toBe(date);
  });

  test('rejects an unknown zone and an invalid instant', () => {
    expect(() => instantToLocalDate(new Date(), 'Mars/Olympus')).toThrow(/unknown time zone 'Mars\/Olympus'/);
    expect(() => instantToLocalDate(new Date('nope'), 'UTC')).toThrow(/invalid instant/);
  });
});

describe('localDateToInstant', () => {
  test.each([
    ['2026-01-15', 'UTC', '2026-01-15T00:00:00.000Z'],
    ['2026-01-15', 'Europe/Paris', '2026-01-14T23:00:00.000Z'],
    ['2026-07-15', 'Europe/Paris', '2026-07-14T22:00:00.000Z'],
    // The DST days themselves: the jump is at 02:00/03:00, midnight is unaffected.
    ['2026-03-29', 'Europe/Paris', '2026-03-28T23:00:00.000Z'],
    ['2026-03-30', 'Europe/Paris', '2026-03-29T22:00:00.000Z'],
    ['2026-10-25', 'Europe/Paris', '2026-10-24T22:00:00.000Z'],
    ['2026-10-26', 'Europe/Paris', '2026-10-25T23:00:00.000Z'],
    ['2026-03-08', 'America/New_York', '2026-03-08T05:00:00.000Z'],
    ['2026-01-01', 'Asia/Kolkata', '2025-12-31T18:30:00.000Z'],
    ['2026-01-01', 'Australia/Lord_Howe', '2025-12-31T13:00:00.000Z'],
    // Brazil 2018: clocks jumped from 00:00 to 01:00, so the date starts at 01:00 local (-02).
    ['2018-11-04', 'America/Sao_Paulo', '2018-11-04T03:00:00.000Z'],
    // Brazil 2019: clocks fell back from 00:00 to 23:00; the 17th starts at the second 00:00 (-03).
    ['2019-02-17', 'America/Sao_Paulo', '2019-02-17T03:00:00.000Z'],
    ['2019-02-16', 'America/Sao_Paulo', '2019-02-16T02:00:00.000Z'],
    // Chile 2022: 24:00 became 01:00 on 11 Sep.
    ['2022-09-11', 'America/Santiago', '2022-09-11T04:00:00.000Z'],
    // Samoa skipped 30 Dec 2011 altogether: the date has no instants, so it "starts" with the 31st.
    ['2011-12-30', 'Pacific/Apia', '2011-12-30T10:00:00.000Z'],
    ['2011-12-31', 'Pacific/Apia', '2011-12-30T10:00:00.000Z'],
  ])('%s in %s starts at %s', (date, zone, instant) => {
    expect(localDateToInstant(date, zone).toISOString()).toBe(instant);
  });

  test.each([
    'Europe/Paris',
    'America/Sao_Paulo',
    'America/Santiago',
    'America/Havana',
    'Asia/Beirut',
    'Australia/Lord_Howe',
    'Pacific/Chatham',
    'Asia/Kathmandu',
  ])('every day of 2018..2019 and 2028 in %s starts at its first instant', (zone) => {
    const years: [string, string][] = [
      ['2018-01-01', '2020-01-01'],
      ['2028-01-01', '2029-01-01'],
    ];
    for (const [from, to] of years) {
      for (let date = from; date !== to; date = addDays(date, 1)) {
        const start = localDateToInstant(date, zone);
        expect(instantToLocalDate(start, zone)).toBe(date);
        expect(instantToLocalDate(new Date(start.getTime() - 1), zone)).toBe(addDays(date, -1));
      }
    }
  });
});
