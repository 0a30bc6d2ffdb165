import { instantToLocalDate } from '../../../billing/index.js';
import { ancestorsIn, type TreeState, treeBefore } from './tree.js';

/**
 * The reference model of the property test: a plain replay of change-log entries in time order,
 * written from billing.md and independent of the engine's ingestion code. Instants are epoch ms.
 */

export const ZONE = 'Europe/Amsterdam';

export type Entry = Record<string, unknown> & { key: string; kind: string; customer: string };

/** One entry with its instant and the ingestion slot it is sent in (see scenario.ts). */
export interface Timed {
  at: number;
  seq: number;
  entry: Entry;
}

export type ElementKind = 'plan' | 'instance' | 'application' | 'domain';

export interface CustomerModel {
  ref: string;
  createdAt: number;
  deletedAt: number | null;
  parent: string | null;
  relationship: 'direct' | 'via';
  resellerBilling: 'aggregate' | 'on_behalf';
  tags: string[];
  names: { at: number; name: string }[];
  /** Its place in the tree from creation and from each `customer.updated` (the fields above: the newest). */
  tree: TreeState[];
}

export interface UserModel {
  ref: string;
  customer: string;
  createdAt: number;
  deletedAt: number | null;
  names: { at: number; name: string }[];
}

export interface ElementModel {
  kind: ElementKind;
  customer: string;
  user: string | null;
  ref: string;
  service: string;
  product: string;
  quantity: string;
  startedAt: number;
  endedAt: number | null;
  startKey: string;
  endKey: string | null;
}

export interface UsageModel {
  key: string;
  at: number;
  customer: string;
  user: string | null;
  service: string;
  product: string;
  quantity: string;
}

export function identityKey(kind: ElementKind, customer: string, user: string | null, ref: string): string {
  return `${kind}|${customer}|${user ?? ''}|${ref}`;
}

export function elementKey(e: {
  kind: string;
  customer: string;
  user: string | null;
  ref: string;
  startedAt: number;
}): string {
  return `${e.kind}|${e.customer}|${e.user ?? ''}|${e.ref}|${e.startedAt}`;
}

/** The element an entry starts or ends: kind and identity ref. */
export function elementOfEntry(entry: Entry): { kind: ElementKind; ref: string } | null {
  switch (entry.kind) {
    case 'plan.changed':
      return { kind: 'plan', ref: entry.service as string };
    case 'instance.added':
    case 'instance.removed':
      return { kind: 'instance', ref: entry.instance as string };
    case 'application.added':
    case 'application.removed':
      return { kind: 'application', ref: entry.application as string };
    case 'domain.added':
    case 'domain.removed':
      return { kind: 'domain', ref: entry.domain as string };
    default:
      return null;
  }
}

export class World {
  readonly customers = new Map<string, CustomerModel>();
  readonly users = new Map<string, UserModel>();
  readonly elements: ElementModel[] = [];
  readonly live = new Map<string, ElementModel>();
  readonly usage: UsageModel[] = [];

  static replay(entries: readonly Timed[], before = Number.POSITIVE_INFINITY): World {
    const world = new World();
    for (const timed of [...entries].sort((a, b) => a.at - b.at)) {
      if (timed.at >= before) break;
      world.apply(timed);
    }
    return world;
  }

  aliveCustomer(ref: string, at: number): CustomerModel | undefined {
    const c = this.customers.get(ref);
    return c && c.createdAt <= at && (c.deletedAt === null || c.deletedAt > at) ? c : undefined;
  }

  aliveUser(ref: string, at: number): UserModel | undefined {
    const u = this.users.get(ref);
    return u && u.createdAt <= at && (u.deletedAt === null || u.deletedAt > at) ? u : undefined;
  }

  aliveCustomers(at: number): CustomerModel[] {
    return [...this.customers.values()].filter((c) => this.aliveCustomer(c.ref, at));
  }

  aliveUsersOf(customer: string, at: number): UserModel[] {
    return [...this.users.values()].filter((u) => u.customer === customer && this.aliveUser(u.ref, at));
  }

  /** Applies one entry; throws when it contradicts the state (a bug of the generator, not the engine). */
  apply({ at, entry }: Timed): void {
    const failure = (why: string) =>
      new Error(`model: ${entry.kind} ${entry.key} at ${new Date(at).toISOString()}: ${why}`);
    const user = typeof entry.user === 'string' ? entry.user : null;
    if (entry.kind === 'customer.created') {
      if (this.customers.has(entry.customer)) throw failure('customer exists');
      const parent = (entry.parent as string | undefined) ?? null;
      if (parent !== null && !this.aliveCustomer(parent, at)) throw failure('parent not alive');
      const place: TreeState = {
        at,
        parent,
        relationship: (entry.relationship as 'direct' | 'via' | undefined) ?? 'direct',
        resellerBilling: (entry.resellerBilling as 'aggregate' | 'on_behalf' | undefined) ?? 'aggregate',
        tags: (entry.tags as string[] | undefined) ?? [],
      };
      this.customers.set(entry.customer, {
        ref: entry.customer,
        createdAt: at,
        deletedAt: null,
        ...place,
        names: [{ at, name: entry.name as string }],
        tree: [place],
      });
      return;
    }
    const customer = this.aliveCustomer(entry.customer, at);
    if (!customer) throw failure('customer not alive');
    if (entry.kind === 'customer.updated') {
      this.move(customer, at, entry, failure);
      return;
    }
    if (entry.kind === 'user.created') {
      if (user === null || this.users.has(user)) throw failure('user exists');
      this.users.set(user, {
        ref: user,
        customer: customer.ref,
        createdAt: at,
        deletedAt: null,
        names: [{ at, name: entry.name as string }],
      });
      return;
    }
    const owner = user === null ? null : this.aliveUser(user, at);
    if (user !== null && (!owner || owner.customer !== customer.ref)) throw failure('user not alive');
    switch (entry.kind) {
      case 'customer.renamed':
        customer.names.push({ at, name: entry.name as string });
        return;
      case 'user.renamed':
        owner?.names.push({ at, name: entry.name as string });
        return;
      case 'customer.deleted':
        for (const e of [...this.live.values()]) if (e.customer === customer.ref) this.end(e, at, entry.key);
        for (const u of this.users.values()) {
          if (u.customer === customer.ref && u.deletedAt === null) u.deletedAt = at;
        }
        customer.deletedAt = at;
        return;
      case 'user.deleted':
        for (const e of [...this.live.values()]) if (e.user === user) this.end(e, at, entry.key);
        if (owner) owner.deletedAt = at;
        return;
      case 'usage.recorded':
        this.usage.push({
          key: entry.key,
          at,
          customer: customer.ref,
          user,
          service: entry.service as string,
          product: entry.product as string,
          quantity: String(entry.quantity),
        });
        return;
      default:
        break;
    }
    const element = elementOfEntry(entry);
    if (element === null) throw failure('unknown kind');
    const identity = identityKey(element.kind, customer.ref, user, element.ref);
    const live = this.live.get(identity);
    const isPlan = entry.kind === 'plan.changed';
    const ending = isPlan || entry.kind.endsWith('.removed');
    const starting = isPlan ? entry.plan !== null : !ending;
    if (ending && !live && !starting) throw failure('nothing live to end');
    if (!ending && live) throw failure('already live');
    if (ending && live) {
      if (!isPlan && 'service' in entry && entry.service !== live.service) throw failure('service differs');
      this.end(live, at, entry.key);
    }
    if (!starting) return;
    let service = entry.service as string;
    let product = (isPlan ? entry.plan : entry.product) as string;
    if (entry.kind === 'domain.added') {
      const domain = entry.domain as string;
      service = (entry.service as string | undefined) ?? 'domains';
      product =
        (entry.product as string | undefined) ?? domain.slice(domain.lastIndexOf('.') + 1).toLowerCase();
    }
    const started: ElementModel = {
      kind: element.kind,
      customer: customer.ref,
      user,
      ref: element.ref,
      service,
      product,
      quantity: entry.quantity === undefined ? '1' : String(entry.quantity),
      startedAt: at,
      endedAt: null,
      startKey: entry.key,
      endKey: null,
    };
    this.elements.push(started);
    this.live.set(identity, started);
  }

  /** A `customer.updated`: fields left out keep their value; refused as ingestion refuses it (billing-choices.md). */
  private move(customer: CustomerModel, at: number, entry: Entry, failure: (why: string) => Error): void {
    const parent = entry.parent === undefined ? customer.parent : (entry.parent as string | null);
    // Only a parent the entry names must be alive then; a kept one may have been deleted since.
    const named = typeof entry.parent === 'string' ? entry.parent : null;
    if (named !== null && (named === customer.ref || !this.aliveCustomer(named, at)))
      throw failure('parent not alive');
    const place: TreeState = {
      at,
      parent,
      relationship: (entry.relationship as TreeState['relationship'] | undefined) ?? customer.relationship,
      resellerBilling:
        (entry.resellerBilling as TreeState['resellerBilling'] | undefined) ?? customer.resellerBilling,
      tags: entry.tags === undefined ? customer.tags : [...new Set(entry.tags as string[])],
    };
    if (place.relationship === 'via' && place.parent === null) throw failure('via without a parent');
    // Entries are applied in time order, so the newest places are the tree at `at`.
    const tree = treeBefore(this.customers.values(), Number.POSITIVE_INFINITY);
    tree.set(customer.ref, place);
    try {
      ancestorsIn(tree, customer.ref);
    } catch {
      throw failure('loop in the tree');
    }
    Object.assign(customer, {
      parent: place.parent,
      relationship: place.relationship,
      resellerBilling: place.resellerBilling,
      tags: place.tags,
    });
    customer.tree.push(place);
  }

  /** Customers below `ref` now (its subtree without it): parents a move of `ref` must not take. */
  descendants(ref: string): Set<string> {
    const below = new Set<string>();
    let grew = true;
    while (grew) {
      grew = false;
      for (const c of this.customers.values()) {
        if (c.parent !== null && (c.parent === ref || below.has(c.parent)) && !below.has(c.ref)) {
          below.add(c.ref);
          grew = true;
        }
      }
    }
    return below;
  }

  private end(element: ElementModel, at: number, key: string): void {
    element.endedAt = at;
    element.endKey = key;
    this.live.delete(identityKey(element.kind, element.customer, element.user, element.ref));
  }
}

/** The name a party had just before `before` (the period snapshot: names valid from before its end). */
export function nameAt(names: { at: number; name: string }[], before: number): string | undefined {
  let found: { at: number; name: string } | undefined;
  for (const n of names) if (n.at < before && (!found || n.at > found.at)) found = n;
  return found?.name;
}

export function localDate(at: number): string {
  return instantToLocalDate(new Date(at), ZONE);
}
