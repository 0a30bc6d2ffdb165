import type postgres from 'postgres';
import type { PeriodTotals } from '../../../activities/roll-up.js';
import {
  activeSpanOfDates,
  addDays,
  compareLocalDates,
  daysBetween,
  instantToLocalDate,
  splitByRules,
} from '../../../billing/index.js';
import type { Scenario } from './catalog.js';
import { checkPrice, pricingOf } from './check-prices.js';
import { checkRollups } from './check-rollups.js';
import { dec, Problems, showElement, showItem } from './findings.js';
import { type ItemRow, loadPeriodCustomers, loadRollups } from './load.js';
import { dates, loadAll, matchElements, matchingRules, skuOf, winner } from './reference.js';
import { ancestorsIn, invoiceToIn, type TreeState, treeBefore } from './tree.js';
import { localDate, nameAt, type Timed, World, ZONE } from './world.js';

/**
 * Invariants of one generated period (1-5 and 7 of the test's list), against the model of the
 * entries ingested so far.
 */
export async function checkPeriod(
  sql: postgres.Sql,
  tenantId: string,
  periodId: number,
  scenario: Scenario,
  ingested: readonly Timed[],
  totals: PeriodTotals,
  /** Per period id: how many entries of `ingested` it was last computed with (its tree snapshot). */
  computedWith: ReadonlyMap<number, number>,
): Promise<Problems> {
  const problems = new Problems();
  const world = World.replay(ingested);
  const loaded = await loadAll(sql, tenantId);
  const period = loaded.periods.find((p) => p.id === periodId);
  if (!period) throw new Error(`period ${periodId} not found`);
  const label = `period ${period.start}..${period.end}`;
  const items = loaded.items.filter((i) => i.period_id === periodId);
  const modelOf = matchElements(loaded, world, problems);
  const { customerId, customerRef, userId, userRef } = loaded.refs;
  const periodById = new Map(loaded.periods.map((p) => [p.id, p]));

  // ---- the customer tree as it stood at the period's end
  const pcs = await loadPeriodCustomers(sql, periodId);
  const pcById = new Map(pcs.map((pc) => [pc.customerId, pc]));
  // The oracle's tree: each customer's last place before the period's end (tree.ts), not the SQL's.
  const tree = treeBefore(world.customers.values(), period.endsAt);
  const expectedCustomers = [...world.customers.values()].filter((c) => c.createdAt < period.endsAt);
  if (pcs.length !== expectedCustomers.length) {
    problems.add(
      `${label}: period_customers has ${pcs.length} customers, the model ${expectedCustomers.length}`,
    );
  }
  for (const c of expectedCustomers) {
    const id = customerId.get(c.ref) as number;
    const pc = pcById.get(id);
    if (!pc) {
      problems.add(`${label}: customer ${c.ref} missing from period_customers`);
      continue;
    }
    const place = tree.get(c.ref) as TreeState;
    const ancestors = ancestorsIn(tree, c.ref).map((ref) => customerId.get(ref) as number);
    const expectedName = nameAt(c.names, period.endsAt);
    const expectedInvoiceTo = customerId.get(invoiceToIn(tree, c.ref));
    if (
      pc.invoiceToId !== expectedInvoiceTo ||
      pc.parentId !== (place.parent === null ? null : customerId.get(place.parent)) ||
      pc.depth !== ancestors.length ||
      JSON.stringify(pc.ancestorIds) !== JSON.stringify(ancestors) ||
      pc.name !== expectedName ||
      JSON.stringify([...pc.tags].sort()) !== JSON.stringify([...place.tags].sort())
    ) {
      problems.add(
        `${label}: period customer ${c.ref} is ${JSON.stringify(pc)}, expected ${JSON.stringify(place)}, invoice_to ${expectedInvoiceTo}, ancestors ${JSON.stringify(ancestors)}, name ${expectedName}`,
      );
    }
  }

  // ---- every item
  const rulesFor = (i: ItemRow) => {
    const pc = pcById.get(i.customer_id);
    return pc ? matchingRules(loaded.rules, i, pc) : [];
  };
  // An adjustment is priced under its customer's invoice-to customer in the adjusted period's
  // snapshot (the tree as at that period's end, from the entries it was computed with), else today's.
  const today = treeBefore(world.customers.values(), Number.POSITIVE_INFINITY);
  const snapshots = new Map<number, Map<string, TreeState>>();
  const invoiceToThen = (i: ItemRow): number => {
    const adjusted = periodById.get(i.adjusts_period_id as number);
    const ref = customerRef.get(i.customer_id) as string;
    let then = snapshots.get(adjusted?.id ?? -1);
    if (adjusted && !then) {
      const known = World.replay(ingested.slice(0, computedWith.get(adjusted.id) ?? 0));
      then = treeBefore(known.customers.values(), adjusted.endsAt);
      snapshots.set(adjusted.id, then);
    }
    return customerId.get(then?.has(ref) ? invoiceToIn(then, ref) : invoiceToIn(today, ref)) as number;
  };
  const pricing = pricingOf(scenario, items, loaded.items, invoiceToThen);
  // A credit reverses what an approved period billed: its rule is that of the part it reverses.
  const reversedRule = (i: ItemRow, day: string): number | null | undefined =>
    loaded.items.find(
      (o) =>
        o.element_id === i.element_id &&
        dec(o.quantity).gt(0) &&
        (o.adjusts_period_id ?? o.period_id) === i.adjusts_period_id &&
        ['approved', 'exported'].includes(periodById.get(o.period_id)?.status ?? '') &&
        (o.days_active === 0 ? o.active_from === day : dates(o.active_from, o.active_to).includes(day)),
    )?.rule_id;
  for (const i of items) {
    const pc = pcById.get(i.customer_id);
    if (!pc) {
      problems.add(`${label}: ${showItem(i)} has a customer outside period_customers`);
      continue;
    }
    if (i.invoice_to_id !== pc.invoiceToId) {
      problems.add(`${label}: ${showItem(i)} invoice_to ${i.invoice_to_id}, expected ${pc.invoiceToId}`);
    }
    if (i.customer_name !== pc.name)
      problems.add(`${label}: ${showItem(i)} customer name '${i.customer_name}', snapshot '${pc.name}'`);
    // Invariant 2: no item outside its period (an adjustment: outside the period it adjusts).
    const home = i.adjusts_period_id === null ? period : periodById.get(i.adjusts_period_id);
    if (!home) {
      problems.add(`${label}: ${showItem(i)} adjusts an unknown period`);
      continue;
    }
    if (
      i.adjusts_period_id !== null &&
      (!['approved', 'exported'].includes(home.status) || home.start >= period.start)
    ) {
      problems.add(`${label}: ${showItem(i)} adjusts ${home.start} which is ${home.status}`);
    }
    if (
      compareLocalDates(i.active_from, home.start) < 0 ||
      compareLocalDates(i.active_to, addDays(home.end, 1)) > 0
    ) {
      problems.add(`${label}: ${showItem(i)} lies outside ${home.start}..${home.end}`);
    }
    const homeDays = daysBetween(home.start, addDays(home.end, 1));
    if (i.period_days !== homeDays || i.days_active !== daysBetween(i.active_from, i.active_to)) {
      problems.add(`${label}: ${showItem(i)} days inconsistent (period has ${homeDays} days)`);
    }
    if (i.billable !== (i.rule_id === null))
      problems.add(`${label}: ${showItem(i)} billable flag disagrees with its rule`);
    const sku = skuOf(scenario, i.kind, i.service, i.product);
    if (
      (i.sku_code ?? undefined) !== sku?.code ||
      (i.vendor ?? undefined) !== sku?.vendor ||
      i.unmapped !== !sku
    ) {
      problems.add(
        `${label}: ${showItem(i)} sku ${i.sku_code}/${i.vendor}/unmapped=${i.unmapped}, expected ${sku?.code ?? 'unmapped'}`,
      );
    }
    // Rules: every day of the item (its date, for a 0-day item) has the item's rule as its lowest matching rule.
    const matching = rulesFor(i);
    const days = i.days_active === 0 ? [i.active_from] : dates(i.active_from, i.active_to);
    const expectedRule = (d: string) => (dec(i.quantity).lt(0) ? reversedRule(i, d) : winner(matching, d));
    const wrongDay = days.find((d) => expectedRule(d) !== i.rule_id);
    if (wrongDay !== undefined) {
      problems.add(`${label}: ${showItem(i)} on ${wrongDay} should have rule ${expectedRule(wrongDay)}`);
    }
    checkPrice(problems, label, i, sku, pricing);
  }

  // ---- element items of the period (not adjustments): invariants 3, 4, 5
  const byElement = new Map<number, ItemRow[]>();
  for (const i of items) {
    if (i.element_id === null || i.adjusts_period_id !== null) continue;
    byElement.set(i.element_id, [...(byElement.get(i.element_id) ?? []), i]);
  }
  const bounds = { start: period.start, end: period.end };
  for (const element of loaded.elements) {
    const model = modelOf.get(element.id);
    if (!model) continue;
    const span = activeSpanOfDates(
      instantToLocalDate(new Date(model.startedAt), ZONE),
      model.endedAt === null ? null : instantToLocalDate(new Date(model.endedAt), ZONE),
      bounds,
    );
    const parts = (byElement.get(element.id) ?? []).sort(
      (a, b) =>
        compareLocalDates(a.active_from, b.active_from) || compareLocalDates(a.active_to, b.active_to),
    );
    byElement.delete(element.id);
    if (span === null) {
      if (parts.length > 0)
        problems.add(
          `${label}: element not active in the period has items: ${showElement(model)}: ${parts.map(showItem).join('; ')}`,
        );
      continue;
    }
    if (parts.length === 0) {
      problems.add(
        `${label}: element active ${span.activeFrom}..${span.activeTo} has no item: ${showElement(model)}`,
      );
      continue;
    }
    // Invariant 3: no day billed twice (spans of one element never overlap, billable or not).
    for (let k = 1; k < parts.length; k++) {
      const [prev, next] = [parts[k - 1] as ItemRow, parts[k] as ItemRow];
      if (compareLocalDates(next.active_from, prev.active_to) < 0) {
        problems.add(
          `${label}: overlapping items of ${showElement(model)}: ${showItem(prev)} and ${showItem(next)}`,
        );
      }
    }
    // Invariant 5: the spans are activeSpan split by the matching rules (billing/proration.ts, rules.ts).
    const first = parts[0] as ItemRow;
    const expected = splitByRules(span, rulesFor(first));
    const got = parts.map((p) => ({
      activeFrom: p.active_from,
      activeTo: p.active_to,
      daysActive: p.days_active,
      ruleId: p.rule_id,
    }));
    const daysSum = parts.reduce((n, p) => n + p.days_active, 0);
    if (daysSum !== span.daysActive || JSON.stringify(got) !== JSON.stringify(expected)) {
      problems.add(
        `${label}: ${showElement(model)}: items ${JSON.stringify(got)} but activeSpan ${JSON.stringify(span)} split by rules gives ${JSON.stringify(expected)}`,
      );
    }
    const carried = model.startedAt < period.startsAt;
    parts.forEach((p, k) => {
      if (p.carried_over !== (k === 0 && carried))
        problems.add(
          `${label}: ${showItem(p)} carried_over ${p.carried_over}, expected ${k === 0 && carried}`,
        );
      const user = model.user === null ? undefined : world.users.get(model.user);
      const userName = user ? nameAt(user.names, period.endsAt) : undefined;
      if (
        !dec(p.quantity).eq(model.quantity) ||
        customerRef.get(p.customer_id) !== model.customer ||
        (p.user_id === null ? null : userRef.get(p.user_id)) !== model.user ||
        p.kind !== model.kind ||
        p.service !== model.service ||
        p.product !== model.product ||
        (p.user_name ?? undefined) !== userName
      ) {
        problems.add(
          `${label}: ${showItem(p)} (user ${p.user_id} '${p.user_name}') does not describe ${showElement(model)} (user name '${userName}')`,
        );
      }
    });
  }
  for (const [id, rest] of byElement)
    problems.add(`${label}: items of unknown element ${id}: ${rest.map(showItem).join('; ')}`);

  // ---- usage: each usage entry of the period has exactly one item (invariant 4)
  const changeByKey = new Map(loaded.changes.map((c) => [c.key, c]));
  const changeById = new Map(loaded.changes.map((c) => [c.id, c]));
  const usageItems = new Map<number, ItemRow[]>();
  for (const i of items) {
    if (i.element_id === null && i.change_id === null)
      problems.add(`${label}: ${showItem(i)} has neither element nor change`);
    if (i.change_id !== null) usageItems.set(i.change_id, [...(usageItems.get(i.change_id) ?? []), i]);
  }
  for (const u of world.usage) {
    const change = changeByKey.get(u.key);
    if (!change) {
      problems.add(`usage ${u.key} is not stored`);
      continue;
    }
    const found = usageItems.get(change.id) ?? [];
    usageItems.delete(change.id);
    const date = localDate(u.at);
    const inPeriod = compareLocalDates(period.start, date) <= 0 && compareLocalDates(date, period.end) <= 0;
    const own = found.filter((i) => i.adjusts_period_id === null);
    const adjusting = found.filter((i) => i.adjusts_period_id !== null);
    if (own.length !== (inPeriod ? 1 : 0)) {
      problems.add(
        `${label}: usage ${u.key} on ${date} has ${own.length} items: ${found.map(showItem).join('; ')}`,
      );
    }
    if (
      adjusting.length > 0 &&
      (change.latePeriodId === null || adjusting.some((i) => i.adjusts_period_id !== change.latePeriodId))
    ) {
      problems.add(
        `${label}: usage ${u.key} (late for ${change.latePeriodId}) is adjusted: ${adjusting.map(showItem).join('; ')}`,
      );
    }
    for (const i of found) {
      const user = u.user === null ? undefined : world.users.get(u.user);
      const userName = user ? nameAt(user.names, period.endsAt) : undefined;
      if (
        i.active_from !== date ||
        i.active_to !== date ||
        i.kind !== 'usage' ||
        i.service !== u.service ||
        i.product !== u.product ||
        !dec(i.quantity).eq(u.quantity) ||
        i.customer_id !== customerId.get(u.customer) ||
        i.user_id !== (u.user === null ? null : (userId.get(u.user) ?? -1)) ||
        (i.adjusts_period_id === null && (i.user_name ?? undefined) !== userName)
      ) {
        problems.add(
          `${label}: ${showItem(i)} (user '${i.user_name}') does not describe usage ${u.key} ${JSON.stringify(u)} (snapshot user name '${userName}')`,
        );
      }
    }
  }
  for (const [id, rest] of usageItems) {
    problems.add(
      `${label}: items of change ${id} (${changeById.get(id)?.kind}) that is no usage entry: ${rest.map(showItem).join('; ')}`,
    );
  }
  // Adjustment items only for elements started or ended by an entry the adjusted period never saw.
  for (const i of items) {
    if (i.adjusts_period_id === null || i.element_id === null) continue;
    const element = loaded.elements.find((e) => e.id === i.element_id);
    const seen = periodById.get(i.adjusts_period_id)?.seenThrough ?? 0;
    if (!element || !(element.startChangeId > seen || (element.endChangeId ?? 0) > seen))
      problems.add(`${label}: ${showItem(i)} adjusts an element no late entry touched`);
  }

  // ---- invariant 1: items = customer totals = roll-ups, exactly
  checkRollups(problems, label, items, pcs, await loadRollups(sql, periodId), totals);
  return problems;
}
