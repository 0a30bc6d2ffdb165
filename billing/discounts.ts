import { type Amount, formatDecimal, toDecimal } from './money.js';

/**
 * Per-vendor multi-service discounts: an invoice-to customer taking at least `minServices`
 * distinct services of a vendor in a period gets `percent` off that vendor's billable items.
 */

export type VendorDiscount = { minServices: number; percent: string };

/** The percent of the highest bracket reached ('0' when none is), brackets being by `minServices`. */
export function vendorDiscountPercent(
  discounts: readonly VendorDiscount[],
  distinctServices: number,
): string {
  if (!Number.isInteger(distinctServices) || distinctServices < 0) {
    throw new RangeError(`distinct services must be a whole number >= 0, got ${distinctServices}`);
  }
  const seen = new Set<number>();
  let reached: VendorDiscount | null = null;
  for (const discount of discounts) {
    if (!Number.isInteger(discount.minServices) || discount.minServices < 1) {
      throw new RangeError(`discount minServices must be a whole number >= 1, got ${discount.minServices}`);
    }
    if (seen.has(discount.minServices)) {
      throw new RangeError(`two vendor discounts start at ${discount.minServices} services`);
    }
    seen.add(discount.minServices);
    percentOf(discount.percent);
    if (
      discount.minServices <= distinctServices &&
      (reached === null || discount.minServices > reached.minServices)
    ) {
      reached = discount;
    }
  }
  return reached === null ? '0' : formatDecimal(percentOf(reached.percent));
}

/** `amount` less `percent` percent, unrounded: the item is rounded once, after its discount. */
export function applyDiscount(amount: string, percent: string): Amount {
  const rate = percentOf(percent);
  const value = toDecimal(amount);
  return formatDecimal(value.minus(value.times(rate).dividedBy(100)));
}

function percentOf(percent: string) {
  const value = toDecimal(percent, 'discount percent');
  if (value.lessThan(0) || value.greaterThan(100)) {
    throw new RangeError(`discount percent must be within 0..100, got ${percent}`);
  }
  return value;
}
