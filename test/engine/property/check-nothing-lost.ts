import type postgres from 'postgres';
import { activeSpanOfDates, addDays, compareLocalDates, instantToLocalDate } from '../../../billing/index.js';
import type { Scenario } from './catalog.js';
import { Problems, showElement, showItem } from './findings.js';
import { dates, loadAll, matchElements, skuOf } from './reference.js';
import { localDate, type Timed, World, ZONE } from './world.js';

/**
 * After the last period: for every generated period A and element, what A and the adjustments of A
 * bill together is what the final log says A owed: per day for `daily` (and unmapped) elements, one
 * presence for `full` ones. Late usage is billed exactly once, as an adjustment.
 */
export async function checkNothingLost(
  sql: postgres.Sql,
  tenantId: string,
  scenario: Scenario,
  ingested: readonly Timed[],
): Promise<Problems> {
  const problems = new Problems();
  const world = World.replay(ingested);
  const loaded = await loadAll(sql, tenantId);
  const modelOf = matchElements(loaded, world, problems);
  for (const A of loaded.periods) {
    const label = `period ${A.start}..${A.end} (${A.status})`;
    for (const element of loaded.elements) {
      const model = modelOf.get(element.id);
      if (!model) continue;
      const span = activeSpanOfDates(
        instantToLocalDate(new Date(model.startedAt), ZONE),
        model.endedAt === null ? null : instantToLocalDate(new Date(model.endedAt), ZONE),
        { start: A.start, end: A.end },
      );
      const billed = loaded.items.filter(
        (i) =>
          i.element_id === element.id &&
          ((i.period_id === A.id && i.adjusts_period_id === null) || i.adjusts_period_id === A.id),
      );
      const sku = skuOf(scenario, model.kind, model.service, model.product);
      if (sku?.proration === 'full') {
        const own = billed.some((i) => i.adjusts_period_id === null) ? 1 : 0;
        const groups = new Set(
          billed
            .filter((i) => i.adjusts_period_id !== null)
            .map((i) => `${i.period_id}:${Math.sign(Number(i.quantity))}`),
        );
        const net = own + [...groups].reduce((n, g) => n + Number(g.split(':')[1]), 0);
        if (net !== (span === null ? 0 : 1)) {
          problems.add(
            `${label}: full-priced ${showElement(model)} is billed ${net} times for it (should be ${span === null ? 0 : 1}, span ${JSON.stringify(span)}): ${billed.map(showItem).join('; ')}`,
          );
        }
        // Charged (billable) presences: rules may waive the charge, never leave one that is not owed.
        const charged = billed.filter((i) => i.billable);
        const chargedOwn = charged.some((i) => i.adjusts_period_id === null) ? 1 : 0;
        const chargedGroups = new Set(
          charged
            .filter((i) => i.adjusts_period_id !== null)
            .map((i) => `${i.period_id}:${Math.sign(Number(i.quantity))}`),
        );
        const chargedNet = chargedOwn + [...chargedGroups].reduce((n, g) => n + Number(g.split(':')[1]), 0);
        if (chargedNet !== 0 && chargedNet !== (span === null ? 0 : 1)) {
          problems.add(
            `${label}: full-priced ${showElement(model)} is charged ${chargedNet} times for it (owed ${span === null ? 0 : 1}): ${billed.map(showItem).join('; ')}`,
          );
        }
        continue;
      }
      const wrong: string[] = [];
      for (const d of dates(A.start, addDays(A.end, 1))) {
        const count = billed
          .filter((i) => compareLocalDates(i.active_from, d) <= 0 && compareLocalDates(d, i.active_to) < 0)
          .reduce((n, i) => n + Math.sign(Number(i.quantity)), 0);
        const owed =
          span !== null &&
          compareLocalDates(span.activeFrom, d) <= 0 &&
          compareLocalDates(d, span.activeTo) < 0
            ? 1
            : 0;
        if (count !== owed) wrong.push(`${d}: ${count} (owed ${owed})`);
        // Charged days: a rule may waive an owed day, but no day is charged that is not owed.
        const charged = billed
          .filter(
            (i) =>
              i.billable && compareLocalDates(i.active_from, d) <= 0 && compareLocalDates(d, i.active_to) < 0,
          )
          .reduce((n, i) => n + Math.sign(Number(i.quantity)), 0);
        if (charged !== 0 && charged !== owed) wrong.push(`${d}: charged ${charged} (owed ${owed})`);
      }
      if (wrong.length > 0) {
        problems.add(
          `${label}: ${showElement(model)} net billed days wrong: ${wrong.slice(0, 4).join(', ')}${wrong.length > 4 ? ', ...' : ''}: ${billed.map(showItem).join('; ')}`,
        );
      }
    }
  }
  const changeByKey = new Map(loaded.changes.map((c) => [c.key, c]));
  for (const u of world.usage) {
    const change = changeByKey.get(u.key);
    if (!change) continue;
    const found = loaded.items.filter((i) => i.change_id === change.id);
    const date = localDate(u.at);
    const home = loaded.periods.find((p) => p.start <= date && date <= p.end);
    if (home && found.length !== 1)
      problems.add(
        `usage ${u.key} on ${date} has ${found.length} items in all: ${found.map(showItem).join('; ')}`,
      );
  }
  return problems;
}
