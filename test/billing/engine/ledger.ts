import type { adjustedKeys, BilledPart, PriorPrice } from '../../../billing/engine/index.js';
import { toDecimal } from '../../../billing/money.js';
import type { StoredPeriod } from './build.js';

/**
 * What activities/load-shard.ts reads back from stored items, over the periods a World keeps in
 * memory: the approved periods' items of late elements, and the prices adjusted periods charged.
 */

/** loadBilledParts: the approved periods' items of the late elements. */
export function billedParts(periods: readonly StoredPeriod[], elementIds: readonly number[]): BilledPart[] {
  const late = new Set(elementIds);
  return periods
    .filter((p) => p.status === 'approved')
    .flatMap((p) =>
      p.items
        .filter((i) => i.elementId !== null && late.has(i.elementId))
        .map((i) => ({
          elementId: i.elementId as number,
          customerId: i.customerId,
          approvedId: i.adjustsPeriodId ?? p.id,
          activeFrom: i.activeFrom,
          activeTo: i.activeTo,
          sign: toDecimal(i.quantity).comparedTo(0),
          billable: i.billable,
          ruleId: i.ruleId,
          ruleName: i.ruleName,
        })),
    );
}

/** loadPriorPrices: the first own item per adjusted period, invoice-to customer, SKU and outcome. */
export function priorPrices(
  periods: readonly StoredPeriod[],
  keys: ReturnType<typeof adjustedKeys>,
  adjustedInvoiceTo: ReadonlyMap<string, number>,
): PriorPrice[] {
  const pairs = new Set(
    keys.map(
      (k) => `${k.periodId}:${adjustedInvoiceTo.get(`${k.periodId}:${k.customerId}`) ?? k.invoiceToId}`,
    ),
  );
  const priors = new Map<string, PriorPrice>();
  for (const period of periods) {
    for (const item of period.items) {
      if (item.adjustsPeriodId !== null || item.skuCode === null) continue;
      if (!pairs.has(`${period.id}:${item.invoiceToId}`)) continue;
      const key = `${period.id}:${item.invoiceToId}:${item.skuCode}:${item.billable}`;
      if (priors.has(key)) continue;
      priors.set(key, {
        periodId: period.id,
        invoiceToId: item.invoiceToId,
        skuCode: item.skuCode,
        unitPrice: item.unitPrice,
        discountPercent: item.discountPercent,
        billable: item.billable,
      });
    }
  }
  return [...priors.values()];
}
