import type { LocalDate } from '../dates.js';

/** Sets of days as sorted, disjoint, non-empty [from, to) ranges of local dates (ISO strings sort as dates). */
export type DateRange = { from: LocalDate; to: LocalDate };

export function union(ranges: readonly DateRange[]): DateRange[] {
  const sorted = ranges.filter((range) => range.from < range.to).sort((a, b) => (a.from < b.from ? -1 : 1));
  const merged: DateRange[] = [];
  for (const range of sorted) {
    const last = merged.at(-1);
    if (last && range.from <= last.to) {
      if (range.to > last.to) last.to = range.to;
    } else merged.push({ ...range });
  }
  return merged;
}

/** The days of `a` not in `b` (both from `union`). */
export function minus(a: readonly DateRange[], b: readonly DateRange[]): DateRange[] {
  const result: DateRange[] = [];
  for (const range of a) {
    let from = range.from;
    for (const cut of b) {
      if (cut.to <= from || cut.from >= range.to) continue;
      if (cut.from > from) result.push({ from, to: cut.from });
      if (cut.to > from) from = cut.to;
    }
    if (from < range.to) result.push({ from, to: range.to });
  }
  return result;
}
