import { addDays, daysBetween, type LocalDate } from '../../../../billing/dates.js';
import type { PricedItem } from '../../../../billing/engine/index.js';
import { toDecimal } from '../../../../billing/money.js';
import { chargedAmount } from '../../../../billing/proration.js';
import type { Close, World } from '../build.js';

/**
 * billing.md's invariants of one computed period, written from the spec rather than from the
 * engine: they look at the items only, and at the world's entries to know what should be there.
 */

/** How each SKU of the property catalog (recipe.ts) is charged. */
const MODE: Record<string, 'daily' | 'full' | 'usage'> = {
  SEAT: 'daily',
  VISIO: 'daily',
  BACKUP: 'daily',
  PLAIN: 'daily',
  SUPPORT: 'full',
  SMS: 'usage',
  GB: 'usage',
};

const zero = (amount: string) => toDecimal(amount).isZero();

/** A plain check: vitest's expect costs too much per item at thousands of runs. */
function same(got: unknown, want: unknown, what: string): void {
  const a = JSON.stringify(got);
  const b = JSON.stringify(want);
  if (a !== b) throw new Error(`${what}: got ${a}, want ${b}`);
}

/** Every item's amount follows from its own fields; non-billable and unmapped items are 0. */
export function checkAmounts(world: World, items: readonly PricedItem[]): void {
  const charged = (item: PricedItem, share: number, shareOf: number) =>
    chargedAmount({ ...item, share, shareOf, minorUnits: world.minorUnits });
  const fullCharges = new Map<string, number>();
  for (const item of items) {
    const where = `${item.skuCode} ${item.activeFrom}..${item.activeTo} of element ${item.elementId}`;
    same(item.billable, item.ruleId === null, `billable iff no rule: ${where}`);
    if (item.skuCode === null) {
      same([item.unmapped, zero(item.unitPrice), zero(item.amount)], [true, true, true], `unmapped ${where}`);
      continue;
    }
    if (!item.billable) {
      same([item.ruleName !== null, zero(item.amount)], [true, true], `non-billable ${where}`);
      // A credit keeps the rule of what it reverses, whose dates may have been edited since.
      if (toDecimal(item.quantity).isNegative()) continue;
      const rule = world.ruleById(item.ruleId as number);
      const lastDay = item.activeTo > item.activeFrom ? addDays(item.activeTo, -1) : item.activeFrom;
      same(
        rule !== undefined && (rule.from === null || rule.from <= item.activeFrom),
        true,
        `rule from covers ${where}`,
      );
      same(rule !== undefined && (rule.to === null || lastDay <= rule.to), true, `rule to covers ${where}`);
      continue;
    }
    const mode = MODE[item.skuCode];
    if (mode === 'usage') same(item.amount, charged(item, 1, 1), where);
    else if (mode === 'daily') same(item.amount, charged(item, item.daysActive, item.periodDays), where);
    else {
      // A full element is charged whole once per period it bills (or credits), on one billable part.
      same([charged(item, 1, 1), charged(item, 0, 1)].includes(item.amount), true, where);
      const key = `${item.elementId}:${item.adjustsPeriodId}:${toDecimal(item.quantity).comparedTo(0)}`;
      fullCharges.set(key, (fullCharges.get(key) ?? 0) + (item.amount === charged(item, 1, 1) ? 1 : 0));
    }
  }
  for (const [key, count] of fullCharges) same(count, 1, `full element ${key} charged once`);
}

/**
 * Every element of the world active in the period (or added in it) is itemised, its parts tiling
 * its active days [max(start, period start), min(end, period end + 1)) exactly once, in order;
 * an element added and removed on one day of the period is one 0-day item; others have none.
 */
export function checkDaysOnce(world: World, close: Close, customerIds?: ReadonlySet<number>): void {
  const { start, end } = close.period;
  const after = addDays(end, 1);
  const own = close.items.filter((item) => item.adjustsPeriodId === null && item.elementId !== null);
  for (const element of world.elementRows()) {
    if (customerIds && !customerIds.has(element.customerId)) continue;
    const parts = own
      .filter((item) => item.elementId === element.id)
      .sort((a, b) => (a.activeFrom < b.activeFrom ? -1 : a.activeFrom > b.activeFrom ? 1 : 0));
    const from: LocalDate = element.startDate > start ? element.startDate : start;
    const to: LocalDate = element.endDate === null || element.endDate > after ? after : element.endDate;
    const where = `element ${element.ref} ${element.startDate}..${element.endDate} in ${start}`;
    if (from < to) {
      same([parts[0]?.activeFrom, parts.at(-1)?.activeTo], [from, to], `${where}: first and last day`);
      parts.forEach((part, i) => {
        if (i > 0) same(part.activeFrom, parts[i - 1]?.activeTo, `${where}: parts contiguous`);
        same(part.daysActive, daysBetween(part.activeFrom, part.activeTo), `${where}: days of a part`);
        same(part.daysActive > 0, true, `${where}: no empty part`);
      });
      same(
        parts.reduce((sum, p) => sum + p.daysActive, 0),
        daysBetween(from, to),
        `${where}: days once`,
      );
    } else if (element.startDate >= start && element.startDate <= end) {
      same(
        parts.map((p) => [p.activeFrom, p.activeTo]),
        [[element.startDate, element.startDate]],
        `${where}: 0-day`,
      );
    } else same(parts.length, 0, `${where}: not in the period`);
  }
}

/** An order-free, comparable form of a period's items. */
export function canonical(items: readonly PricedItem[]): string[] {
  return items.map((item) => JSON.stringify(item, Object.keys(item).sort())).sort();
}

/**
 * Nothing lost (billing.md, "The change log"): what period `adjusted` billed itself plus every
 * adjustment since, per element and outcome, nets to what it computes now knowing everything.
 */
export function netByElement(
  world: World,
  adjustedId: number,
  ownItems: readonly PricedItem[],
  later: readonly PricedItem[],
  byOutcome = true,
) {
  const net = new Map<
    string,
    { sku: string | null; days: number; amount: ReturnType<typeof toDecimal>; items: number }
  >();
  const add = (item: PricedItem) => {
    if (item.elementId === null) return;
    const key = byOutcome
      ? `${world.elementRef(item.elementId)}:${item.billable}`
      : world.elementRef(item.elementId);
    const entry = net.get(key) ?? { sku: item.skuCode, days: 0, amount: toDecimal('0'), items: 0 };
    const sign = toDecimal(item.quantity).comparedTo(0);
    entry.days += sign * item.daysActive;
    entry.amount = entry.amount.plus(toDecimal(item.amount));
    entry.items += 1;
    net.set(key, entry);
  };
  for (const item of ownItems) if (item.adjustsPeriodId === null) add(item);
  for (const item of later) if (item.adjustsPeriodId === adjustedId) add(item);
  return net;
}
