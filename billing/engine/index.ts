import { adjustablePeriods, adjustmentItems, lateElementIds } from './adjustments.js';
import { applyRules } from './apply-rules.js';
import type { AdjustmentInputs, Item, PricedItem, ShardInputs } from './inputs.js';
import { periodItems } from './items.js';
import { priceItems } from './pricing.js';

export type * from './inputs.js';
export { type UnitsItem, unitsHeld } from './pricing.js';
export { adjustablePeriods, lateElementIds };

/**
 * The close's computation for whole invoice-to customers of one period, without I/O: the period's
 * own items and the adjustments of approved periods, split by the rules, then priced. The close
 * loads the inputs in two steps (activities/load-shard.ts): what late elements approved periods
 * billed depends on which elements are late, and the prices they charged on the adjustments made.
 */
export function stageItems(inputs: ShardInputs, billed: AdjustmentInputs['billed']): Item[] {
  const generated = [
    ...periodItems(inputs),
    ...adjustmentItems(inputs, { billed, priors: [], adjustedInvoiceTo: new Map() }),
  ];
  const ruleNames = new Map(inputs.rules.map((rule) => [rule.id, rule.name]));
  // A credit brings the rule name the item it reverses was computed with; older items had none.
  return applyRules(inputs, generated).map((item) =>
    item.ruleId !== null && item.ruleName === null
      ? { ...item, ruleName: ruleNames.get(item.ruleId) ?? null }
      : item,
  );
}

/** The (adjusted period, customer) pairs whose invoice-to and prices the adjustments need. */
export function adjustedKeys(
  items: readonly Item[],
): { periodId: number; customerId: number; invoiceToId: number }[] {
  const seen = new Map<string, { periodId: number; customerId: number; invoiceToId: number }>();
  for (const item of items) {
    if (item.adjustsPeriodId === null) continue;
    const { customerId, invoiceToId } = item;
    seen.set(`${item.adjustsPeriodId}:${customerId}`, {
      periodId: item.adjustsPeriodId,
      customerId,
      invoiceToId,
    });
  }
  return [...seen.values()];
}

export function priceStaged(
  inputs: ShardInputs,
  items: readonly Item[],
  adjustment: AdjustmentInputs,
): PricedItem[] {
  return priceItems(items, inputs.catalog, adjustment, inputs.period.minorUnits);
}
