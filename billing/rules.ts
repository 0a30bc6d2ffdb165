import { addDays, compareLocalDates, daysBetween, type LocalDate, parseLocalDate } from './dates.js';
import { matchesPattern } from './patterns.js';

/**
 * Billing rules cut an item at their date boundaries; the days inside a matching rule's range are
 * not billable and record the rule. Criteria matching happens before: these are matching rules.
 */

/** Inclusive local dates, null = open end (`to = 14 Mar` covers 14 Mar). */
export type RuleRange = { id: number; from: LocalDate | null; to: LocalDate | null };

/** Active local dates [activeFrom, activeTo), as in `ActiveSpan`. */
export type SpanDates = { activeFrom: LocalDate; activeTo: LocalDate };

/** One piece of an item: `ruleId` null = billable, otherwise the rule that made it non-billable. */
export type RulePart = {
  activeFrom: LocalDate;
  activeTo: LocalDate;
  daysActive: number;
  ruleId: number | null;
};

function assertRange(rule: RuleRange): void {
  if (rule.from !== null) parseLocalDate(rule.from);
  if (rule.to !== null) parseLocalDate(rule.to);
  if (rule.from !== null && rule.to !== null && compareLocalDates(rule.from, rule.to) > 0) {
    throw new RangeError(`rule ${rule.id} ends (${rule.to}) before it starts (${rule.from})`);
  }
}

function covers(rule: RuleRange, date: LocalDate): boolean {
  return (
    (rule.from === null || compareLocalDates(rule.from, date) <= 0) &&
    (rule.to === null || compareLocalDates(date, rule.to) <= 0)
  );
}

// Overlapping rules: the oldest (lowest id) wins, so adding a rule never relabels days already
// attributed to an earlier one.
function winningRule(rules: readonly RuleRange[], date: LocalDate): number | null {
  let winner: number | null = null;
  for (const rule of rules) {
    if (covers(rule, date) && (winner === null || rule.id < winner)) winner = rule.id;
  }
  return winner;
}

/**
 * Splits a span at the boundaries of the matching rules into ordered parts covering it exactly.
 * A 0-day span stays one 0-day part, marked with the rule covering its date, if any.
 */
export function splitByRules(span: SpanDates, matchingRules: readonly RuleRange[]): RulePart[] {
  const { activeFrom, activeTo } = span;
  const spanDays = daysBetween(parseLocalDate(activeFrom), parseLocalDate(activeTo));
  if (spanDays < 0) throw new RangeError(`span ends (${activeTo}) before it starts (${activeFrom})`);
  matchingRules.forEach(assertRange);
  if (spanDays === 0) {
    return [{ activeFrom, activeTo, daysActive: 0, ruleId: winningRule(matchingRules, activeFrom) }];
  }

  // Days where the set of covering rules can change: each rule's first day and the day after its last.
  const cuts = new Set<LocalDate>([activeFrom]);
  for (const rule of matchingRules) {
    for (const cut of [rule.from, rule.to === null ? null : addDays(rule.to, 1)]) {
      if (cut !== null && compareLocalDates(activeFrom, cut) < 0 && compareLocalDates(cut, activeTo) < 0) {
        cuts.add(cut);
      }
    }
  }
  const starts = [...cuts].sort(compareLocalDates);

  const parts: RulePart[] = [];
  starts.forEach((start, index) => {
    const end = starts[index + 1] ?? activeTo;
    const ruleId = winningRule(matchingRules, start);
    const previous = parts.at(-1);
    if (previous && previous.ruleId === ruleId) {
      previous.activeTo = end;
      previous.daysActive = daysBetween(previous.activeFrom, end);
    } else {
      parts.push({ activeFrom: start, activeTo: end, daysActive: daysBetween(start, end), ruleId });
    }
  });
  return parts;
}

/**
 * What a rule selects, besides its dates: every criterion set must match. Names are matched as
 * patterns (patterns.ts) against the period's snapshot of the customer and the item's user name.
 */
export interface ItemCriteria {
  customerId: number | null;
  customerPattern: string | null;
  customerTag: string | null;
  userPattern: string | null;
  skuCode: string | null;
  vendor: string | null;
  service: string | null;
  kind: string | null;
}

export interface CriteriaSubject {
  customerId: number;
  customerName: string;
  customerTags: readonly string[];
  userName: string | null;
  skuCode: string | null;
  vendor: string | null;
  service: string;
  kind: string;
}

/** Whether a rule's criteria select an item; an item without a user, SKU or vendor never matches one set. */
export function criteriaMatch(rule: ItemCriteria, item: CriteriaSubject): boolean {
  return customerCriteriaMatch(rule, item) && itemCriteriaMatch(rule, item);
}

/** The criteria about the customer: one answer for all of a customer's items. */
export function customerCriteriaMatch(
  rule: ItemCriteria,
  customer: Pick<CriteriaSubject, 'customerId' | 'customerName' | 'customerTags'>,
): boolean {
  return (
    (rule.customerId === null || rule.customerId === customer.customerId) &&
    (rule.customerPattern === null || matchesPattern(rule.customerPattern, customer.customerName)) &&
    (rule.customerTag === null || customer.customerTags.includes(rule.customerTag))
  );
}

/** The criteria about the item itself. */
export function itemCriteriaMatch(
  rule: ItemCriteria,
  item: Pick<CriteriaSubject, 'userName' | 'skuCode' | 'vendor' | 'service' | 'kind'>,
): boolean {
  return (
    (rule.userPattern === null ||
      (item.userName !== null && matchesPattern(rule.userPattern, item.userName))) &&
    (rule.skuCode === null || rule.skuCode === item.skuCode) &&
    (rule.vendor === null || rule.vendor === item.vendor) &&
    (rule.service === null || rule.service === item.service) &&
    (rule.kind === null || rule.kind === item.kind)
  );
}

/**
 * Whether a rule's dates touch an item's span [activeFrom, activeTo): they share a day, or, for a
 * 0-day item (usage, or added and removed the same day), the rule covers its date.
 */
export function rangeTouches(rule: RuleRange, span: SpanDates): boolean {
  const lastDay = span.activeTo > span.activeFrom ? addDays(span.activeTo, -1) : span.activeFrom;
  return (
    (rule.from === null || compareLocalDates(rule.from, lastDay) <= 0) &&
    (rule.to === null || compareLocalDates(span.activeFrom, rule.to) <= 0)
  );
}
