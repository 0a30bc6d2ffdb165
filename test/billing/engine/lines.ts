import type { PricedItem } from '../../../billing/engine/index.js';
import { BillingDecimal, formatDecimal, toDecimal } from '../../../billing/money.js';

/**
 * Items as readable lines, exactly as test/support/fixtures.ts itemLines writes them from the
 * database, in the same order, so a pure scenario and its DB twin assert the same strings.
 */
export function itemLines(
  items: readonly PricedItem[],
  refOf: (customerId: number) => string,
  periodOf: (periodId: number) => { start: string; end: string },
): string[] {
  const sorted = [...items].sort(
    (a, b) =>
      cmp(refOf(a.customerId), refOf(b.customerId)) ||
      cmpNullsFirst(a.userName, b.userName) ||
      cmp(a.skuCode ?? `${a.service}/${a.product}`, b.skuCode ?? `${b.service}/${b.product}`) ||
      cmpNullsFirst(a.adjustsPeriodId, b.adjustsPeriodId) ||
      cmp(a.activeFrom, b.activeFrom) ||
      cmp(a.activeTo, b.activeTo) ||
      toDecimal(b.quantity).comparedTo(toDecimal(a.quantity)),
  );
  return sorted.map((item) => {
    const adjusted = item.adjustsPeriodId === null ? null : periodOf(item.adjustsPeriodId);
    const flags = [
      item.carriedOver ? 'carried over' : null,
      item.billable ? null : `not billable: ${item.ruleName ?? 'no rule'}`,
      item.unmapped ? 'unmapped' : null,
      toDecimal(item.discountPercent).isZero() ? null : `discount ${trim(item.discountPercent)}%`,
      adjusted ? `adjusts ${adjusted.start}..${adjusted.end}` : null,
    ].filter((flag) => flag !== null);
    return [
      refOf(item.customerId),
      item.userName ?? '-',
      item.skuCode ?? `${item.service}/${item.product}`,
      `${item.activeFrom}..${item.activeTo}`,
      `${item.daysActive}/${item.periodDays}`,
      `${trim(item.quantity)} x ${trim(item.unitPrice)} = ${item.amount}`,
      ...(flags.length > 0 ? [flags.join(', ')] : []),
    ].join(' | ');
  });
}

/** The period's totals as generatePeriod reports them: every item counts, amounts as rounded. */
export function itemTotals(items: readonly PricedItem[], minorUnits: number) {
  const total = items.reduce((sum, item) => sum.plus(toDecimal(item.amount)), new BillingDecimal(0));
  return {
    items: items.length,
    billableItems: items.filter((item) => item.billable).length,
    total: total.toFixed(minorUnits),
  };
}

function trim(value: string): string {
  return formatDecimal(toDecimal(value));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function cmpNullsFirst<T extends string | number>(a: T | null, b: T | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}
