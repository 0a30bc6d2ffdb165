import {
  type BillingDecimal,
  compareLocalDates,
  effectiveUnitPrice,
  roundHalfUp,
  vendorDiscountPercent,
} from '../../../billing/index.js';
import type { Scenario, SkuSpec } from './catalog.js';
import { dec, type Problems, showItem } from './findings.js';
import type { ItemRow } from './load.js';

interface Pricing {
  /** Effective unit price per `${invoiceTo}|${sku}` from the units held (billing/tiers.ts). */
  effective: Map<string, string>;
  /** Vendor discount percent per `${invoiceTo}|${vendor}` (billing/discounts.ts). */
  discount: Map<string, string>;
  /** Billable parts of an element after its first (per adjusted period): a full SKU charges it once. */
  laterParts: Set<number>;
  /**
   * Per adjustment item: the unit price, and the discount if charged, that the adjusted period gave
   * the invoice-to customer for the SKU (its billable items first); absent when it billed none.
   */
  prior: Map<number, { price: string; percent: string | null }>;
}

/**
 * The prices billing.md asks for, from the pure rules: per invoice-to customer and SKU, the units
 * held place it on the tiers (a daily element counts quantity x billable days / period days, a full
 * one its quantity, usage the units used; adjustments do not count); per vendor, the distinct SKUs
 * of its billable items other than adjustments reach a discount bracket. An adjustment takes the price
 * and discount the adjusted period gave the customer's invoice-to customer of then for the SKU
 * (docs/billing-choices.md).
 */
export function pricingOf(
  scenario: Scenario,
  items: ItemRow[],
  allItems: ItemRow[],
  /** An adjustment's customer's invoice-to customer in the adjusted period's tree, else today's. */
  invoiceToOf: (adjustment: ItemRow) => number,
): Pricing {
  // Per key: units of full and usage items, and quantity x days of daily items, divided once at the
  // end so that whole units stay whole (46/28 + 10/28 is exactly 2).
  const ownUnits = new Map<string, BillingDecimal>();
  const units = new Map<
    string,
    { whole: BillingDecimal; quantityDays: BillingDecimal; periodDays: number }
  >();
  const fullCounted = new Set<string>();
  for (const i of items) {
    if (!i.billable || i.sku_code === null || i.adjusts_period_id !== null) continue;
    const sku = scenario.skus.find((k) => k.code === i.sku_code) as SkuSpec;
    const key = `${i.invoice_to_id}|${i.sku_code}`;
    const held = units.get(key) ?? { whole: dec(0), quantityDays: dec(0), periodDays: i.period_days };
    units.set(key, held);
    if (i.kind === 'usage' || sku.model === 'usage') held.whole = held.whole.plus(i.quantity);
    else if (sku.proration === 'daily')
      held.quantityDays = held.quantityDays.plus(dec(i.quantity).times(i.days_active));
    else if (!fullCounted.has(`${key}|${i.element_id}`)) {
      fullCounted.add(`${key}|${i.element_id}`);
      held.whole = held.whole.plus(i.quantity);
    }
  }
  const effective = new Map<string, string>();
  for (const [key, held] of units) {
    const sku = scenario.skus.find((k) => k.code === key.split('|')[1]) as SkuSpec;
    const total = held.whole.plus(held.quantityDays.dividedBy(held.periodDays));
    effective.set(key, effectiveUnitPrice(sku.scheme, sku.price, sku.tiers, total.toFixed()));
  }
  // Adjustments of a SKU the period does not otherwise bill the customer: priced as their own
  // largest quantity would be.
  for (const i of items) {
    if (i.adjusts_period_id === null || i.sku_code === null) continue;
    const key = `${i.invoice_to_id}|${i.sku_code}`;
    if (units.has(key)) continue;
    const sku = scenario.skus.find((k) => k.code === i.sku_code) as SkuSpec;
    const own = dec(i.quantity).abs();
    const before = ownUnits.get(key);
    if (before === undefined || own.gt(before)) ownUnits.set(key, own);
    effective.set(
      key,
      effectiveUnitPrice(sku.scheme, sku.price, sku.tiers, (ownUnits.get(key) ?? own).toFixed()),
    );
  }
  const prior = new Map<number, { price: string; percent: string | null }>();
  for (const i of items) {
    if (i.adjusts_period_id === null || i.sku_code === null) continue;
    const invoiceToThen = invoiceToOf(i);
    const candidates = allItems
      .filter(
        (a) =>
          a.period_id === i.adjusts_period_id &&
          a.adjusts_period_id === null &&
          a.invoice_to_id === invoiceToThen &&
          a.sku_code === i.sku_code,
      )
      .sort((a, b) => Number(b.billable) - Number(a.billable) || a.id - b.id);
    const first = candidates[0];
    if (first)
      prior.set(i.id, { price: first.unit_price, percent: first.billable ? first.discount_percent : null });
  }
  const services = new Map<string, Set<string>>();
  for (const i of items) {
    // Services held in the period: adjustments, charges or credits, correct another period's bill.
    if (!i.billable || i.sku_code === null || i.vendor === null || i.adjusts_period_id !== null) continue;
    if (dec(i.quantity).lt(0)) continue;
    const key = `${i.invoice_to_id}|${i.vendor}`;
    services.set(key, (services.get(key) ?? new Set()).add(i.sku_code));
  }
  const discount = new Map<string, string>();
  for (const [key, skus] of services) {
    const brackets = scenario.discounts.filter((d) => d.vendor === key.split('|')[1]);
    discount.set(key, vendorDiscountPercent(brackets, skus.size));
  }
  const laterParts = new Set(
    items
      .filter((i) =>
        items.some(
          (o) =>
            o.billable &&
            o.element_id === i.element_id &&
            o.adjusts_period_id === i.adjusts_period_id &&
            compareLocalDates(o.active_from, i.active_from) < 0,
        ),
      )
      .map((i) => i.id),
  );
  return { effective, discount, laterParts, prior };
}

/** amount = round(effective price x quantity x share x (1 - discount)), share per proration. */
export function checkPrice(
  problems: Problems,
  label: string,
  i: ItemRow,
  sku: SkuSpec | undefined,
  pricing: Pricing,
): void {
  if (!sku || !i.billable) {
    if (!dec(i.amount).isZero() || !dec(i.discount_percent).isZero()) {
      problems.add(`${label}: ${showItem(i)} is not charged yet has an amount or a discount`);
    }
    return;
  }
  const prior = pricing.prior.get(i.id);
  const price =
    prior?.price ??
    pricing.effective.get(`${i.invoice_to_id}|${sku.code}`) ??
    effectiveUnitPrice(sku.scheme, sku.price, sku.tiers, '0');
  const percent = prior?.percent ?? pricing.discount.get(`${i.invoice_to_id}|${sku.vendor}`) ?? '0';
  // share / shareOf, divided last: 0.14 x 1/28 is exactly 0.005, which rounds up.
  let share = dec(1);
  let shareOf = 1;
  if (i.kind !== 'usage' && sku.model !== 'usage') {
    if (sku.proration === 'daily') {
      share = dec(i.days_active);
      shareOf = i.period_days;
    } else if (pricing.laterParts.has(i.id)) {
      share = dec(0);
    }
  }
  const expected = roundHalfUp(
    dec(price)
      .times(i.quantity)
      .times(share)
      .times(dec(100).minus(percent))
      .dividedBy(shareOf * 100),
    2,
  );
  if (
    !dec(i.amount).eq(expected) ||
    !dec(i.discount_percent).eq(percent) ||
    !dec(i.unit_price).eq(dec(price).toDecimalPlaces(6))
  ) {
    problems.add(
      `${label}: ${showItem(i)} priced ${i.unit_price} less ${i.discount_percent}% = ${i.amount}, expected ${price} less ${percent}% = ${expected}`,
    );
  }
}
