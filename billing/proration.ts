import {
  addDays,
  compareLocalDates,
  daysBetween,
  type LocalDate,
  maxLocalDate,
  minLocalDate,
} from './dates.js';
import { type Amount, divideRoundHalfUp, formatDecimal, toDecimal, toScaled } from './money.js';
import type { Period } from './periods.js';

/** Which local dates of a period an element was active on, and what that presence costs. */

export type ProrationMode = 'daily' | 'full';

/** Active local dates [activeFrom, activeTo): the day of removal is not billed. */
export type ActiveSpan = { activeFrom: LocalDate; activeTo: LocalDate; daysActive: number };

/**
 * The part of `period` an element that started on local date `startDate` and ended on `endDate`
 * (null = still active) was active: every local date d with startDate <= d < endDate (the database
 * gives the local dates of its instants in the tenant's zone). Null when the element has no active
 * date in the period and did not start in it; an element added and removed on the same day inside
 * the period gets a 0-day span so it is still itemised. A removal on the period's first day ended it
 * with the period before (docs/billing-choices.md).
 */
export function activeSpanOfDates(
  startDate: LocalDate,
  endDate: LocalDate | null,
  period: Period,
): ActiveSpan | null {
  if (endDate !== null && compareLocalDates(endDate, startDate) < 0) {
    throw new RangeError(`element ends (${endDate}) before it starts (${startDate})`);
  }
  const periodEndExclusive = addDays(period.end, 1);
  const activeFrom = maxLocalDate(startDate, period.start);
  const activeTo = endDate === null ? periodEndExclusive : minLocalDate(endDate, periodEndExclusive);
  const daysActive = daysBetween(activeFrom, activeTo);
  if (daysActive > 0) return { activeFrom, activeTo, daysActive };
  if (isInPeriod(startDate, period)) return { activeFrom: startDate, activeTo: startDate, daysActive: 0 };
  return null;
}

export function isInPeriod(date: LocalDate, period: Period): boolean {
  return compareLocalDates(period.start, date) <= 0 && compareLocalDates(date, period.end) <= 0;
}

export type RecurringCharge = {
  unitPrice: string;
  quantity: string;
  daysActive: number;
  periodDays: number;
  proration: ProrationMode;
};

/**
 * Unrounded amount of a recurring item. `daily`: price x quantity x days active / days in period.
 * `full`: price x quantity for any presence, 0-day presence included, because the spec charges
 * `full` SKUs whole for presence at any instant of the period.
 */
export function recurringAmount({
  unitPrice,
  quantity,
  daysActive,
  periodDays,
  proration,
}: RecurringCharge): Amount {
  if (!Number.isInteger(periodDays) || periodDays < 1) {
    throw new RangeError(`period length must be a whole number of days >= 1, got ${periodDays}`);
  }
  if (!Number.isInteger(daysActive) || daysActive < 0 || daysActive > periodDays) {
    throw new RangeError(`days active must be a whole number 0..${periodDays}, got ${daysActive}`);
  }
  const whole = toDecimal(unitPrice, 'unit price').times(toDecimal(quantity, 'quantity'));
  switch (proration) {
    case 'full':
      return formatDecimal(whole);
    case 'daily':
      return formatDecimal(whole.times(daysActive).dividedBy(periodDays));
    default:
      throw new RangeError(`unknown proration mode '${String(proration)}'`);
  }
}

/** Unrounded amount of a usage item: price per unit used x units used. */
export function usageAmount({ unitPrice, quantity }: { unitPrice: string; quantity: string }): Amount {
  return formatDecimal(toDecimal(unitPrice, 'unit price').times(toDecimal(quantity, 'quantity')));
}

export type ChargedItem = {
  /** The unit price the item is charged at (an effective tier price may carry 10 decimals). */
  unitPrice: string;
  quantity: string;
  /** The part of the price charged, `share / shareOf`: days active / period days for daily SKUs. */
  share: number;
  shareOf: number;
  discountPercent: string;
  minorUnits: number;
};

/**
 * An item's amount: price x quantity x share, less its discount, rounded half-up to the currency's
 * minor unit. One division, last: a prorated tie such as 6.665 x 3/31 = 0.645 stays a tie, where
 * dividing by the period first and discounting after could land just below it.
 */
export function chargedAmount({
  unitPrice,
  quantity,
  share,
  shareOf,
  discountPercent,
  minorUnits,
}: ChargedItem): Amount {
  if (!Number.isInteger(shareOf) || shareOf < 1) {
    throw new RangeError(`share of must be a whole number >= 1, got ${shareOf}`);
  }
  if (!Number.isInteger(share) || share < 0)
    throw new RangeError(`share must be a whole number >= 0, got ${share}`);
  // Scaled integers: price x quantity x share x (100 - discount) over shareOf x 100, rounded once.
  const price = toScaled(unitPrice, 'unit price');
  const units = toScaled(quantity, 'quantity');
  const discount = toScaled(discountPercent, 'discount percent');
  const kept = 100n * 10n ** BigInt(discount.scale) - discount.units;
  const numerator = price.units * units.units * BigInt(share) * kept;
  const denominator = BigInt(shareOf * 100) * 10n ** BigInt(price.scale + units.scale + discount.scale);
  return divideRoundHalfUp(numerator, denominator, minorUnits);
}

/**
 * The part of a period's price an item is charged, `share / shareOf`: days active of the period's
 * days for daily SKUs, whole for usage, and whole once for a full element (on its first part,
 * however rules split it; later parts 0).
 */
export function chargeShare(item: {
  usage: boolean;
  proration: ProrationMode | null;
  daysActive: number;
  periodDays: number;
  firstPart: boolean;
}): { share: number; shareOf: number } {
  if (item.usage) return { share: 1, shareOf: 1 };
  if (item.proration === 'daily') return { share: item.daysActive, shareOf: item.periodDays };
  return { share: item.firstPart ? 1 : 0, shareOf: 1 };
}
