import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toDecimal } from '../../../billing/money.js';
import type { World } from './build.js';
import { canonical, checkAmounts, checkDaysOnce, netByElement } from './property/invariants.js';
import { emptyWorld, MONTHS, type Recipe, recipeArb, SLOTS, sendSlot } from './property/recipe.js';

/**
 * The pure engine against billing.md's invariants on random tenants (property/recipe.ts): a reseller
 * tree, elements, usage and rules, closed January to April with approvals (January perhaps after
 * February, a March preview before February), late entries and tree moves arriving between them.
 * Every close is checked (amounts, days billed once, rules, unmapped, shards), then what each
 * approved month billed plus its adjustments is compared with the month computed knowing everything.
 * The seed is printed on every run: PROPERTY_SEED replays it, PROPERTY_RUNS sets the count.
 */
const SEED = Number(process.env.PROPERTY_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.PROPERTY_RUNS ?? 2000);

/** Closes a month, first shard by shard (one invoice-to customer each), and checks the close. */
function close(world: World, month: string) {
  const payers = world.invoiceToRefs();
  const shards = payers.length < 2 ? [] : payers.flatMap((ref) => world.close(month, [ref]).items);
  const whole = world.close(month);
  if (payers.length > 1)
    expect(canonical(shards), `${month}: the same items whatever the shards`).toEqual(canonical(whole.items));
  checkAmounts(world, whole.items);
  checkDaysOnce(world, whole);
  return whole;
}

/** The timeline: slot k of entries arrives after the k-th approval. */
function timeline(recipe: Recipe): World {
  const [jan, feb, mar, apr] = MONTHS;
  const world = emptyWorld(recipe);
  sendSlot(world, recipe, 0);
  if (recipe.februaryFirst) {
    close(world, jan);
    close(world, feb);
    world.approve(feb);
    sendSlot(world, recipe, 1);
    close(world, jan);
    world.approve(jan);
  } else {
    close(world, jan);
    world.approve(jan);
    sendSlot(world, recipe, 1);
    if (recipe.marchPreview) close(world, mar);
    close(world, feb);
    world.approve(feb);
  }
  sendSlot(world, recipe, 2);
  close(world, mar);
  world.approve(mar);
  sendSlot(world, recipe, 3);
  close(world, apr);
  return world;
}

function checkNothingLost(recipe: Recipe, world: World): void {
  const known = emptyWorld(recipe);
  sendSlot(known, recipe, SLOTS - 1, true);
  const later = world.periods.flatMap((p) => p.items);
  for (const month of MONTHS.slice(0, 3)) {
    const billed = world.periods.find((p) => p.start === month);
    if (!billed) throw new Error(`${month} was not closed`);
    const now = known.close(month);
    // Rules edited since approval: credits keep the old outcome and charges meet the new one (by
    // design), so only the days net, whatever their outcome, and the money is not compared.
    const edited = recipe.rules.length > 0 && recipe.ruleEdits.length > 0;
    const net = netByElement(world, billed.id, billed.items, later, !edited);
    const expected = netByElement(known, now.period.id, now.items, [], !edited);
    // Full SKUs are charged for presence, not days: their money is compared below.
    const days = (map: typeof net) =>
      [...map]
        .flatMap(([key, entry]) =>
          entry.days === 0 || entry.sku === 'SUPPORT' ? [] : [`${key} ${entry.days}`],
        )
        .sort();
    expect(days(net), `${month}: days billed + adjusted = days known now`).toEqual(days(expected));
    if (edited) continue;
    // Flat SKUs without a discount keep their price: the money nets too, within each item's rounding.
    for (const key of new Set([...net.keys(), ...expected.keys()])) {
      const none = { sku: null, amount: toDecimal('0'), items: 0 };
      const got = net.get(key) ?? none;
      const want = expected.get(key) ?? none;
      const sku = got.sku ?? want.sku;
      if (sku !== 'PLAIN' && sku !== 'SUPPORT') continue;
      const tolerance = toDecimal('0.005').times(got.items + want.items);
      expect(
        got.amount.minus(want.amount).abs().lessThanOrEqualTo(tolerance),
        `${month} ${key}: ${got.amount} vs ${want.amount}`,
      ).toBe(true);
    }
  }
  // Usage dated January to April is billed exactly once, in its month or as one adjustment.
  const billedChanges = later.flatMap((item) => (item.changeId === null ? [] : [item.changeId]));
  for (const entry of world.usageEntries()) {
    if (entry.day < MONTHS[0] || entry.day > '2026-04-30') continue;
    expect(
      billedChanges.filter((id) => id === entry.changeId).length,
      `usage ${entry.changeId} on ${entry.day}`,
    ).toBe(1);
  }
}

describe('the pure engine on random tenants', () => {
  it('keeps billing.md invariants on every close and loses nothing across approvals', () => {
    console.log(`engine property test: seed ${SEED}, ${RUNS} runs (replay: PROPERTY_SEED=${SEED})`);
    fc.assert(
      fc.property(recipeArb, (recipe) => {
        checkNothingLost(recipe, timeline(recipe));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, 600_000);
});
