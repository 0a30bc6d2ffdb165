import {
  addDays,
  compareLocalDates,
  daysBetween,
  type LocalDate,
  maxLocalDate,
  minLocalDate,
} from '../dates.js';
import { activeSpanOfDates } from '../proration.js';
import { splitByRules } from '../rules.js';
import { matchingRules } from './apply-rules.js';
import { skuResolver } from './catalog.js';
import { type DateRange, minus, union } from './date-ranges.js';
import type {
  AdjustmentInputs,
  ApprovedPeriod,
  BilledPart,
  CustomerAtEnd,
  Element,
  Item,
  ShardInputs,
} from './inputs.js';
import { customerIndex, elementItem, usageItem } from './items.js';

/**
 * Late entries (billing.md): an entry whose date falls in an approved period A that A's last
 * computation had not seen. For each element such an entry started or ended: what A should have
 * billed now minus what A and earlier adjustments did bill, as days: days missing are charged, days
 * billed in excess credited (negative quantity). `full` SKUs charge or credit whole, only when the
 * element's presence in A flips. Late usage not billed anywhere yet is billed here. Each is an item
 * of this period pointing back at A, priced as A charged it (pricing.ts).
 */

/**
 * The approved, current revisions before the period whose late entries it bills (`periods`: the
 * tenant's current revisions starting before it). Only the first period after an approved one that is
 * not approved bills its late entries, so two open periods never adjust the same entry: every day
 * between A and this period must lie in an approved period, and a period not opened yet counts as
 * not approved (a preview of March before February is opened must not adjust January).
 */
export function adjustablePeriods(
  periodStart: LocalDate,
  periods: readonly (ApprovedPeriod & { status: string })[],
): ApprovedPeriod[] {
  const isApproved = (p: { status: string }) => p.status === 'approved' || p.status === 'exported';
  const approved = periods
    .filter((p) => isApproved(p) && p.start < periodStart)
    .sort((a, b) => (a.start < b.start ? -1 : 1));
  return approved
    .filter((a) => {
      // Walk the approved periods after A: each must start the day after the last covered day.
      let covered = addDays(a.end, 1);
      for (const q of approved) {
        if (q.start <= a.start || covered >= periodStart) continue;
        if (q.start <= covered && addDays(q.end, 1) > covered) covered = addDays(q.end, 1);
      }
      return covered >= periodStart;
    })
    .map(({ id, start, end, seenThrough }) => ({ id, start, end, seenThrough }));
}

/** The approved periods an element changed in after they looked at it. */
function lateFor(element: Element, approved: readonly ApprovedPeriod[]): ApprovedPeriod[] {
  return approved.filter(
    (a) =>
      (element.startChangeId > a.seenThrough && compareLocalDates(element.startDate, a.end) <= 0) ||
      (element.endChangeId !== null &&
        element.endDate !== null &&
        element.endChangeId > a.seenThrough &&
        compareLocalDates(element.endDate, a.end) <= 0),
  );
}

/** The elements with a late entry for some approved period: their billed parts are loaded next. */
export function lateElementIds(inputs: ShardInputs): number[] {
  const customers = customerIndex(inputs.customers);
  return inputs.elements
    .filter((element) => customers.has(element.customerId) && lateFor(element, inputs.approved).length > 0)
    .map((element) => element.id);
}

export function adjustmentItems(inputs: ShardInputs, adjustment: AdjustmentInputs): Item[] {
  const customers = customerIndex(inputs.customers);
  const skuOf = skuResolver(inputs.catalog);
  const billedBy = new Map<string, BilledPart[]>();
  for (const part of adjustment.billed) {
    const key = `${part.elementId}:${part.approvedId}`;
    const parts = billedBy.get(key);
    if (parts) parts.push(part);
    else billedBy.set(key, [part]);
  }
  const items: Item[] = [];
  for (const element of inputs.elements) {
    const customer = customers.get(element.customerId);
    if (!customer) continue;
    for (const a of lateFor(element, inputs.approved)) {
      const parts = (billedBy.get(`${element.id}:${a.id}`) ?? []).filter(
        (p) => p.customerId === element.customerId,
      );
      const sku = skuOf(element.kind, element.service, element.product);
      const periodDays = daysBetween(a.start, addDays(a.end, 1));
      const item = (
        range: DateRange,
        quantity: string,
        outcome: Pick<Item, 'billable' | 'ruleId' | 'ruleName'>,
      ) =>
        elementItem(inputs, customer, element, sku, {
          ...span(range),
          periodDays,
          quantity,
          carriedOver: false,
          adjustsPeriodId: a.id,
          billable: outcome.billable,
          ruleId: outcome.ruleId,
          ruleName: outcome.ruleName,
        });
      const charge = { billable: true, ruleId: null, ruleName: null };
      const pieces =
        sku?.proration === 'full'
          ? fullPieces(element, a, parts, (owed) =>
              billableUnderRules(
                inputs,
                customer,
                item({ from: owed.activeFrom, to: owed.activeTo }, '1', charge),
              ),
            )
          : dailyPieces(element, a, parts);
      for (const piece of pieces) {
        if (piece.sign > 0) {
          // Charges are billed under today's rules (apply-rules.ts sees them).
          items.push(item(piece, element.quantity, charge));
          continue;
        }
        // A credit reverses what A billed, so it is cut along A's charged parts and keeps their
        // outcome: a rule created since cannot turn a refund of money paid into a non-billable 0.
        const charged = parts
          .filter((p) => p.sign > 0 && (!piece.billableOnly || p.billable))
          .sort((x, y) => (x.activeFrom < y.activeFrom ? -1 : x.activeFrom > y.activeFrom ? 1 : 0));
        for (const p of charged) {
          const overlaps = p.activeFrom < piece.to && p.activeTo > piece.from;
          if (sku?.proration !== 'full' && !overlaps) continue;
          const range = {
            from: maxLocalDate(piece.from, p.activeFrom),
            to: minLocalDate(piece.to, p.activeTo),
          };
          items.push(
            item(range, negate(element.quantity), {
              billable: p.billable,
              ruleId: p.ruleId,
              ruleName: p.ruleName,
            }),
          );
        }
      }
    }
  }
  for (const entry of inputs.lateUsage) {
    const customer = customers.get(entry.customerId);
    if (!customer || entry.billed) continue;
    const a = inputs.approved.find(
      (p) => compareLocalDates(p.start, entry.day) <= 0 && compareLocalDates(entry.day, p.end) <= 0,
    );
    if (!a || entry.changeId <= a.seenThrough) continue;
    items.push(usageItem(inputs, customer, entry, daysBetween(a.start, addDays(a.end, 1)), a.id, skuOf));
  }
  return items;
}

/** Days to charge (+1) or credit (-1); a credit of only what A charged billable, when `billableOnly`. */
type Piece = DateRange & { sign: 1 | -1; billableOnly?: boolean };

/** Whether today's rules leave any day of a span billable (a 0-day span: its date). */
function billableUnderRules(inputs: ShardInputs, customer: CustomerAtEnd, item: Item): boolean {
  const rules = matchingRules(
    [...inputs.rules].sort((x, y) => x.id - y.id),
    item,
    customer,
  );
  return rules.length === 0 || splitByRules(item, rules).some((part) => part.ruleId === null);
}

function span(range: DateRange) {
  return { activeFrom: range.from, activeTo: range.to, daysActive: daysBetween(range.from, range.to) };
}

/** Daily SKUs (and unmapped elements): the days owed in A against the days A's items billed. */
function dailyPieces(element: Element, a: ApprovedPeriod, parts: readonly BilledPart[]): Piece[] {
  const owedSpan = activeSpanOfDates(element.startDate, element.endDate, a);
  const owed = owedSpan ? union([{ from: owedSpan.activeFrom, to: owedSpan.activeTo }]) : [];
  const billed = minus(
    union(parts.filter((p) => p.sign > 0).map((p) => ({ from: p.activeFrom, to: p.activeTo }))),
    union(parts.filter((p) => p.sign < 0).map((p) => ({ from: p.activeFrom, to: p.activeTo }))),
  );
  return [
    ...minus(owed, billed).map((range) => ({ ...range, sign: 1 as const })),
    ...minus(billed, owed).map((range) => ({ ...range, sign: -1 as const })),
  ];
}

/**
 * Full SKUs: presence, not days, since a same-day add and remove is present for 0 days. What counts
 * is presence on a billable day: a late removal that leaves only days today's rules exclude credits
 * what A charged, as A computed now would charge nothing; a late start onto billable days charges.
 */
function fullPieces(
  element: Element,
  a: ApprovedPeriod,
  parts: readonly BilledPart[],
  billable: (owed: { activeFrom: LocalDate; activeTo: LocalDate; daysActive: number }) => boolean,
): Piece[] {
  const owed = activeSpanOfDates(element.startDate, element.endDate, a);
  const charged = parts.filter((p) => p.sign > 0);
  // A presence flips at most once each way, since late entries only start elements or end them.
  const billedPresent = charged.length > 0 && !parts.some((p) => p.sign < 0);
  const owedPiece = (owedSpan: NonNullable<typeof owed>): Piece[] => [
    { from: owedSpan.activeFrom, to: owedSpan.activeTo, sign: 1 },
  ];
  const creditPiece = (billableOnly: boolean): Piece[] => {
    const from = charged.reduce(
      (min, p) => (p.activeFrom < min ? p.activeFrom : min),
      charged[0]?.activeFrom ?? '',
    );
    const to = charged.reduce((max, p) => (p.activeTo > max ? p.activeTo : max), charged[0]?.activeTo ?? '');
    return [{ from, to, sign: -1, billableOnly }];
  };
  if (owed !== null && !billedPresent) return owedPiece(owed);
  if (owed === null) return billedPresent ? creditPiece(false) : [];
  const billedBillable = charged.some((p) => p.billable) && !parts.some((p) => p.sign < 0 && p.billable);
  const owedBillable = billable(owed);
  if (billedBillable && !owedBillable) return creditPiece(true);
  if (!billedBillable && owedBillable) return owedPiece(owed);
  return [];
}

function negate(quantity: string): string {
  return quantity.startsWith('-') ? quantity.slice(1) : `-${quantity}`;
}
