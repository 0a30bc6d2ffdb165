import { addDays, compareLocalDates, daysBetween } from '../dates.js';
import { activeSpanOfDates } from '../proration.js';
import { skuResolver } from './catalog.js';
import type { CustomerAtEnd, Element, Item, ShardInputs, Sku } from './inputs.js';

/**
 * The period's own items: each element active on one of its dates, or started in it (a 0-day item,
 * still itemised), clipped to its dates; and each usage entry dated in it. Billable until the rules
 * say otherwise (apply-rules.ts).
 */
export function periodItems(inputs: ShardInputs): Item[] {
  const { period } = inputs;
  const customers = customerIndex(inputs.customers);
  const skuOf = skuResolver(inputs.catalog);
  const periodDays = daysBetween(period.start, addDays(period.end, 1));
  const items: Item[] = [];
  for (const element of inputs.elements) {
    const customer = customers.get(element.customerId);
    if (!customer) continue;
    const span = activeSpanOfDates(element.startDate, element.endDate, period);
    if (span === null) continue;
    items.push(
      elementItem(inputs, customer, element, skuOf(element.kind, element.service, element.product), {
        activeFrom: span.activeFrom,
        activeTo: span.activeTo,
        daysActive: span.daysActive,
        periodDays,
        quantity: element.quantity,
        carriedOver: compareLocalDates(element.startDate, period.start) < 0,
        adjustsPeriodId: null,
        billable: true,
        ruleId: null,
        ruleName: null,
      }),
    );
  }
  for (const entry of inputs.usage) {
    const customer = customers.get(entry.customerId);
    if (!customer) continue;
    if (compareLocalDates(entry.day, period.start) < 0 || compareLocalDates(entry.day, period.end) > 0)
      continue;
    items.push(usageItem(inputs, customer, entry, periodDays, null, skuOf));
  }
  return items;
}

/** What an item says of its span, quantity and outcome, beside its element, customer and SKU. */
export type ItemFacts = Pick<
  Item,
  | 'activeFrom'
  | 'activeTo'
  | 'daysActive'
  | 'periodDays'
  | 'quantity'
  | 'carriedOver'
  | 'adjustsPeriodId'
  | 'billable'
  | 'ruleId'
  | 'ruleName'
>;

/**
 * An element's item (its own, or an adjustment of it). Every field written out: a spread of the
 * element's fields into each item cost more than the rest of generating it.
 */
export function elementItem(
  inputs: ShardInputs,
  customer: CustomerAtEnd,
  element: Element,
  sku: Sku | null,
  facts: ItemFacts,
): Item {
  return {
    customerId: element.customerId,
    invoiceToId: customer.invoiceToId,
    userId: element.userId,
    elementId: element.id,
    changeId: null,
    kind: element.kind,
    service: element.service,
    product: element.product,
    customerName: customer.name,
    userName: userName(inputs, element.userId),
    skuCode: sku?.code ?? null,
    vendor: sku?.vendor ?? null,
    unmapped: sku === null,
    activeFrom: facts.activeFrom,
    activeTo: facts.activeTo,
    daysActive: facts.daysActive,
    periodDays: facts.periodDays,
    quantity: facts.quantity,
    carriedOver: facts.carriedOver,
    adjustsPeriodId: facts.adjustsPeriodId,
    billable: facts.billable,
    ruleId: facts.ruleId,
    ruleName: facts.ruleName,
  };
}

export function customerIndex(customers: readonly CustomerAtEnd[]): Map<number, CustomerAtEnd> {
  return new Map(customers.map((customer) => [customer.customerId, customer]));
}

export function userName(inputs: ShardInputs, userId: number | null): string | null {
  return userId === null ? null : (inputs.userNames.get(userId) ?? null);
}

/** A usage entry as an item of `periodDays` days (its own period's, or the adjusted one's). */
export function usageItem(
  inputs: ShardInputs,
  customer: CustomerAtEnd,
  entry: ShardInputs['usage'][number],
  periodDays: number,
  adjustsPeriodId: number | null,
  skuOf: ReturnType<typeof skuResolver>,
): Item {
  const sku = skuOf('usage', entry.service, entry.product);
  return {
    customerId: entry.customerId,
    invoiceToId: customer.invoiceToId,
    userId: entry.userId,
    elementId: null,
    changeId: entry.changeId,
    kind: 'usage',
    service: entry.service,
    product: entry.product,
    customerName: customer.name,
    userName: userName(inputs, entry.userId),
    skuCode: sku?.code ?? null,
    vendor: sku?.vendor ?? null,
    unmapped: sku === null,
    activeFrom: entry.day,
    activeTo: entry.day,
    daysActive: 0,
    periodDays,
    quantity: entry.quantity,
    carriedOver: false,
    adjustsPeriodId,
    billable: true,
    ruleId: null,
    ruleName: null,
  };
}
