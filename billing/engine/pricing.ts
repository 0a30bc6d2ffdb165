import { vendorDiscountPercent } from '../discounts.js';
import { BillingDecimal, type Decimal, formatDecimal, toDecimal } from '../money.js';
import { chargedAmount, chargeShare } from '../proration.js';
import { effectiveUnitPrice } from '../tiers.js';
import { pricedAsUsage } from './catalog.js';
import type { AdjustmentInputs, Catalog, Item, PricedItem, PriorPrice, Sku } from './inputs.js';

/**
 * Prices the items of whole invoice-to customers. Per invoice-to customer and SKU, the units held
 * place the customer on the SKU's tiers (tiers.ts); a vendor's multi-service discount applies when
 * the invoice-to customer takes enough distinct SKUs of it (discounts.ts); each item is then charged
 * its share and rounded once (proration.ts chargedAmount). Non-billable and unmapped items show the
 * price they would have had, for amount 0. An adjustment takes the adjusted period's price.
 */
export function priceItems(
  items: readonly Item[],
  catalog: Catalog,
  adjustment: Pick<AdjustmentInputs, 'priors' | 'adjustedInvoiceTo'>,
  minorUnits: number,
): PricedItem[] {
  const skuOf = (item: Pick<Item, 'skuCode'>) =>
    item.skuCode === null ? null : (catalog.skus.get(item.skuCode) ?? null);
  const unitPrices = effectivePrices(items, catalog, skuOf);
  const discounts = discountPercents(items, catalog);
  const priors = priorIndex(adjustment.priors);
  const firstParts = firstFullParts(items, skuOf);
  // Items repeat few distinct prices, quantities and shares: each distinct charge is computed once.
  const amounts = new Map<string, string>();
  const storedPrices = new Map<string, string>();
  const zero = toDecimal('0').toFixed(minorUnits);
  return items.map((item, index) => {
    const sku = skuOf(item);
    const charged = sku !== null && item.billable;
    const discount =
      item.vendor === null ? '0' : (discounts.get(`${item.invoiceToId}\u0000${item.vendor}`) ?? '0');
    let unitPrice =
      sku === null ? '0' : (unitPrices.get(`${item.invoiceToId}\u0000${sku.code}`) ?? sku.unitPrice);
    let discountPercent = discount;
    if (item.adjustsPeriodId !== null && sku !== null) {
      // An adjustment corrects the adjusted period's bill: its price and discount for the SKU and the
      // invoice-to customer as that period's tree had it, so a credit returns what was paid even
      // after the customer moved. A customer that tree lacks (created late) is looked up under today's.
      const invoiceTo =
        adjustment.adjustedInvoiceTo.get(`${item.adjustsPeriodId}:${item.customerId}`) ?? item.invoiceToId;
      const prior = priors.get(`${item.adjustsPeriodId}:${invoiceTo}\u0000${sku.code}`);
      if (prior) {
        unitPrice = prior.unitPrice;
        if (prior.billable) discountPercent = prior.discountPercent;
      }
    }
    const { share, shareOf } = chargeShare({
      usage: item.kind === 'usage' || (sku !== null && sku.billingModel === 'usage'),
      proration: sku?.proration ?? null,
      daysActive: item.daysActive,
      periodDays: item.periodDays,
      firstPart: firstParts.has(index),
    });
    let storedPrice = storedPrices.get(unitPrice);
    if (storedPrice === undefined) {
      storedPrice = toDecimal(unitPrice).toDecimalPlaces(6, BillingDecimal.ROUND_HALF_UP).toFixed(6);
      storedPrices.set(unitPrice, storedPrice);
    }
    let amount = zero;
    if (charged) {
      const key = `${unitPrice}|${item.quantity}|${share}|${shareOf}|${discountPercent}`;
      amount = amounts.get(key) ?? '';
      if (amount === '') {
        amount = chargedAmount({
          unitPrice,
          quantity: item.quantity,
          share,
          shareOf,
          discountPercent,
          minorUnits,
        });
        amounts.set(key, amount);
      }
    }
    return priced(item, storedPrice, charged ? discountPercent : '0', amount);
  });
}

// Every field written out: spreading an item and adding three fields cost more than all the pricing.
function priced(item: Item, unitPrice: string, discountPercent: string, amount: string): PricedItem {
  return {
    customerId: item.customerId,
    invoiceToId: item.invoiceToId,
    userId: item.userId,
    elementId: item.elementId,
    changeId: item.changeId,
    kind: item.kind,
    service: item.service,
    product: item.product,
    customerName: item.customerName,
    userName: item.userName,
    skuCode: item.skuCode,
    vendor: item.vendor,
    unmapped: item.unmapped,
    activeFrom: item.activeFrom,
    activeTo: item.activeTo,
    daysActive: item.daysActive,
    periodDays: item.periodDays,
    quantity: item.quantity,
    carriedOver: item.carriedOver,
    adjustsPeriodId: item.adjustsPeriodId,
    billable: item.billable,
    ruleId: item.ruleId,
    ruleName: item.ruleName,
    unitPrice,
    discountPercent,
    amount,
  };
}

/** Indexes of the first part (by date) of each full element per adjusted period, outcome and sign. */
function firstFullParts(items: readonly Item[], skuOf: (item: Item) => Sku | null): Set<number> {
  const first = new Map<string, number>();
  items.forEach((item, index) => {
    const sku = skuOf(item);
    if (sku === null || sku.proration !== 'full' || pricedAsUsage(item.kind, sku)) return;
    const key = `${item.elementId}:${item.adjustsPeriodId}:${item.billable}:${sign(item.quantity)}`;
    const seen = first.get(key);
    if (seen === undefined || item.activeFrom < (items[seen] as Item).activeFrom) first.set(key, index);
  });
  return new Set(first.values());
}

/** What counting units needs of an item. */
export type UnitsItem = Pick<
  Item,
  | 'invoiceToId'
  | 'skuCode'
  | 'kind'
  | 'quantity'
  | 'daysActive'
  | 'periodDays'
  | 'elementId'
  | 'billable'
  | 'adjustsPeriodId'
>;

/**
 * Units held per invoice-to customer and SKU: the average held over the period for daily SKUs (a
 * 10 -> 12 seat change mid-month is about 11, not 22), each element once for full SKUs, the units
 * used for usage. Unit-days are summed and divided once, so 2 seats split 23 + 5 days of 28 are
 * exactly 2. Adjustments of a SKU the period does not otherwise bill are priced as their own units.
 */
export function unitsHeld(
  items: readonly UnitsItem[],
  skuOf: (item: UnitsItem) => Sku | null,
): Map<string, Decimal> {
  // Unit-days tallied as whole days per distinct quantity (most items hold 1 for the whole period),
  // so the exact decimal arithmetic runs per distinct quantity, not per item.
  const dayTallies = new Map<string, { days: Map<string, number>; periodDays: number }>();
  const fullElements = new Map<string, Decimal>();
  const adjustmentUnits = new Map<string, Decimal>();
  const decimal = decimalCache();
  for (const item of items) {
    const sku = skuOf(item);
    if (sku === null) continue;
    const key = `${item.invoiceToId}\u0000${sku.code}`;
    if (item.adjustsPeriodId !== null) {
      const quantity = decimal(item.quantity).abs();
      const previous = adjustmentUnits.get(key);
      if (previous === undefined || quantity.greaterThan(previous)) adjustmentUnits.set(key, quantity);
      continue;
    }
    if (!item.billable) continue;
    let tally = dayTallies.get(key);
    if (!tally) {
      tally = { days: new Map(), periodDays: item.periodDays };
      dayTallies.set(key, tally);
    }
    const usage = pricedAsUsage(item.kind, sku);
    if (usage || sku.proration === 'daily') {
      const days = usage ? item.periodDays : item.daysActive;
      tally.days.set(item.quantity, (tally.days.get(item.quantity) ?? 0) + days);
    } else {
      // A full element counts once, at its largest quantity, however rules split it.
      const elementKey = `${key}\u0000${item.elementId}`;
      const quantity = decimal(item.quantity);
      const previous = fullElements.get(elementKey);
      if (previous === undefined || quantity.greaterThan(previous)) fullElements.set(elementKey, quantity);
    }
  }
  const units = new Map<string, Decimal>();
  const unitDays = new Map<string, Decimal>();
  for (const [key, tally] of dayTallies) {
    let total = new BillingDecimal(0);
    for (const [quantity, days] of tally.days) total = total.plus(decimal(quantity).times(days));
    unitDays.set(key, total);
  }
  for (const [elementKey, quantity] of fullElements) {
    const key = elementKey.slice(0, elementKey.lastIndexOf('\u0000'));
    const tally = dayTallies.get(key) as { periodDays: number };
    unitDays.set(key, (unitDays.get(key) as Decimal).plus(quantity.times(tally.periodDays)));
  }
  for (const [key, total] of unitDays) {
    units.set(key, total.dividedBy((dayTallies.get(key) as { periodDays: number }).periodDays));
  }
  for (const [key, quantity] of adjustmentUnits) if (!units.has(key)) units.set(key, quantity);
  return units;
}

/** Decimal strings parsed once per call: a period repeats few distinct quantities and prices. */
function decimalCache(): (value: string) => Decimal {
  const parsed = new Map<string, Decimal>();
  return (value) => {
    let decimal = parsed.get(value);
    if (decimal === undefined) {
      decimal = toDecimal(value);
      parsed.set(value, decimal);
    }
    return decimal;
  };
}

function effectivePrices(
  items: readonly Item[],
  catalog: Catalog,
  skuOf: (item: Pick<Item, 'skuCode'>) => Sku | null,
): Map<string, string> {
  const prices = new Map<string, string>();
  for (const [key, units] of unitsHeld(items, skuOf)) {
    const sku = catalog.skus.get(key.slice(key.indexOf('\u0000') + 1)) as Sku;
    prices.set(
      key,
      sku.pricingScheme === 'flat'
        ? sku.unitPrice
        : effectiveUnitPrice(sku.pricingScheme, sku.unitPrice, sku.tiers, formatDecimal(units)),
    );
  }
  return prices;
}

/**
 * A vendor's discount per invoice-to customer, by the distinct SKUs of it held this period. An
 * adjustment corrects another period's bill, so it neither adds a service nor, as a credit, counts.
 */
function discountPercents(items: readonly Item[], catalog: Catalog): Map<string, string> {
  const services = new Map<string, Set<string>>();
  for (const item of items) {
    if (!item.billable || item.skuCode === null || item.vendor === null || item.adjustsPeriodId !== null)
      continue;
    if (sign(item.quantity) < 0) continue;
    const key = `${item.invoiceToId}\u0000${item.vendor}`;
    const skus = services.get(key) ?? new Set<string>();
    services.set(key, skus.add(item.skuCode));
  }
  const percents = new Map<string, string>();
  for (const [key, skus] of services) {
    const brackets = catalog.discounts.get(key.slice(key.indexOf('\u0000') + 1));
    if (brackets && brackets.length > 0) percents.set(key, vendorDiscountPercent(brackets, skus.size));
  }
  return percents;
}

function priorIndex(priors: readonly PriorPrice[]): Map<string, PriorPrice> {
  const index = new Map<string, PriorPrice>();
  for (const prior of priors) {
    const key = `${prior.periodId}:${prior.invoiceToId}\u0000${prior.skuCode}`;
    const seen = index.get(key);
    // The billable item's price first: a non-billable one may be a rule's 0.
    if (!seen || (prior.billable && !seen.billable)) index.set(key, prior);
  }
  return index;
}

function sign(quantity: string): number {
  if (!/[1-9]/.test(quantity)) return 0;
  return quantity.startsWith('-') ? -1 : 1;
}
