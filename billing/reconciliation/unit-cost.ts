import { type Amount, type Decimal, roundHalfUp, toDecimal } from '../money.js';
import type { Period } from '../periods.js';
import { apportionCharge, type ChargeSpan, ZERO } from './apportion.js';

/**
 * What a unit of a customer's SKU costs the tenant per day of a period: the one rule behind the
 * reconciliation's cost and margin and every item's (docs/billing-choices.md, "Cost and margin").
 */

/** A mapped vendor charge: a customer and SKU the mappings resolved. */
export interface MappedCharge extends ChargeSpan {
  vendor: string;
  customerId: number;
  skuCode: string;
}

/** Charges of one customer and SKU apportioned to a period, credits netted. */
export interface Charged {
  vendor: string;
  unitDays: Decimal;
  amount: Decimal;
}

export interface UnitDayCost {
  perUnitDay: Decimal;
  source: 'vendor' | 'cost_price';
}

export const chargeKey = (customerId: number, skuCode: string) => `${customerId}\u0000${skuCode}`;

/** Mapped charges apportioned to the period by days and summed per customer and SKU (`chargeKey`). */
export function chargedPerCustomerSku(charges: Iterable<MappedCharge>, period: Period): Map<string, Charged> {
  const charged = new Map<string, Charged>();
  for (const charge of charges) {
    const share = apportionCharge(charge, period);
    if (share.days === 0) continue;
    const id = chargeKey(charge.customerId, charge.skuCode);
    const entry = charged.get(id) ?? { vendor: charge.vendor, unitDays: ZERO, amount: ZERO };
    entry.unitDays = entry.unitDays.plus(share.unitDays);
    entry.amount = entry.amount.plus(share.amount);
    charged.set(id, entry);
  }
  return charged;
}

/**
 * The vendor's effective price (net charged amount / charged unit-days) where it charged units for
 * the customer's SKU, else the SKU's cost price (per unit per period) over the period's days; null
 * when neither is known.
 */
export function unitDayCost(
  charged: Charged | undefined,
  costPrice: string | null | undefined,
  periodDays: number,
): UnitDayCost | null {
  if (charged?.unitDays.greaterThan(0)) {
    return { perUnitDay: charged.amount.dividedBy(charged.unitDays), source: 'vendor' };
  }
  if (costPrice != null)
    return { perUnitDay: toDecimal(costPrice).dividedBy(periodDays), source: 'cost_price' };
  return null;
}

/** What `unitDays` (quantity x days) cost at a unit-day cost, rounded to the minor unit: one item's cost. */
export function unitDaysCost(cost: UnitDayCost, unitDays: string | Decimal, minorUnits: number): Amount {
  return roundHalfUp(cost.perUnitDay.times(toDecimal(unitDays, 'unit-days')), minorUnits);
}

/**
 * An item's cost = its unit-days (quantity x days active) at the unit-day cost, rounded to the minor
 * unit; margin = what it bills (its rounded amount, 0 when not billable) - cost. Null without a cost.
 */
export function itemCostAndMargin(
  item: { quantity: string; daysActive: number; amount: string; billable: boolean },
  cost: UnitDayCost | null,
  minorUnits: number,
): { cost: Amount | null; margin: Amount | null } {
  if (cost === null) return { cost: null, margin: null };
  const itemCost = unitDaysCost(
    cost,
    toDecimal(item.quantity, 'quantity').times(item.daysActive),
    minorUnits,
  );
  const billed = toDecimal(item.billable ? roundHalfUp(item.amount, minorUnits) : '0');
  return { cost: itemCost, margin: roundHalfUp(billed.minus(toDecimal(itemCost)), minorUnits) };
}
