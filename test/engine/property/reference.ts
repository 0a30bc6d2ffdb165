import type postgres from 'postgres';
import { addDays, compareLocalDates, matchesPattern } from '../../../billing/index.js';
import type { Scenario, SkuSpec } from './catalog.js';
import { dec, type Problems, showElement } from './findings.js';
import {
  type ElementRow,
  type ItemRow,
  loadChanges,
  loadElements,
  loadItems,
  loadPeriods,
  loadRefs,
  loadRules,
  type PeriodCustomerRow,
  type PeriodRow,
  type RuleRow,
} from './load.js';
import { type ElementModel, elementKey, type World } from './world.js';

/** What billing.md says an item should be, read from the scenario, the rules and the model. */

export function skuOf(
  scenario: Scenario,
  kind: string,
  service: string,
  product: string,
): SkuSpec | undefined {
  const mapping =
    scenario.mappings.find((m) => m.kind === kind && m.service === service && m.product === product) ??
    scenario.mappings.find((m) => m.kind === kind && m.service === service && m.product === null);
  return mapping ? scenario.skus.find((s) => s.code === mapping.skuCode) : undefined;
}

export function dates(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; compareLocalDates(d, to) < 0; d = addDays(d, 1)) out.push(d);
  return out;
}

export function matchingRules(rules: RuleRow[], item: ItemRow, pc: PeriodCustomerRow) {
  return rules
    .filter(
      (r) =>
        (r.customerId === null || r.customerId === item.customer_id) &&
        (r.customerPattern === null || matchesPattern(r.customerPattern, pc.name)) &&
        (r.customerTag === null || pc.tags.includes(r.customerTag)) &&
        (r.userPattern === null ||
          (item.user_name !== null && matchesPattern(r.userPattern, item.user_name))) &&
        (r.skuCode === null || r.skuCode === item.sku_code) &&
        (r.vendor === null || r.vendor === item.vendor) &&
        (r.service === null || r.service === item.service) &&
        (r.elementKind === null || r.elementKind === item.kind),
    )
    .map((r) => ({ id: r.id, from: r.from, to: r.to }));
}

export function covers(rule: { from: string | null; to: string | null }, date: string): boolean {
  return (
    (rule.from === null || compareLocalDates(rule.from, date) <= 0) &&
    (rule.to === null || compareLocalDates(date, rule.to) <= 0)
  );
}

export function winner(
  rules: { id: number; from: string | null; to: string | null }[],
  date: string,
): number | null {
  const ids = rules.filter((r) => covers(r, date)).map((r) => r.id);
  return ids.length === 0 ? null : Math.min(...ids);
}

export interface Loaded {
  periods: PeriodRow[];
  items: ItemRow[];
  elements: ElementRow[];
  rules: RuleRow[];
  refs: Awaited<ReturnType<typeof loadRefs>>;
  changes: Awaited<ReturnType<typeof loadChanges>>;
}

export async function loadAll(sql: postgres.Sql, tenantId: string): Promise<Loaded> {
  const [periods, items, elements, rules, refs, changes] = await Promise.all([
    loadPeriods(sql, tenantId),
    loadItems(sql, tenantId),
    loadElements(sql, tenantId),
    loadRules(sql, tenantId),
    loadRefs(sql, tenantId),
    loadChanges(sql, tenantId),
  ]);
  return { periods, items, elements, rules, refs, changes };
}

/** The DB's elements are exactly the model's; returns the model element of each element id. */
export function matchElements(loaded: Loaded, world: World, problems: Problems): Map<number, ElementModel> {
  const byKey = new Map(world.elements.map((e) => [elementKey(e), e]));
  const byId = new Map<number, ElementModel>();
  for (const row of loaded.elements) {
    const model = byKey.get(elementKey(row));
    if (!model) {
      problems.add(
        `element ${row.id} ${row.kind} '${row.ref}' of ${row.customer} started ${new Date(row.startedAt).toISOString()} is not in the model`,
      );
      continue;
    }
    byKey.delete(elementKey(row));
    byId.set(row.id, model);
    if (
      row.service !== model.service ||
      row.product !== model.product ||
      !dec(row.quantity).eq(model.quantity) ||
      row.endedAt !== model.endedAt ||
      row.startKey !== model.startKey ||
      row.endKey !== model.endKey
    ) {
      problems.add(
        `element ${row.id} differs from the model: db ${row.service}/${row.product} x${row.quantity} ended ${row.endedAt} by ${row.endKey}; model ${showElement(model)} by ${model.endKey}`,
      );
    }
  }
  for (const missing of byKey.values()) problems.add(`model element missing in db: ${showElement(missing)}`);
  return byId;
}
