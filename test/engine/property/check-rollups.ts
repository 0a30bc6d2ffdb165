import type { PeriodTotals } from '../../../activities/roll-up.js';
import { dec, type Problems, sum } from './findings.js';
import type { ItemRow, PeriodCustomerRow, RollupRow } from './load.js';

/** Invariant 1: items = customer totals = invoice-to totals = roll-ups, exactly, and runStages' total. */
export function checkRollups(
  problems: Problems,
  label: string,
  items: ItemRow[],
  pcs: PeriodCustomerRow[],
  rollups: RollupRow[],
  totals: PeriodTotals,
): void {
  const total = sum(items.map((i) => i.amount));
  const level = (name: string) => rollups.filter((r) => r.level === name);
  const expectLevel = (name: string, groupOf: (i: ItemRow) => number[]) => {
    const expected = new Map<number, { amount: string[]; count: number }>();
    for (const i of items) {
      for (const id of groupOf(i)) {
        const entry = expected.get(id) ?? { amount: [], count: 0 };
        entry.amount.push(i.amount);
        entry.count++;
        expected.set(id, entry);
      }
    }
    const got = level(name);
    if (got.length !== expected.size) {
      problems.add(
        `${label}: ${got.length} ${name} roll-ups, expected ${expected.size} (${[...expected.keys()].join(',')})`,
      );
    }
    for (const r of got) {
      const e = expected.get(r.customerId);
      if (!e || !dec(r.amount).eq(sum(e.amount)) || r.itemCount !== e.count) {
        problems.add(
          `${label}: ${name} roll-up of ${r.customerId} is ${r.amount} (${r.itemCount} items), expected ${e ? sum(e.amount).toFixed() : 'none'} (${e?.count ?? 0} items)`,
        );
      }
      const pc = pcs.find((p) => p.customerId === r.customerId);
      if (pc && pc.depth !== r.depth)
        problems.add(
          `${label}: ${name} roll-up of ${r.customerId} has depth ${r.depth}, expected ${pc.depth}`,
        );
    }
    const levelTotal = sum(got.map((r) => r.amount));
    if (name !== 'reseller' && !levelTotal.eq(total)) {
      problems.add(`${label}: ${name} roll-ups sum to ${levelTotal.toFixed()}, items to ${total.toFixed()}`);
    }
  };
  const pcOf = new Map(pcs.map((pc) => [pc.customerId, pc]));
  const resellers = new Set(pcs.flatMap((pc) => (pc.parentId === null ? [] : [pc.parentId])));
  expectLevel('customer', (i) => [i.customer_id]);
  expectLevel('invoice_to', (i) => [i.invoice_to_id]);
  // Each reseller's roll-up is its whole subtree, itself included (period_customers.ancestor_ids).
  expectLevel('reseller', (i) =>
    [i.customer_id, ...(pcOf.get(i.customer_id)?.ancestorIds ?? [])].filter((id) => resellers.has(id)),
  );
  if (!dec(totals.total).eq(total.toDecimalPlaces(2)) || totals.items !== items.length) {
    problems.add(
      `${label}: runStages says ${totals.total} over ${totals.items} items, items sum to ${total.toFixed()} over ${items.length}`,
    );
  }
  if (totals.billableItems !== items.filter((i) => i.billable).length)
    problems.add(`${label}: runStages billable count differs`);
}
