import { applyDiscount } from './discounts.js';
import { type Amount, roundHalfUp, toDecimal } from './money.js';
import { chargedAmount, chargeShare, type ProrationMode, recurringAmount, usageAmount } from './proration.js';
import { effectiveUnitPrice, type PriceTier, type PricingScheme, tierTotal } from './tiers.js';

/**
 * The arithmetic of one item's amount as steps a person can follow, computed with the very
 * functions that define each money rule (proration, tiers, discounts, rounding), never again by hand.
 */

export interface AmountStep {
  step: 'unitPrice' | 'charge' | 'discount' | 'rounding' | 'notCharged';
  description: string;
  /** The exact decimal this step yields (unrounded until the rounding step). */
  value: Amount;
}

export interface AmountInput {
  /** Null for an unmapped element: itemised, never charged. */
  sku: {
    pricingScheme: PricingScheme;
    basePrice: string;
    tiers: readonly PriceTier[];
    proration: ProrationMode;
    usage: boolean;
  } | null;
  billable: boolean;
  /** Why a billable-looking item is not charged: the rule that excluded it, for the description. */
  excludedBy?: string;
  /** An adjustment takes the adjusted period's price, stored on the item. */
  adjustment: boolean;
  storedUnitPrice: string;
  /** Units placing the invoice-to customer on the SKU's tiers in the period. */
  unitsHeld: string;
  quantity: string;
  daysActive: number;
  periodDays: number;
  /** A full element is charged once, on its first part: later parts of it charge nothing. */
  firstPart: boolean;
  discountPercent: string;
  vendor: string | null;
  minorUnits: number;
}

export function explainAmount(input: AmountInput): {
  steps: AmountStep[];
  unrounded: Amount;
  amount: Amount;
} {
  const zero = roundHalfUp('0', input.minorUnits);
  if (input.sku === null || !input.billable) {
    const description =
      input.sku === null
        ? 'unmapped: no SKU prices this element, so it is itemised at 0'
        : `not billable${input.excludedBy ? `: ${input.excludedBy}` : ''}, so it is itemised at 0`;
    return { steps: [{ step: 'notCharged', description, value: '0' }], unrounded: '0', amount: zero };
  }
  const sku = input.sku;
  const steps: AmountStep[] = [];
  const unitPrice = priceStep(input, sku, steps);

  let charge: Amount;
  if (sku.usage) {
    charge = usageAmount({ unitPrice, quantity: input.quantity });
    steps.push({
      step: 'charge',
      description: `usage: ${unitPrice} x ${input.quantity} units used`,
      value: charge,
    });
  } else if (sku.proration === 'full' && !input.firstPart) {
    charge = '0';
    steps.push({
      step: 'charge',
      description:
        'full: the element is charged once, on its first part in the period; this later part adds 0',
      value: charge,
    });
  } else {
    charge = recurringAmount({
      unitPrice,
      quantity: input.quantity,
      daysActive: input.daysActive,
      periodDays: input.periodDays,
      proration: sku.proration,
    });
    steps.push({
      step: 'charge',
      description:
        sku.proration === 'daily'
          ? `daily: ${unitPrice} x ${input.quantity} x ${input.daysActive} days / ${input.periodDays} days in the period`
          : `full: ${unitPrice} x ${input.quantity} for any presence in the period`,
      value: charge,
    });
  }

  let discounted = charge;
  if (!toDecimal(input.discountPercent).isZero()) {
    discounted = applyDiscount(charge, input.discountPercent);
    steps.push({
      step: 'discount',
      description: `${input.vendor ?? 'vendor'} multi-service discount: ${charge} less ${input.discountPercent}%`,
      value: discounted,
    });
  }
  // The figure itself by the close's own rule: one division, last (proration.ts chargedAmount).
  const amount = chargedAmount({
    unitPrice,
    quantity: input.quantity,
    ...chargeShare({ ...input, usage: sku.usage, proration: sku.proration }),
    discountPercent: input.discountPercent,
    minorUnits: input.minorUnits,
  });
  steps.push({
    step: 'rounding',
    description: `rounded half-up to ${input.minorUnits} decimal places (the currency's minor unit)`,
    value: amount,
  });
  return { steps, unrounded: discounted, amount };
}

function priceStep(input: AmountInput, sku: NonNullable<AmountInput['sku']>, steps: AmountStep[]): Amount {
  if (input.adjustment) {
    steps.push({
      step: 'unitPrice',
      description: 'an adjustment takes the price the adjusted period billed',
      value: input.storedUnitPrice,
    });
    return input.storedUnitPrice;
  }
  if (sku.pricingScheme === 'flat' || sku.tiers.length === 0) {
    steps.push({ step: 'unitPrice', description: 'the SKU’s price per unit', value: input.storedUnitPrice });
    return input.storedUnitPrice;
  }
  const units = input.unitsHeld;
  const price = effectiveUnitPrice(sku.pricingScheme, sku.basePrice, sku.tiers, units);
  const bands = [...sku.tiers].sort((a, b) => a.fromQuantity - b.fromQuantity);
  const reached = bands.filter((band) => toDecimal(units).greaterThan(band.fromQuantity - 1)).at(-1);
  steps.push({
    step: 'unitPrice',
    description:
      sku.pricingScheme === 'volume'
        ? `volume: ${units} units held by the invoice-to customer reach the band from unit ${reached?.fromQuantity ?? 1} (${reached?.unitPrice ?? sku.basePrice} per unit)`
        : `tiered: ${units} units held by the invoice-to customer cost ${tierTotal(sku.pricingScheme, sku.basePrice, sku.tiers, units)} across the bands, ${price} per unit on average`,
    value: price,
  });
  return price;
}
