import { type LocalDate, lastDayOfMonth, localDateParts } from '../../../billing/dates.js';
import type { VendorDiscount } from '../../../billing/discounts.js';
import {
  adjustablePeriods,
  adjustedKeys,
  type CustomerAtEnd,
  type Element,
  type ElementKind,
  lateElementIds,
  type PricedItem,
  priceStaged,
  type Rule,
  type ShardInputs,
  type Sku,
  type SkuMapping,
  stageItems,
  type UsageEntry,
} from '../../../billing/engine/index.js';
import { billingTree, type CustomerNode } from '../../../billing/invoice-to.js';
import { billedParts, priorPrices } from './ledger.js';
import { itemLines, itemTotals } from './lines.js';

/**
 * A tenant's timeline written in a few readable lines, closed period by period through the pure
 * engine exactly as the close does it (activities/load-shard.ts, compute-shard.ts), with what
 * approved periods billed kept in memory instead of PostgreSQL. Periods are calendar months.
 */

export type SkuSpec = {
  vendor: string;
  price: string;
  model?: Sku['billingModel'];
  proration?: Sku['proration'];
  scheme?: Sku['pricingScheme'];
  tiers?: [fromQuantity: number, unitPrice: string][];
  maps: [kind: ElementKind, service: string, product: string | null][];
};

export type CustomerSpec = {
  name?: string;
  parent?: string;
  /** `via` its parent (default when it has one) or `direct`. */
  relationship?: 'direct' | 'via';
  billing?: 'aggregate' | 'on_behalf';
  tags?: string[];
};

export type RuleSpec = Partial<Omit<Rule, 'id' | 'name' | 'customerId'>> & {
  name: string;
  customer?: string;
};

type Customer = { id: number; ref: string; name: string; tags: string[]; node: CustomerNode };
export type ElementRow = Element & { ref: string };

export type StoredPeriod = {
  id: number;
  start: LocalDate;
  end: LocalDate;
  status: 'awaiting_approval' | 'approved';
  seenThrough: number;
  items: PricedItem[];
  /** invoice-to of each customer at the period's end (period_customers). */
  tree: Map<number, number>;
};

export type Close = {
  period: StoredPeriod;
  items: PricedItem[];
  lines: string[];
  totals: { items: number; billableItems: number; total: string };
};

export class World {
  private changeId = 0;
  private readonly customers = new Map<string, Customer>();
  private readonly users = new Map<string, { id: number; name: string }>();
  private readonly elements = new Map<string, ElementRow>();
  private readonly usage: UsageEntry[] = [];
  private readonly skus = new Map<string, Sku>();
  private readonly mappings: SkuMapping[] = [];
  private readonly discounts = new Map<string, VendorDiscount[]>();
  private readonly rules: Rule[] = [];
  readonly periods: StoredPeriod[] = [];
  private nextPeriodId = 1;

  constructor(readonly minorUnits = 2) {}

  sku(code: string, spec: SkuSpec): this {
    this.skus.set(code, {
      code,
      vendor: spec.vendor,
      unitPrice: spec.price,
      billingModel: spec.model ?? 'recurring',
      proration: spec.proration ?? 'daily',
      pricingScheme: spec.scheme ?? 'flat',
      tiers: (spec.tiers ?? []).map(([fromQuantity, unitPrice]) => ({ fromQuantity, unitPrice })),
    });
    for (const [kind, service, product] of spec.maps)
      this.mappings.push({ kind, service, product, skuCode: code });
    return this;
  }

  discount(vendor: string, minServices: number, percent: string): this {
    const brackets = this.discounts.get(vendor) ?? [];
    this.discounts.set(vendor, [...brackets, { minServices, percent }]);
    return this;
  }

  customer(ref: string, spec: CustomerSpec = {}): this {
    const parent = spec.parent === undefined ? null : this.customerOf(spec.parent);
    const id = this.customers.size + 1;
    this.customers.set(ref, {
      id,
      ref,
      name: spec.name ?? ref,
      tags: spec.tags ?? [],
      node: {
        id,
        parentId: parent?.id ?? null,
        relationship: spec.relationship ?? (parent ? 'via' : 'direct'),
        resellerBilling: spec.billing ?? 'aggregate',
      },
    });
    return this;
  }

  /** The tree from now on (customer.updated): later closes read it, approved periods keep theirs. */
  move(ref: string, spec: Pick<CustomerSpec, 'parent' | 'relationship' | 'billing'>): this {
    const customer = this.customerOf(ref);
    const parent = spec.parent === undefined ? null : this.customerOf(spec.parent);
    customer.node = {
      ...customer.node,
      parentId: parent?.id ?? null,
      relationship: spec.relationship ?? (parent ? 'via' : 'direct'),
      resellerBilling: spec.billing ?? customer.node.resellerBilling,
    };
    return this;
  }

  user(ref: string, name = ref): this {
    this.users.set(ref, { id: this.users.size + 1, name });
    return this;
  }

  /** Starts an element on a local date; `ref` names it for `remove`. */
  add(
    ref: string,
    on: LocalDate,
    what: {
      customer: string;
      user?: string;
      kind: ElementKind;
      service: string;
      product?: string;
      quantity?: string;
    },
  ): this {
    this.elements.set(ref, {
      ref,
      id: this.elements.size + 1,
      customerId: this.customerOf(what.customer).id,
      userId: what.user === undefined ? null : this.userOf(what.user).id,
      kind: what.kind,
      service: what.service,
      product: what.product ?? 'std',
      quantity: what.quantity ?? '1',
      startDate: on,
      endDate: null,
      startChangeId: ++this.changeId,
      endChangeId: null,
    });
    return this;
  }

  remove(ref: string, on: LocalDate): this {
    const element = this.elements.get(ref);
    if (!element) throw new Error(`unknown element ${ref}`);
    element.endDate = on;
    element.endChangeId = ++this.changeId;
    return this;
  }

  use(
    on: LocalDate,
    what: { customer: string; user?: string; service: string; product?: string; quantity: string },
  ): this {
    this.usage.push({
      changeId: ++this.changeId,
      customerId: this.customerOf(what.customer).id,
      userId: what.user === undefined ? null : this.userOf(what.user).id,
      service: what.service,
      product: what.product ?? 'std',
      quantity: what.quantity,
      day: on,
    });
    return this;
  }

  rule(spec: RuleSpec): this {
    this.rules.push({
      id: this.rules.length + 1,
      name: spec.name,
      from: spec.from ?? null,
      to: spec.to ?? null,
      customerId: spec.customer === undefined ? null : this.customerOf(spec.customer).id,
      customerPattern: spec.customerPattern ?? null,
      customerTag: spec.customerTag ?? null,
      userPattern: spec.userPattern ?? null,
      skuCode: spec.skuCode ?? null,
      vendor: spec.vendor ?? null,
      service: spec.service ?? null,
      kind: spec.kind ?? null,
    });
    return this;
  }

  elementRows(): readonly ElementRow[] {
    return [...this.elements.values()];
  }

  usageEntries(): readonly UsageEntry[] {
    return this.usage;
  }

  ruleById(id: number): Rule | undefined {
    return this.rules.find((rule) => rule.id === id);
  }

  rulesCount(): number {
    return this.rules.length;
  }

  /** A rule edit keeps the rule's id (and so its precedence). */
  editRule(name: string, changes: Partial<Omit<Rule, 'id'>>): this {
    const rule = this.rules.find((r) => r.name === name);
    if (!rule) throw new Error(`unknown rule ${name}`);
    Object.assign(rule, changes);
    return this;
  }

  /**
   * Computes (or recomputes, when not approved) the calendar month starting `start`, e.g.
   * '2026-02-01'; `invoiceTo` limits it to one shard of invoice-to customers (by ref).
   */
  close(start: LocalDate, invoiceTo?: readonly string[]): Close {
    const { year, month } = localDateParts(start);
    const end = lastDayOfMonth(year, month);
    const tree = new Map(
      billingTree([...this.customers.values()].map((c) => c.node)).map((n) => [n.id, n.invoiceToId]),
    );
    const shard = invoiceTo === undefined ? null : new Set(invoiceTo.map((ref) => this.customerOf(ref).id));
    const inputs = this.inputs(start, end, tree, shard);
    const billed = billedParts(this.periods, lateElementIds(inputs));
    const staged = stageItems(inputs, billed);
    const keys = adjustedKeys(staged);
    const adjustedInvoiceTo = new Map<string, number>();
    for (const key of keys) {
      const invoiceToId = this.periodById(key.periodId).tree.get(key.customerId);
      if (invoiceToId !== undefined) adjustedInvoiceTo.set(`${key.periodId}:${key.customerId}`, invoiceToId);
    }
    const priors = priorPrices(this.periods, keys, adjustedInvoiceTo);
    const items = priceStaged(inputs, staged, { billed, priors, adjustedInvoiceTo });
    let period = this.periods.find((p) => p.start === start);
    if (period?.status === 'approved') throw new Error(`${start} is approved`);
    if (shard === null) {
      if (!period) {
        period = {
          id: this.nextPeriodId++,
          start,
          end,
          status: 'awaiting_approval',
          seenThrough: 0,
          items: [],
          tree,
        };
        this.periods.push(period);
      }
      Object.assign(period, { items, tree, seenThrough: this.changeId });
    }
    const shown = period ?? {
      id: inputs.period.id,
      start,
      end,
      status: 'awaiting_approval',
      seenThrough: this.changeId,
      items,
      tree,
    };
    const world = this;
    // Lines and totals on demand: the property test closes thousands of periods and reads neither.
    return {
      period: shown,
      items,
      get lines() {
        return world.lines(items);
      },
      get totals() {
        return world.totals(items);
      },
    };
  }

  approve(start: LocalDate): this {
    const period = this.periods.find((p) => p.start === start);
    if (!period) throw new Error(`${start} was never computed`);
    period.status = 'approved';
    return this;
  }

  /** Lines as test/support/fixtures.ts itemLines writes them, in the same order. */
  lines(items: readonly PricedItem[]): string[] {
    const refOf = new Map([...this.customers.values()].map((c) => [c.id, c.ref]));
    return itemLines(
      items,
      (id) => refOf.get(id) ?? `#${id}`,
      (id) => this.periodById(id),
    );
  }

  totals(items: readonly PricedItem[]): Close['totals'] {
    return itemTotals(items, this.minorUnits);
  }

  customerId(ref: string): number {
    return this.customerOf(ref).id;
  }

  elementId(ref: string): number {
    const element = this.elements.get(ref);
    if (!element) throw new Error(`unknown element ${ref}`);
    return element.id;
  }

  elementRef(id: number): string {
    for (const element of this.elements.values()) if (element.id === id) return element.ref;
    throw new Error(`unknown element ${id}`);
  }

  /** The invoice-to customers (refs) of the tree as it stands now. */
  invoiceToRefs(): string[] {
    const refOf = new Map([...this.customers.values()].map((c) => [c.id, c.ref]));
    const payers = new Set(
      billingTree([...this.customers.values()].map((c) => c.node)).map((n) => n.invoiceToId),
    );
    return [...payers].map((id) => refOf.get(id) as string);
  }

  periodById(id: number): StoredPeriod {
    const period = this.periods.find((p) => p.id === id);
    if (!period) throw new Error(`unknown period ${id}`);
    return period;
  }

  /** What load-shard.ts reads for a period: customers of the shard, their elements and usage. */
  inputs(
    start: LocalDate,
    end: LocalDate,
    tree: Map<number, number>,
    shard: Set<number> | null,
  ): ShardInputs {
    const before = this.periods.filter((p) => p.start < start);
    const approved = adjustablePeriods(start, before);
    const customers: CustomerAtEnd[] = [...this.customers.values()]
      .filter((c) => tree.has(c.id) && (shard === null || shard.has(tree.get(c.id) as number)))
      .map((c) => ({ customerId: c.id, invoiceToId: tree.get(c.id) as number, name: c.name, tags: c.tags }));
    const ids = new Set(customers.map((c) => c.customerId));
    const minSeen = Math.min(...approved.map((a) => a.seenThrough));
    const billedChanges = new Set(
      this.periods
        .filter((p) => p.status === 'approved')
        .flatMap((p) => p.items.flatMap((i) => (i.changeId === null ? [] : [i.changeId]))),
    );
    return {
      period: {
        id: this.periods.find((p) => p.start === start)?.id ?? this.nextPeriodId,
        start,
        end,
        minorUnits: this.minorUnits,
      },
      approved,
      customers,
      elements: [...this.elements.values()]
        .filter((e) => ids.has(e.customerId))
        .map(({ ref: _ref, ...element }) => element),
      usage: this.usage.filter((u) => ids.has(u.customerId) && u.day >= start && u.day <= end),
      lateUsage:
        approved.length === 0
          ? []
          : this.usage
              .filter((u) => ids.has(u.customerId) && u.changeId > minSeen && u.day < start)
              .map((u) => ({ ...u, billed: billedChanges.has(u.changeId) })),
      userNames: new Map([...this.users.values()].map((u) => [u.id, u.name])),
      catalog: { skus: this.skus, mappings: this.mappings, discounts: this.discounts },
      rules: this.rules,
    };
  }

  private customerOf(ref: string): Customer {
    const customer = this.customers.get(ref);
    if (!customer) throw new Error(`unknown customer ${ref}`);
    return customer;
  }

  private userOf(ref: string): { id: number; name: string } {
    const user = this.users.get(ref);
    if (!user) throw new Error(`unknown user ${ref}`);
    return user;
  }
}
