import type { LocalDate } from '../dates.js';
import type { VendorDiscount } from '../discounts.js';
import type { ProrationMode } from '../proration.js';
import type { ItemCriteria } from '../rules.js';
import type { PriceTier, PricingScheme } from '../tiers.js';

/**
 * What the computation of one period's items needs for a set of invoice-to customers, as loaded from
 * the database (activities/load-shard.ts) or written by a test. Instants are already local dates in
 * the tenant's zone: every rule below compares dates, never instants.
 */

export type ElementKind = 'plan' | 'instance' | 'application' | 'domain' | 'usage';

export interface PeriodFacts {
  id: number;
  start: LocalDate;
  /** Inclusive. */
  end: LocalDate;
  minorUnits: number;
}

/** An approved (or exported), current revision before the period whose late entries it bills. */
export interface ApprovedPeriod {
  id: number;
  start: LocalDate;
  end: LocalDate;
  /** The newest change-log id its last computation saw: later entries are late for it. */
  seenThrough: number;
}

/** A customer as the period's snapshot of the tree has it (period_customers). */
export interface CustomerAtEnd {
  customerId: number;
  invoiceToId: number;
  name: string;
  tags: readonly string[];
}

export interface Element {
  id: number;
  customerId: number;
  userId: number | null;
  kind: ElementKind;
  service: string;
  product: string;
  /** Decimal string. */
  quantity: string;
  /** Local dates of started_at and ended_at (null: still active). */
  startDate: LocalDate;
  endDate: LocalDate | null;
  startChangeId: number;
  endChangeId: number | null;
}

export interface UsageEntry {
  changeId: number;
  customerId: number;
  userId: number | null;
  service: string;
  product: string;
  quantity: string;
  /** The local date it occurred on. */
  day: LocalDate;
}

/** A usage entry dated in an approved period, seen after it: billed here unless already billed. */
export interface LateUsageCandidate extends UsageEntry {
  /** True when an approved period's items already bill this change. */
  billed: boolean;
}

export interface Sku {
  code: string;
  vendor: string;
  unitPrice: string;
  billingModel: 'recurring' | 'usage';
  proration: ProrationMode;
  pricingScheme: PricingScheme;
  tiers: readonly PriceTier[];
}

export interface SkuMapping {
  kind: ElementKind;
  service: string;
  /** Null: the service's catch-all. */
  product: string | null;
  skuCode: string;
}

export interface Catalog {
  skus: ReadonlyMap<string, Sku>;
  mappings: readonly SkuMapping[];
  /** Multi-service discounts by vendor. */
  discounts: ReadonlyMap<string, readonly VendorDiscount[]>;
}

export interface Rule extends ItemCriteria {
  id: number;
  name: string;
  /** Inclusive local dates, null = open. */
  from: LocalDate | null;
  to: LocalDate | null;
}

/** An item of an approved period that billed (or credited) a late element. */
export interface BilledPart {
  elementId: number;
  customerId: number;
  /** The period it billed: its own, or the one it adjusts. */
  approvedId: number;
  activeFrom: LocalDate;
  activeTo: LocalDate;
  /** Sign of its quantity: +1 charged, -1 credited, 0 neither. */
  sign: number;
  billable: boolean;
  ruleId: number | null;
  ruleName: string | null;
}

/** What an approved period charged an invoice-to customer for a SKU: its first item, billable first. */
export interface PriorPrice {
  periodId: number;
  invoiceToId: number;
  skuCode: string;
  unitPrice: string;
  discountPercent: string;
  billable: boolean;
}

export interface ShardInputs {
  period: PeriodFacts;
  approved: readonly ApprovedPeriod[];
  customers: readonly CustomerAtEnd[];
  /** The customers' elements active in the period or changed after an approved period looked. */
  elements: readonly Element[];
  usage: readonly UsageEntry[];
  lateUsage: readonly LateUsageCandidate[];
  /** Users' names as they stood at the period's end. */
  userNames: ReadonlyMap<number, string>;
  catalog: Catalog;
  rules: readonly Rule[];
}

/** Looked up once the late elements and adjustments are known (two-phase load). */
export interface AdjustmentInputs {
  /** Approved periods' items of the late elements. */
  billed: readonly BilledPart[];
  priors: readonly PriorPrice[];
  /** Invoice-to customer of a customer in an adjusted period's tree: `${periodId}:${customerId}`. */
  adjustedInvoiceTo: ReadonlyMap<string, number>;
}

/** One item of the period, as stored in `items` (tenant and period aside). */
export interface Item {
  customerId: number;
  invoiceToId: number;
  userId: number | null;
  elementId: number | null;
  changeId: number | null;
  kind: ElementKind;
  service: string;
  product: string;
  customerName: string;
  userName: string | null;
  skuCode: string | null;
  vendor: string | null;
  unmapped: boolean;
  activeFrom: LocalDate;
  activeTo: LocalDate;
  daysActive: number;
  periodDays: number;
  quantity: string;
  carriedOver: boolean;
  adjustsPeriodId: number | null;
  billable: boolean;
  ruleId: number | null;
  ruleName: string | null;
}

export interface PricedItem extends Item {
  unitPrice: string;
  discountPercent: string;
  amount: string;
}
