import fc from 'fast-check';
import { addDays, type LocalDate } from '../../../../billing/dates.js';
import type { ElementKind } from '../../../../billing/engine/index.js';
import { World } from '../build.js';

/**
 * A random tenant for the pure property test: a customer tree, users, elements with random spans,
 * quantities and SKUs, usage, rules with random criteria and dates, and the slot each entry arrives
 * in (slot 0 before January is closed, slot k after the k-th month was approved, so entries of a
 * later slot dated in an approved month are late). Tree moves happen between slots too.
 */

export const MONTHS = ['2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01'] as const;
export const SLOTS = MONTHS.length;
const FIRST_DAY = '2025-12-20';
const LAST_OFFSET = 131; // 2026-04-30

/** Services and what the catalog maps them to (catalog below); `mystery` is unmapped. */
const SERVICES: { kind: ElementKind; service: string }[] = [
  { kind: 'plan', service: 'm365' },
  { kind: 'plan', service: 'visio' },
  { kind: 'instance', service: 'backup' },
  { kind: 'plan', service: 'support' },
  { kind: 'instance', service: 'plain' },
  { kind: 'instance', service: 'mystery' },
];
const USAGE_SERVICES = ['sms', 'egress', 'mystery'];
export const NAMES = ['Acme', 'Demo Shop', 'Beta', 'DEMO Corp', 'Gamma'];
const USER_NAMES = ['ann', 'admin', 'bob', 'qa.test', 'cy'];
const QUANTITIES = ['1', '2', '3', '0.5', '2.25', '10'];
const USAGE_QUANTITIES = ['1', '7', '33', '2.5375', '0.0125', '100'];

export type CustomerRecipe = {
  parent: number | null;
  relationship: 'direct' | 'via';
  billing: 'aggregate' | 'on_behalf';
  tagged: boolean;
  name: number;
};
export type ElementRecipe = {
  customer: number;
  user: number | null;
  service: number;
  product: number;
  quantity: string;
  start: number;
  /** Days after start, or null: never removed. */
  length: number | null;
  addSlot: number;
  /** Slots after addSlot the removal arrives in. */
  removeDelay: number;
};
export type UsageRecipe = {
  customer: number;
  user: number | null;
  service: number;
  quantity: string;
  day: number;
  slot: number;
};
export type RuleRecipe = {
  customer: number | null;
  customerTag: boolean;
  customerPattern: string | null;
  userPattern: string | null;
  skuCode: string | null;
  vendor: string | null;
  from: number | null;
  length: number | null;
};
export type MoveRecipe = { customer: number; parent: number | null; slot: number };
/** A rule's dates edited after some periods were approved (it keeps its id). */
export type RuleEditRecipe = { rule: number; from: number | null; length: number | null; slot: number };

export type Recipe = {
  customers: CustomerRecipe[];
  users: { customer: number; name: number }[];
  elements: ElementRecipe[];
  usage: UsageRecipe[];
  rules: RuleRecipe[];
  moves: MoveRecipe[];
  ruleEdits: RuleEditRecipe[];
  /** January approved after February (out of order), a March preview before February. */
  februaryFirst: boolean;
  marchPreview: boolean;
};

const slot = fc.integer({ min: 0, max: SLOTS - 1 });
const day = fc.integer({ min: 0, max: LAST_OFFSET });

function customerArb(index: number): fc.Arbitrary<CustomerRecipe> {
  return fc.record({
    parent: index === 0 ? fc.constant(null) : fc.option(fc.integer({ min: 0, max: index - 1 }), { freq: 2 }),
    relationship: fc.constantFrom('direct' as const, 'via' as const),
    billing: fc.constantFrom('aggregate' as const, 'on_behalf' as const),
    tagged: fc.boolean(),
    name: fc.integer({ min: 0, max: NAMES.length - 1 }),
  });
}

export const recipeArb: fc.Arbitrary<Recipe> = fc.integer({ min: 1, max: 5 }).chain((customerCount) => {
  const customer = fc.integer({ min: 0, max: customerCount - 1 });
  return fc.record({
    customers: fc.tuple(...Array.from({ length: customerCount }, (_, i) => customerArb(i))),
    users: fc.array(fc.record({ customer, name: fc.integer({ min: 0, max: USER_NAMES.length - 1 }) }), {
      maxLength: 4,
    }),
    elements: fc.array(
      fc.record({
        customer,
        user: fc.option(fc.nat(), { freq: 2 }),
        service: fc.integer({ min: 0, max: SERVICES.length - 1 }),
        product: fc.integer({ min: 0, max: 1 }),
        quantity: fc.constantFrom(...QUANTITIES),
        start: day,
        length: fc.option(fc.integer({ min: 0, max: 60 }), { freq: 2 }),
        addSlot: slot,
        removeDelay: fc.integer({ min: 0, max: 2 }),
      }),
      { maxLength: 12 },
    ),
    usage: fc.array(
      fc.record({
        customer,
        user: fc.option(fc.nat(), { freq: 2 }),
        service: fc.integer({ min: 0, max: USAGE_SERVICES.length - 1 }),
        quantity: fc.constantFrom(...USAGE_QUANTITIES),
        day,
        slot,
      }),
      { maxLength: 5 },
    ),
    rules: fc.array(
      fc.record({
        customer: fc.option(customer, { freq: 3 }),
        customerTag: fc.boolean(),
        customerPattern: fc.option(fc.constantFrom('Demo*', 'acme', '*a*'), { freq: 3 }),
        userPattern: fc.option(fc.constantFrom('admin*', '*.test@*'), { freq: 3 }),
        skuCode: fc.option(fc.constantFrom('SEAT', 'SUPPORT', 'SMS', 'PLAIN'), { freq: 3 }),
        vendor: fc.option(fc.constantFrom('Microsoft', 'Plain'), { freq: 4 }),
        from: fc.option(day, { freq: 3 }),
        length: fc.option(fc.integer({ min: 0, max: 40 }), { freq: 3 }),
      }),
      { maxLength: 3 },
    ),
    moves: fc.array(
      fc.record({
        customer,
        parent: fc.option(customer, { freq: 2 }),
        slot: fc.integer({ min: 1, max: SLOTS - 1 }),
      }),
      { maxLength: 2 },
    ),
    ruleEdits: fc.array(
      fc.record({
        rule: fc.nat(),
        from: fc.option(day, { freq: 3 }),
        length: fc.option(fc.integer({ min: 0, max: 40 }), { freq: 3 }),
        slot: fc.integer({ min: 1, max: SLOTS - 1 }),
      }),
      { maxLength: 1 },
    ),
    februaryFirst: fc.boolean(),
    marchPreview: fc.boolean(),
  });
});

function ruleDates(r: { from: number | null; length: number | null }) {
  const from = r.from === null ? null : dayOf(r.from);
  return { from, to: r.length === null ? null : addDays(from ?? dayOf(30), r.length) };
}

export function dayOf(offset: number): LocalDate {
  return addDays(FIRST_DAY, offset);
}

/** The catalog every recipe bills under: daily, full, volume, usage, a discount, an unmapped service. */
export function catalog(world: World): World {
  return world
    .sku('SEAT', { vendor: 'Microsoft', price: '31.00', maps: [['plan', 'm365', null]] })
    .sku('VISIO', { vendor: 'Microsoft', price: '15.50', maps: [['plan', 'visio', null]] })
    .sku('BACKUP', {
      vendor: 'Acronis',
      price: '10.00',
      scheme: 'volume',
      tiers: [[5, '8.00']],
      maps: [['instance', 'backup', null]],
    })
    .sku('SUPPORT', { vendor: 'MSP', price: '100.00', proration: 'full', maps: [['plan', 'support', null]] })
    .sku('PLAIN', { vendor: 'Plain', price: '6.665', maps: [['instance', 'plain', null]] })
    .sku('SMS', { vendor: 'Twilio', price: '0.0725', model: 'usage', maps: [['usage', 'sms', null]] })
    .sku('GB', { vendor: 'Wasabi', price: '0.40', model: 'usage', maps: [['usage', 'egress', null]] })
    .discount('Microsoft', 2, '10');
}

/** A world with the recipe's tree, users and rules, and no entry yet. */
export function emptyWorld(recipe: Recipe): World {
  const world = catalog(new World());
  recipe.customers.forEach((c, i) => {
    world.customer(`c${i}`, {
      name: `${NAMES[c.name]} ${i}`,
      ...(c.parent === null ? {} : { parent: `c${c.parent}`, relationship: c.relationship }),
      billing: c.billing,
      tags: c.tagged ? ['test'] : [],
    });
  });
  recipe.users.forEach((u, i) => {
    world.user(`u${i}`, `${USER_NAMES[u.name]}${i}@c${u.customer}.example`);
  });
  for (const r of recipe.rules) {
    world.rule({
      name: `rule ${world.rulesCount() + 1}`,
      ...(r.customer === null ? {} : { customer: `c${r.customer}` }),
      customerTag: r.customerTag ? 'test' : null,
      customerPattern: r.customerPattern,
      userPattern: r.userPattern,
      skuCode: r.skuCode,
      vendor: r.vendor,
      ...ruleDates(r),
    });
  }
  return world;
}

/** Sends the entries (and tree moves) of one slot; `upTo` sends every slot up to it at once. */
export function sendSlot(world: World, recipe: Recipe, slotIndex: number, upTo = false): void {
  const inSlot = (s: number) => (upTo ? s <= slotIndex : s === slotIndex);
  const userOf = (customer: number, user: number | null) => {
    if (user === null) return {};
    const own = recipe.users.map((u, i) => ({ ...u, i })).filter((u) => u.customer === customer);
    const picked = own[user % Math.max(1, own.length)];
    return picked ? { user: `u${picked.i}` } : {};
  };
  recipe.elements.forEach((e, i) => {
    const { kind, service } = SERVICES[e.service] as (typeof SERVICES)[number];
    const start = dayOf(e.start);
    if (inSlot(e.addSlot))
      world.add(`e${i}`, start, {
        customer: `c${e.customer}`,
        ...userOf(e.customer, e.user),
        kind,
        service,
        product: `p${e.product}`,
        quantity: e.quantity,
      });
    const removeSlot = Math.min(SLOTS - 1, e.addSlot + e.removeDelay);
    if (e.length !== null && inSlot(removeSlot)) world.remove(`e${i}`, addDays(start, e.length));
  });
  for (const u of recipe.usage)
    if (inSlot(u.slot))
      world.use(dayOf(u.day), {
        customer: `c${u.customer}`,
        ...userOf(u.customer, u.user),
        service: USAGE_SERVICES[u.service] as string,
        quantity: u.quantity,
      });
  for (const edit of recipe.ruleEdits) {
    // With `upTo` every edit so far applies: the world knowing everything has today's rules.
    if (recipe.rules.length === 0 || (upTo ? edit.slot > slotIndex : edit.slot !== slotIndex)) continue;
    world.editRule(`rule ${(edit.rule % recipe.rules.length) + 1}`, ruleDates(edit));
  }
  for (const m of recipe.moves) {
    // Only to an earlier customer, so the tree stays acyclic.
    if (!inSlot(m.slot)) continue;
    const parent = m.parent !== null && m.parent < m.customer ? `c${m.parent}` : undefined;
    world.move(`c${m.customer}`, parent === undefined ? { relationship: 'direct' } : { parent });
  }
}
