import { type Decimal, formatDecimal, toDecimal } from '../money.js';
import { ZERO } from './apportion.js';
import type { Reconciliation } from './match.js';

/** Billed, cost and margin summed over the lines of one vendor, customer or reseller subtree. */
export interface MarginTotal {
  billed: string;
  cost: string;
  margin: string;
  /** Lines whose cost is unknown (no vendor charge, no cost price): their billed counts, no margin. */
  linesWithoutCost: number;
}

export interface Margins {
  vendors: ({ vendor: string } & MarginTotal)[];
  customers: ({ customerId: number } & MarginTotal)[];
  /** Every customer with customers beneath it, over its whole subtree (billing.md's roll-up). */
  resellers: ({ customerId: number } & MarginTotal)[];
}

interface Running {
  billed: Decimal;
  cost: Decimal;
  margin: Decimal;
  linesWithoutCost: number;
}

/**
 * Margin = billed - cost per vendor, customer and reseller, each the sum of its lines' rounded
 * figures. `ancestors` gives each customer's resellers, nearest first (period_customers.ancestor_ids).
 */
export function reconciliationMargins(
  result: Reconciliation,
  ancestors: ReadonlyMap<number, readonly number[]>,
): Margins {
  const vendors = new Map<string, Running>();
  const customers = new Map<number, Running>();
  const resellers = new Map<number, Running>();
  const add = <K>(map: Map<K, Running>, key: K, line: Reconciliation['lines'][number]) => {
    const entry = map.get(key) ?? { billed: ZERO, cost: ZERO, margin: ZERO, linesWithoutCost: 0 };
    entry.billed = entry.billed.plus(toDecimal(line.billedAmount));
    if (line.cost === null || line.margin === null) entry.linesWithoutCost += 1;
    else {
      entry.cost = entry.cost.plus(toDecimal(line.cost));
      entry.margin = entry.margin.plus(toDecimal(line.margin));
    }
    map.set(key, entry);
  };
  for (const line of result.lines) {
    add(vendors, line.vendor, line);
    add(customers, line.customerId, line);
    for (const reseller of ancestors.get(line.customerId) ?? []) add(resellers, reseller, line);
  }
  const total = (entry: Running): MarginTotal => ({
    billed: formatDecimal(entry.billed),
    cost: formatDecimal(entry.cost),
    margin: formatDecimal(entry.margin),
    linesWithoutCost: entry.linesWithoutCost,
  });
  return {
    vendors: [...vendors]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([vendor, entry]) => ({ vendor, ...total(entry) })),
    customers: [...customers]
      .sort(([a], [b]) => a - b)
      .map(([customerId, entry]) => ({ customerId, ...total(entry) })),
    resellers: [...resellers]
      .sort(([a], [b]) => a - b)
      .map(([customerId, entry]) => ({ customerId, ...total(entry) })),
  };
}
