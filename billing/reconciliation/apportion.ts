import { daysBetween, type LocalDate, maxLocalDate, minLocalDate } from '../dates.js';
import { BillingDecimal, type Decimal, toDecimal } from '../money.js';
import type { Period } from '../periods.js';

/**
 * A vendor charge for a span of dates, both ends inclusive (Microsoft's ChargeStartDate and
 * ChargeEndDate), with its quantity and pre-tax amount. Credits carry a negative amount.
 */
export interface ChargeSpan {
  chargeStart: LocalDate;
  chargeEnd: LocalDate;
  quantity: string;
  amount: string;
}

/** The part of a charge that falls in a period: days, unit-days and amount, unrounded. */
export interface ApportionedCharge {
  days: number;
  unitDays: Decimal;
  amount: Decimal;
}

/**
 * Apportions a charge to a period by days: the period takes overlap/chargeDays of the amount and
 * quantity x overlap unit-days. A credit (negative amount) returns units, so its quantity counts
 * negative whatever sign the vendor wrote it with. See docs/billing-choices.md.
 */
export function apportionCharge(charge: ChargeSpan, period: Period): ApportionedCharge {
  const chargeDays = daysBetween(charge.chargeStart, charge.chargeEnd) + 1;
  if (chargeDays < 1)
    throw new RangeError(`charge ends ${charge.chargeEnd} before it starts ${charge.chargeStart}`);
  const from = maxLocalDate(charge.chargeStart, period.start);
  const to = minLocalDate(charge.chargeEnd, period.end);
  const days = Math.max(0, daysBetween(from, to) + 1);
  const amount = toDecimal(charge.amount, 'charge amount');
  const quantity = toDecimal(charge.quantity, 'charge quantity').abs();
  const signedQuantity = amount.isNegative() ? quantity.neg() : quantity;
  return {
    days,
    unitDays: signedQuantity.times(days),
    amount: amount.times(days).dividedBy(chargeDays),
  };
}

export const ZERO: Decimal = new BillingDecimal(0);
