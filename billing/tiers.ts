import { type Amount, BillingDecimal, type Decimal, formatDecimal, toDecimal } from './money.js';

/**
 * Tiered and volume prices. A band's `fromQuantity` is the first unit (counted from 1) its price
 * applies to, as in `sku_price_tiers`: bands {1: 10, 11: 8} price units 1..10 at 10, 11.. at 8.
 * A fractional quantity's last part belongs to the unit it is part of (10.5 -> half of unit 11).
 */

export type PricingScheme = 'flat' | 'tiered' | 'volume';

export type PriceTier = { fromQuantity: number; unitPrice: string };

// Enough for any currency's minor unit and for re-multiplying by a realistic quantity.
export const EFFECTIVE_PRICE_DECIMALS = 10;

type Band = { afterQuantity: Decimal; unitPrice: Decimal };

// Each band as the quantity after which its price applies: unit n occupies (n - 1, n].
function bandsOf(basePrice: string, tiers: readonly PriceTier[]): Band[] {
  const sorted = [...tiers].sort((a, b) => a.fromQuantity - b.fromQuantity);
  const bands: Band[] = [
    { afterQuantity: new BillingDecimal(0), unitPrice: toDecimal(basePrice, 'base price') },
  ];
  sorted.forEach((tier, index) => {
    if (!Number.isInteger(tier.fromQuantity) || tier.fromQuantity < 1) {
      throw new RangeError(
        `price tier fromQuantity must be a whole unit number >= 1, got ${tier.fromQuantity}`,
      );
    }
    if (sorted[index - 1]?.fromQuantity === tier.fromQuantity) {
      throw new RangeError(`two price tiers start at unit ${tier.fromQuantity}`);
    }
    const band = {
      afterQuantity: new BillingDecimal(tier.fromQuantity - 1),
      unitPrice: toDecimal(tier.unitPrice, 'tier price'),
    };
    // A band from unit 1 replaces the base price instead of following an empty base band.
    if (band.afterQuantity.isZero()) bands[0] = band;
    else bands.push(band);
  });
  return bands;
}

function quantityOf(quantity: string): Decimal {
  const value = toDecimal(quantity, 'quantity');
  if (value.lessThan(0)) throw new RangeError(`quantity must not be negative, got ${quantity}`);
  return value;
}

/**
 * Total price of `quantity` units. flat: base price per unit, bands ignored. tiered: each unit at
 * its band's price. volume: every unit at the price of the band the last unit falls in. Units
 * before the first band are priced at `basePrice` under tiered and volume.
 */
export function tierTotal(
  scheme: PricingScheme,
  basePrice: string,
  tiers: readonly PriceTier[],
  quantity: string,
): Amount {
  const units = quantityOf(quantity);
  if (scheme === 'flat') return formatDecimal(toDecimal(basePrice, 'base price').times(units));
  const bands = bandsOf(basePrice, tiers);
  if (scheme === 'volume') {
    const reached = bands.filter((band) => units.greaterThan(band.afterQuantity)).at(-1) ?? bands[0];
    return formatDecimal((reached?.unitPrice ?? new BillingDecimal(0)).times(units));
  }
  if (scheme !== 'tiered') throw new RangeError(`unknown pricing scheme '${String(scheme)}'`);
  let total = new BillingDecimal(0);
  bands.forEach((band, index) => {
    const upTo = bands[index + 1]?.afterQuantity;
    const ceiling = upTo === undefined ? units : BillingDecimal.min(units, upTo);
    if (ceiling.greaterThan(band.afterQuantity)) {
      total = total.plus(band.unitPrice.times(ceiling.minus(band.afterQuantity)));
    }
  });
  return formatDecimal(total);
}

/**
 * Total / quantity, rounded half-up to EFFECTIVE_PRICE_DECIMALS places (a tiered average such as
 * 28/3 does not terminate). For quantity 0 it is the price the first unit would get.
 */
export function effectiveUnitPrice(
  scheme: PricingScheme,
  basePrice: string,
  tiers: readonly PriceTier[],
  quantity: string,
): Amount {
  const units = quantityOf(quantity);
  if (units.isZero()) return tierTotal(scheme, basePrice, tiers, '1');
  const total = toDecimal(tierTotal(scheme, basePrice, tiers, quantity));
  return formatDecimal(
    total.dividedBy(units).toDecimalPlaces(EFFECTIVE_PRICE_DECIMALS, BillingDecimal.ROUND_HALF_UP),
  );
}
