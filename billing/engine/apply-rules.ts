import { customerCriteriaMatch, itemCriteriaMatch, rangeTouches, splitByRules } from '../rules.js';
import type { CustomerAtEnd, Item, Rule, ShardInputs } from './inputs.js';
import { customerIndex } from './items.js';

/** The rules whose criteria select an item and whose dates touch its span. */
export function matchingRules(rules: readonly Rule[], item: Item, customer: CustomerAtEnd): Rule[] {
  return rulesOfCustomer(rules, customer).filter(
    (rule) => itemCriteriaMatch(rule, item) && rangeTouches(rule, item),
  );
}

// The customer criteria answer once per customer and rule set, not once per item.
const byCustomer = new WeakMap<readonly Rule[], WeakMap<CustomerAtEnd, Rule[]>>();

function rulesOfCustomer(rules: readonly Rule[], customer: CustomerAtEnd): Rule[] {
  let customers = byCustomer.get(rules);
  if (!customers) {
    customers = new WeakMap();
    byCustomer.set(rules, customers);
  }
  let selected = customers.get(customer);
  if (!selected) {
    const subject = {
      customerId: customer.customerId,
      customerName: customer.name,
      customerTags: customer.tags,
    };
    selected = rules.filter((rule) => customerCriteriaMatch(rule, subject));
    customers.set(customer, selected);
  }
  return selected;
}

/**
 * A matching rule makes the part of an item inside its dates non-billable: items are split at the
 * rule boundaries, the oldest (lowest id) rule wins where rules overlap (rules.ts). Credits keep the
 * outcome of what they reverse (adjustments.ts), so only charges are matched. Parts stay where their
 * item was, in order.
 */
export function applyRules(inputs: ShardInputs, items: readonly Item[]): Item[] {
  if (inputs.rules.length === 0) return [...items];
  const customers = customerIndex(inputs.customers);
  const rules = [...inputs.rules].sort((a, b) => a.id - b.id);
  const byId = new Map<number, Rule>(rules.map((rule) => [rule.id, rule]));
  const result: Item[] = [];
  for (const item of items) {
    const customer = customers.get(item.customerId);
    const quantityNegative = item.quantity.startsWith('-') && /[1-9]/.test(item.quantity);
    const matching = customer === undefined || quantityNegative ? [] : matchingRules(rules, item, customer);
    if (matching.length === 0) {
      result.push(item);
      continue;
    }
    for (const part of splitByRules(item, matching)) {
      result.push({
        ...item,
        activeFrom: part.activeFrom,
        activeTo: part.activeTo,
        daysActive: part.daysActive,
        carriedOver: item.carriedOver && part.activeFrom === item.activeFrom,
        billable: part.ruleId === null,
        ruleId: part.ruleId,
        ruleName: part.ruleId === null ? null : (byId.get(part.ruleId)?.name ?? null),
      });
    }
  }
  return result;
}
