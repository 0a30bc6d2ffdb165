import type { Decimal as DecimalClass } from 'decimal.js';
import decimalModule from 'decimal.js';

/**
 * Exact decimal money. Amounts travel as decimal strings; arithmetic uses a private decimal.js
 * constructor so no other module's global Decimal settings can change billing results.
 */

// decimal.js types its ESM build as CommonJS: the default import is the class at run time (and
// `.default` of it under CommonJS interop), while TypeScript sees the module object.
const Decimal = ((decimalModule as unknown as { default?: typeof DecimalClass }).default ??
  decimalModule) as unknown as typeof DecimalClass;
export type Decimal = DecimalClass;

/** A decimal string such as '12.50' or '-0.005'; never a JS number. */
export type Amount = string;

// 40 significant digits: a price (scale 6) x quantity x days stays exact, and a division by a
// period length (<= 31 days) can only land on a rounding tie when it is exactly one.
export const BillingDecimal: typeof DecimalClass = Decimal.clone({
  precision: 40,
  rounding: Decimal.ROUND_HALF_UP,
  toExpNeg: -1_000,
  toExpPos: 1_000,
});
export type BillingDecimal = Decimal;

const DECIMAL_SHAPE = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** Reads a decimal string strictly: no exponent, hex, NaN or Infinity, which decimal.js would accept. */
export function toDecimal(value: string | Decimal, what = 'amount'): Decimal {
  if (Decimal.isDecimal(value)) {
    if (!value.isFinite()) throw new RangeError(`invalid ${what} '${value.toString()}': not a finite number`);
    return new BillingDecimal(value);
  }
  if (typeof value !== 'string' || !DECIMAL_SHAPE.test(value.trim())) {
    throw new RangeError(`invalid ${what} '${String(value)}': expected a decimal string such as '12.50'`);
  }
  return new BillingDecimal(value.trim());
}

/** Plain decimal notation, never exponent form, and never '-0'. */
export function formatDecimal(value: Decimal): string {
  return value.isZero() ? '0' : value.toFixed();
}

function assertMinorUnits(minorUnits: number): void {
  if (!Number.isInteger(minorUnits) || minorUnits < 0 || minorUnits > 8) {
    throw new RangeError(`invalid minor units ${minorUnits}: expected a whole number 0..8`);
  }
}

/**
 * Rounds to the currency's minor unit, ties away from zero: -0.005 -> '-0.01', mirroring 0.005 ->
 * '0.01', so a credit and the charge it cancels round to the same magnitude.
 */
export function roundHalfUp(amount: string | Decimal, minorUnits: number): Amount {
  assertMinorUnits(minorUnits);
  const rounded = toDecimal(amount).toDecimalPlaces(minorUnits, Decimal.ROUND_HALF_UP);
  return rounded.isZero() ? new BillingDecimal(0).toFixed(minorUnits) : rounded.toFixed(minorUnits);
}

/** Exact sum in plain notation ('0' for none); scale is not padded, see `toFixedMinor` for display. */
export function sumAmounts(amounts: readonly (string | Decimal)[]): Amount {
  let total = new BillingDecimal(0);
  for (const amount of amounts) total = total.plus(toDecimal(amount));
  return formatDecimal(total);
}

/**
 * Pads an already rounded amount to the currency's minor unit for display ('3.3' -> '3.30').
 * It refuses to round: showing an unrounded amount would hide a missing rounding step upstream.
 */
export function toFixedMinor(amount: string | Decimal, minorUnits: number): string {
  assertMinorUnits(minorUnits);
  const value = toDecimal(amount);
  if (value.decimalPlaces() > minorUnits) {
    throw new RangeError(
      `amount ${formatDecimal(value)} has more than ${minorUnits} decimal places: round it first`,
    );
  }
  return value.isZero() ? new BillingDecimal(0).toFixed(minorUnits) : value.toFixed(minorUnits);
}

/** A decimal string as an integer and its scale: '12.50' -> 1250n, 2. Exact, for hot paths. */
export function toScaled(value: string, what = 'amount'): { units: bigint; scale: number } {
  const text = value.trim();
  if (!DECIMAL_SHAPE.test(text)) {
    throw new RangeError(`invalid ${what} '${value}': expected a decimal string such as '12.50'`);
  }
  const negative = text.startsWith('-');
  const unsigned = text.replace(/^[+-]/, '');
  const point = unsigned.indexOf('.');
  const whole = point === -1 ? unsigned : unsigned.slice(0, point);
  const fraction = point === -1 ? '' : unsigned.slice(point + 1);
  const units = BigInt(`${whole || '0'}${fraction}`);
  return { units: negative ? -units : units, scale: fraction.length };
}

/**
 * numerator / denominator (denominator > 0) rounded to `minorUnits` places, ties away from zero as
 * `roundHalfUp`, in integers: exact at any size, and far cheaper than a decimal division.
 */
export function divideRoundHalfUp(numerator: bigint, denominator: bigint, minorUnits: number): Amount {
  assertMinorUnits(minorUnits);
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  const scaled = (numerator < 0n ? -numerator : numerator) * 10n ** BigInt(minorUnits);
  const rounded = (2n * scaled + denominator) / (2n * denominator);
  const digits = rounded.toString().padStart(minorUnits + 1, '0');
  const text = minorUnits === 0 ? digits : `${digits.slice(0, -minorUnits)}.${digits.slice(-minorUnits)}`;
  return numerator < 0n && rounded !== 0n ? `-${text}` : text;
}
