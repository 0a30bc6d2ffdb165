import { z } from '@hono/zod-openapi';
import { invalid } from './problems.js';

/** A month as a query parameter, strictly YYYY-MM. */
export const Month = (name: string, example: string) =>
  z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM')
    .openapi({ param: { name, in: 'query' }, example });

/** The `from` and `to` query fields of a month-by-month view, both months included. */
export const monthRangeFields = (example = '2026-01') => ({
  from: Month('from', example),
  to: Month('to', example),
});

/**
 * How many months `from`..`to` covers, both included; a 400 naming `to` when it is before `from` or
 * more than `max` months long, since each month costs the view a query.
 */
export function monthSpan(from: string, to: string, max: number): number {
  const span = monthIndex(to) - monthIndex(from) + 1;
  if (span < 1) throw invalid('to', 'must not be before from');
  if (span > max) throw invalid('to', `at most ${max} months after from`);
  return span;
}

/** Months counted from year 0, so ranges are plain subtraction. */
export function monthIndex(month: string): number {
  const [year, number] = month.split('-').map(Number);
  return (year ?? 0) * 12 + (number ?? 1) - 1;
}

/** The YYYY-MM month of a monthIndex. */
export function monthOf(index: number): string {
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}
