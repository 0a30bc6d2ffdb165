import type { ElementKind, Timed } from './world.js';

/**
 * The world the property test draws from: three calendar periods of 2026, a catalogue of services
 * and products, names for rule patterns to match, and the ingestion slots entries are sent in.
 *
 * Ingestion slots (`seq`), in the order they are sent: main entries of Jan (and Dec) in slot 0,
 * of Feb in 2, of Mar/Apr in 6 (all in 0 when `upfront`); the others are LATE_SLOTS.
 */

export const PERIODS = [
  { start: '2026-01-01', end: '2026-01-31' },
  { start: '2026-02-01', end: '2026-02-28' },
  { start: '2026-03-01', end: '2026-03-31' },
] as const;
export const VENDORS = ['Microsoft', 'Citrix', 'Acme'] as const;

export const PRODUCTS: Record<Exclude<ElementKind, 'domain'> | 'usage', Record<string, string[]>> = {
  plan: { m365: ['E3', 'E5', 'BP'], backup: ['basic', 'pro'] },
  instance: { vm: ['small', 'large'], mailboxdb: ['std'] },
  application: { citrix: ['desktop', 'office'], avd: ['pool'] },
  usage: { storage: ['gb'], sms: ['msg'] },
};
export const DOMAIN_TLDS = ['com', 'nl', 'io', 'COM'];
export const SERVICES = [...Object.values(PRODUCTS).flatMap((s) => Object.keys(s)), 'domains'];

/** Every (kind, service, product) an element or usage entry can have; product null = catch-all. */
export const SLOTS: { kind: ElementKind | 'usage'; service: string; product: string | null }[] = [
  ...Object.entries(PRODUCTS).flatMap(([kind, services]) =>
    Object.entries(services).flatMap(([service, products]) => [
      { kind: kind as ElementKind | 'usage', service, product: null },
      ...products.map((product) => ({ kind: kind as ElementKind | 'usage', service, product })),
    ]),
  ),
  { kind: 'domain', service: 'domains', product: null },
  ...['com', 'nl', 'io'].map((product) => ({ kind: 'domain' as const, service: 'domains', product })),
];

// `_` and `%` are literal in names: a pattern 'demo_*' must not match 'DemoXShop' (LIKE escapes).
export const CUSTOMER_NAMES = [
  'Acme BV',
  'Demo Shop',
  'DEMO labs',
  'Globex',
  'Initech',
  'Test Klant',
  'umbrella bv',
  'Demo_Shop',
  'DemoXShop',
  '100% Test',
];
export const USER_NAMES = [
  'alice',
  'admin.bob',
  'Carol.Test@acme.nl',
  'dave',
  'ADMIN-eve',
  'frank.test@x.io',
  'gus',
];

export interface SkuSpec {
  code: string;
  vendor: string;
  price: string;
  model: 'recurring' | 'usage';
  proration: 'daily' | 'full';
  scheme: 'flat' | 'tiered' | 'volume';
  tiers: { fromQuantity: number; unitPrice: string }[];
}

export interface RuleSpec {
  beforePeriod: number;
  from: string | null;
  to: string | null;
  /** Index into the model's customers in creation order (resolved to an id when inserted). */
  customer: number | null;
  customerPattern: string | null;
  customerTag: string | null;
  userPattern: string | null;
  skuCode: string | null;
  vendor: string | null;
  service: string | null;
  elementKind: string | null;
}

/**
 * The slots of entries sent after their period was generated, in the order they are sent:
 * `sentAfter` is the period after whose generation (or approval, `onApproval`) they are sent,
 * `into` the periods their instants lie in given the approvals (null: the slot is empty), and
 * `regenerates` the period generated again right after them (null: the next period bills them).
 */
export const LATE_SLOTS: {
  slot: number;
  sentAfter: number;
  onApproval: boolean;
  /** `approve`: Jan and Feb approved when the slot is sent (approvalsWhenSent). */
  into: (approve: readonly [boolean, boolean]) => [number, number] | null;
  regenerates: number | null;
}[] = [
  // Late for an approved Jan, billed by Feb.
  { slot: 1, sentAfter: 0, onApproval: true, into: ([jan]) => (jan ? [0, 0] : null), regenerates: null },
  // Late for an approved Jan while Feb awaits approval: Feb is generated again.
  { slot: 3, sentAfter: 1, onApproval: false, into: ([jan]) => (jan ? [0, 0] : null), regenerates: 1 },
  // Late for the approved periods up to Feb, billed by Mar.
  {
    slot: 4,
    sentAfter: 1,
    onApproval: true,
    into: ([jan, feb]) => (feb ? [jan ? 0 : 1, 1] : null),
    regenerates: null,
  },
  // Feb approved before Jan: entries for the unapproved Jan, which is generated again.
  {
    slot: 5,
    sentAfter: 1,
    onApproval: true,
    into: ([jan, feb]) => (feb && !jan ? [0, 0] : null),
    regenerates: 0,
  },
  // Late for the approved periods up to Feb while Mar awaits approval (Jan perhaps approved after
  // Feb): Mar is generated again.
  {
    slot: 7,
    sentAfter: 2,
    onApproval: false,
    into: ([jan, feb]) => (feb ? [jan ? 0 : 1, 1] : null),
    regenerates: 2,
  },
];
/** Jan and Feb approved when the slots sent after period `sentAfter` go out. */
export function approvalsWhenSent(
  scenario: { approve: readonly [boolean, boolean]; janAfterFeb: boolean },
  sentAfter: number,
): [boolean, boolean] {
  const [jan, feb] = scenario.approve;
  return [jan || (scenario.janAfterFeb && sentAfter >= 2), feb];
}

export const MAIN_SLOTS = [0, 2, 6] as const;

export interface Scenario {
  skus: SkuSpec[];
  discounts: { vendor: string; minServices: number; percent: string }[];
  mappings: { kind: string; service: string; product: string | null; skuCode: string }[];
  entries: Timed[];
  rules: RuleSpec[];
  approve: [boolean, boolean];
  /** Jan, left open, is approved after Feb's approval and its late slots, before Mar is generated. */
  janAfterFeb: boolean;
  /** Within a slot, batches are cut in time order; `reverse` sends each batch's entries reversed. */
  chunks: number;
  reverse: boolean;
}
