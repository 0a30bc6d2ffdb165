import fc from 'fast-check';
import { buildScenario } from './build-scenario.js';
import { LATE_SLOTS, type Scenario, SERVICES, SLOTS, VENDORS } from './catalog.js';

/**
 * Random but valid change logs. fast-check draws plain choices (numbers, flags); `buildScenario`
 * turns them into entries by simulating the state in time order, so every entry is valid by
 * construction and any shrunk choice list still builds a valid log.
 */

const nullable = <T>(arb: fc.Arbitrary<T>, weight = 3) =>
  fc.oneof({ weight, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });

// Days from 2026-01-01; boundary days (month ends/starts, the DST day 29 Mar) are drawn often.
const dayArb = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 119 }) },
  { weight: 2, arbitrary: fc.constantFrom(0, 30, 31, 58, 59, 86, 87, 88, 89, 90, 119) },
);
const secArb = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 86_399 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 1, 3_599, 3_600, 7_199, 82_800, 86_399) },
);
const quantityArb = fc.constantFrom<string | number | undefined>(
  undefined,
  '1',
  2,
  '3',
  '0.5',
  '10',
  '1.2345',
);
const offsetArb = fc.constantFrom(0, 60, 120, -300, 330);
const priceArb = fc.oneof(
  // Prices where a prorated amount lands exactly on a half cent (0.155 x 1/31 = 0.005).
  fc.constantFrom(
    '10',
    '7.5',
    '0.333333',
    '12.345678',
    '0',
    '99.99',
    '1.005',
    '0.155',
    '0.14',
    '6.665',
    '1.085',
    '0.465',
  ),
  fc
    .integer({ min: 0, max: 200_000_000 })
    .map((n) => `${Math.floor(n / 1e6)}.${String(n % 1e6).padStart(6, '0')}`),
);

// Mostly flat; tiered and volume with bands from small unit counts, so a few seats reach them.
const pricingArb = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.constant({
      scheme: 'flat' as const,
      tiers: [] as { fromQuantity: number; unitPrice: string }[],
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      scheme: fc.constantFrom('tiered' as const, 'volume' as const),
      tiers: fc.uniqueArray(
        fc.record({ fromQuantity: fc.constantFrom<number>(1, 2, 3, 5, 11), unitPrice: priceArb }),
        {
          maxLength: 3,
          selector: (t) => t.fromQuantity,
        },
      ),
    }),
  },
);

const OPS = [
  'plan',
  'add',
  'remove',
  'usage',
  'user',
  'plan',
  'add',
  'remove',
  'usage',
  'flash',
  'move',
  'move',
] as const;
const RARE_OPS = ['rename', 'deleteUser', 'rename', 'deleteUser', 'deleteCustomer'] as const;
const opArb = fc.record({
  op: fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...OPS) },
    { weight: 1, arbitrary: fc.constantFrom(...RARE_OPS) },
  ),
  day: dayArb,
  sec: secArb,
  a: fc.nat(999),
  b: fc.nat(999),
  c: fc.nat(999),
  quantity: quantityArb,
  offset: offsetArb,
});
export type Op = typeof opArb extends fc.Arbitrary<infer T> ? T : never;

const customerArb = fc.record({
  day: fc.oneof(
    fc.integer({ min: -12, max: -1 }),
    fc.integer({ min: 0, max: 10 }),
    fc.integer({ min: 0, max: 70 }),
  ),
  sec: secArb,
  parent: fc.nat(99),
  via: fc.boolean(),
  onBehalf: fc.boolean(),
  name: fc.nat(99),
  tags: fc.subarray(['test', 'demo']),
  offset: offsetArb,
});

const LATE_OPS = [
  'usage',
  'rename',
  'add',
  'addRemove',
  'remove',
  'plan',
  'deleteUser',
  'deleteCustomer',
  'move',
  'move',
] as const;
const lateArb = fc.record({
  op: fc.constantFrom(...LATE_OPS),
  pos: fc.nat(60),
  sec: secArb,
  // Set: just after an entry already in the window (so late changes meet earlier ones on the same day).
  near: nullable(fc.tuple(fc.nat(99), fc.constantFrom(1, 60_000, 3_600_000, 6 * 3_600_000)), 1),
  a: fc.nat(999),
  b: fc.nat(999),
  c: fc.nat(999),
  quantity: quantityArb,
  offset: offsetArb,
  delta: fc.constantFrom(1, 3_600_000, 86_400_000, 10 * 86_400_000, 40 * 86_400_000),
});
export type LateOp = typeof lateArb extends fc.Arbitrary<infer T> ? T : never;

const ruleArb = fc.record({
  beforePeriod: fc.nat(2),
  from: nullable(fc.integer({ min: -20, max: 100 }), 1),
  length: nullable(fc.integer({ min: 0, max: 60 }), 1),
  customer: nullable(fc.nat(9)),
  customerPattern: nullable(fc.constantFrom('Demo*', '*bv', 'test*', '?lobex', '*', 'demo_*', '*%*')),
  customerTag: nullable(fc.constantFrom('test', 'demo')),
  userPattern: nullable(fc.constantFrom('admin*', '*.test@*', '*a*')),
  sku: nullable(fc.nat(9)),
  vendor: nullable(fc.constantFrom(...VENDORS)),
  service: nullable(fc.constantFrom(...SERVICES)),
  elementKind: nullable(fc.constantFrom('plan', 'instance', 'application', 'domain', 'usage')),
});

export const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    recurring: fc.array(
      fc.record({
        price: priceArb,
        full: fc.boolean(),
        vendor: fc.constantFrom(...VENDORS),
        pricing: pricingArb,
      }),
      { minLength: 1, maxLength: 4 },
    ),
    usage: fc.array(
      fc.record({ price: priceArb, vendor: fc.constantFrom(...VENDORS), pricing: pricingArb }),
      {
        minLength: 1,
        maxLength: 2,
      },
    ),
    discounts: fc.uniqueArray(
      fc.record({
        vendor: fc.constantFrom(...VENDORS),
        minServices: fc.integer({ min: 2, max: 4 }),
        percent: fc.constantFrom('5', '10', '12.5', '33.33', '100'),
      }),
      { maxLength: 3, selector: (d) => `${d.vendor}:${d.minServices}` },
    ),
    mapping: fc.array(fc.integer({ min: -3, max: 3 }), { minLength: SLOTS.length, maxLength: SLOTS.length }),
    customers: fc.array(customerArb, { minLength: 1, maxLength: 6, size: 'max' }),
    ops: fc.array(opArb, { maxLength: 60, size: 'max' }),
    late: fc.tuple(...LATE_SLOTS.map(() => fc.array(lateArb, { maxLength: 5, size: 'max' }))),
    rules: fc.array(ruleArb, { maxLength: 3 }),
    approve: fc.tuple(fc.boolean(), fc.boolean()),
    janAfterFeb: fc.boolean(),
    upfront: fc.boolean(),
    chunks: fc.integer({ min: 1, max: 3 }),
    reverse: fc.boolean(),
  })
  .map((choices) => buildScenario(choices));

type Pricing = typeof pricingArb extends fc.Arbitrary<infer T> ? T : never;
export type Choices = {
  recurring: { price: string; full: boolean; vendor: string; pricing: Pricing }[];
  usage: { price: string; vendor: string; pricing: Pricing }[];
  discounts: Scenario['discounts'];
  mapping: number[];
  customers: (typeof customerArb extends fc.Arbitrary<infer T> ? T : never)[];
  ops: Op[];
  late: LateOp[][];
  rules: (typeof ruleArb extends fc.Arbitrary<infer T> ? T : never)[];
  approve: [boolean, boolean];
  /** With Jan left open and Feb approved: approve Jan after Feb, before Mar (out of order). */
  janAfterFeb: boolean;
  upfront: boolean;
  chunks: number;
  reverse: boolean;
};
