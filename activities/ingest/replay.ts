import {
  describe,
  describeIdentity,
  elementContradiction,
  elementTerms,
  iso,
  type Problem,
  problem,
} from './element-rules.js';
import { type Change, type Entry, elementOf, nameEntry, type Rejection, userOf } from './entry.js';
import {
  type CustomerState,
  type ElementKind,
  type ElementState,
  type IdentityState,
  identityKey,
  type Ledger,
  newCustomerState,
  track,
  type UserState,
} from './ledger.js';
import type { NewElement, PartyUpdate, WritePlan } from './write-plan.js';

/**
 * Replays a batch against the ledger in (occurredAt, position) order, as if each entry were applied
 * in turn, and collects the writes. An entry that contradicts the state is rejected and has no effect,
 * so later entries are judged against the state without it.
 */

/** Where the batch creates a ref, and which entries are rejected, for clearer reasons. */
export interface Creations {
  customers: Map<string, number>;
  users: Map<string, number>;
  rejected: Set<number>;
}

export function replay(changes: Change[], ledger: Ledger, creations: Creations) {
  const plan: WritePlan = {
    newCustomers: [],
    customerUpdates: [],
    newUsers: [],
    userUpdates: [],
    names: [],
    treeChanges: [],
    newElements: [],
    endedElements: [],
  };
  const rejected: Rejection[] = [];

  const ordered = [...changes].sort((a, b) => a.at - b.at || a.index - b.index);
  for (const change of ordered) {
    const outcome = apply(change);
    if (outcome === undefined) continue;
    creations.rejected.add(change.index);
    const reason = `${nameEntry(change.index, change.entry.key)}: ${outcome.text}`;
    rejected.push({ index: change.index, key: change.entry.key, field: outcome.field, reason });
  }
  return { plan, rejected };

  function apply(change: Change): Problem | undefined {
    const { entry, at } = change;
    if (entry.kind === 'customer.created') return createCustomer(change, entry);
    const starts =
      entry.kind === 'user.created' ||
      entry.kind === 'instance.added' ||
      entry.kind === 'application.added' ||
      entry.kind === 'domain.added' ||
      (entry.kind === 'plan.changed' && entry.plan !== null);
    const customer = customerAt(entry.customer, at, starts, 'customer');
    if (typeof customer === 'string') return problem('customer', customer);
    let user: UserState | null = null;
    if (entry.kind !== 'user.created') {
      const userRef = userOf(entry);
      if (userRef !== null) {
        const found = userAt(userRef, entry.customer, at, starts);
        if (typeof found === 'string') return problem('user', found);
        user = found;
      }
    }
    switch (entry.kind) {
      case 'customer.deleted':
        return deleteParty(change, customer, null);
      case 'customer.renamed':
        return rename(change, 'customer', customer, entry.name);
      case 'customer.updated':
        return moveCustomer(change, entry, customer);
      case 'user.created':
        return createUser(change, customer, entry.user, entry.name);
      case 'user.deleted':
        return deleteParty(change, customer, user);
      case 'user.renamed':
        return rename(change, 'user', user as UserState, entry.name);
      case 'usage.recorded':
        return undefined;
      default:
        return changeElement(change, entry, customer, user);
    }
  }

  function createCustomer(change: Change, entry: Extract<Entry, { kind: 'customer.created' }>) {
    const existing = ledger.customers.get(entry.customer);
    if (existing !== undefined) {
      const deleted =
        existing.deletedAt === null ? '' : ` (deleted at ${iso(existing.deletedAt)}; refs stay taken)`;
      return problem('customer', `customer '${entry.customer}' already exists${deleted}`);
    }
    let parent: CustomerState | null = null;
    if (entry.parent !== undefined) {
      const found = customerAt(entry.parent, change.at, true, 'parent customer');
      if (typeof found === 'string') return problem('parent', found);
      parent = found;
    }
    const state = newCustomerState(entry.customer, { createdAt: change.at });
    state.created = {
      state,
      name: entry.name,
      parent,
      relationship: entry.relationship ?? 'direct',
      resellerBilling: entry.resellerBilling ?? 'aggregate',
      tags: entry.tags ?? [],
      createdAt: entry.occurredAt,
      deletedAt: null,
    };
    ledger.customers.set(entry.customer, state);
    plan.newCustomers.push(state.created);
    plan.names.push({ subject: 'customer', party: state, name: entry.name, change });
    return undefined;
  }

  /** A tree change: the parent must exist then; cycles and a `via` without a parent are judged later (tree-changes.ts). */
  function moveCustomer(
    change: Change,
    entry: Extract<Entry, { kind: 'customer.updated' }>,
    customer: CustomerState,
  ) {
    let parent: CustomerState | null | undefined = entry.parent === null ? null : undefined;
    if (typeof entry.parent === 'string') {
      const found = customerAt(entry.parent, change.at, true, 'parent customer');
      if (typeof found === 'string') return problem('parent', found);
      parent = found;
    }
    plan.treeChanges.push({ change, customer, parent });
    return undefined;
  }

  function createUser(change: Change, customer: CustomerState, ref: string, name: string) {
    const existing = ledger.users.get(ref);
    if (existing !== undefined) {
      return problem(
        'user',
        `user '${ref}' already exists (it belongs to customer '${existing.customerRef}')`,
      );
    }
    const { occurredAt } = change.entry;
    const user: UserState = {
      ref,
      id: null,
      customerRef: customer.ref,
      createdAt: change.at,
      deletedAt: null,
      live: null,
      created: null,
      update: null,
    };
    user.created = { state: user, customer, name, createdAt: occurredAt, deletedAt: null };
    ledger.users.set(ref, user);
    customer.users = track(customer.users, user);
    plan.newUsers.push(user.created);
    plan.names.push({ subject: 'user', party: user, name, change });
    return undefined;
  }

  /** Deletes a customer (with its users) or one user, ending every live element it holds. */
  function deleteParty(change: Change, customer: CustomerState, user: UserState | null) {
    const { at, entry } = change;
    const live = [...((user ?? customer).live ?? [])];
    for (const element of live) {
      if (element.startedAt > at) {
        return problem(
          'occurredAt',
          `${describe(element)} started at ${iso(element.startedAt)}, after this deletion`,
        );
      }
    }
    const users = user === null ? [...(customer.users ?? [])].filter((u) => u.deletedAt === null) : [user];
    for (const each of users) {
      if (each.createdAt > at) {
        return problem(
          'occurredAt',
          `user '${each.ref}' is created at ${iso(each.createdAt)}, after this deletion`,
        );
      }
    }
    for (const element of live) endElement(change, element);
    for (const each of users) {
      each.deletedAt = at;
      if (each.created !== null) each.created.deletedAt = entry.occurredAt;
      else updateOf(each, plan.userUpdates).deletedAt = entry.occurredAt;
    }
    if (user === null) {
      customer.deletedAt = at;
      if (customer.created !== null) customer.created.deletedAt = entry.occurredAt;
      else updateOf(customer, plan.customerUpdates).deletedAt = entry.occurredAt;
    }
    return undefined;
  }

  function rename(
    change: Change,
    subject: 'customer' | 'user',
    party: CustomerState | UserState,
    name: string,
  ) {
    // Entries replay in time order, so the last rename applied is the newest name.
    if (party.created !== null) {
      party.created.name = name;
    } else {
      const update = updateOf(party, subject === 'customer' ? plan.customerUpdates : plan.userUpdates);
      update.name = name;
      update.renamedAt = change.entry.occurredAt;
    }
    plan.names.push({ subject, party, name, change });
    return undefined;
  }

  function changeElement(change: Change, entry: Entry, customer: CustomerState, user: UserState | null) {
    const element = elementOf(entry);
    if (element === null) throw new Error(`${entry.kind} is not an element change`);
    const identity = identityOf(element.kind, customer, user, element.ref);
    const isPlan = entry.kind === 'plan.changed';
    const ending = isPlan || entry.kind.endsWith('.removed');
    const starting = isPlan ? entry.plan !== null : !ending;
    const contradiction = elementContradiction(change, entry, identity, ending, starting);
    if (contradiction !== undefined) {
      const name = describeIdentity(element.kind, element.ref, user?.ref ?? null);
      const field = contradiction.field === 'element' ? element.kind : contradiction.field;
      return problem(
        field,
        contradiction.text.replace('{}', () => name),
      );
    }
    if (ending && identity.live !== null) endElement(change, identity.live);
    if (starting) startElement(change, entry, element, customer, user, identity);
    return undefined;
  }

  function startElement(
    change: Change,
    entry: Entry,
    element: { kind: ElementKind; ref: string },
    customer: CustomerState,
    user: UserState | null,
    identity: IdentityState,
  ) {
    const { service, product, quantity } = elementTerms(entry);
    const row: NewElement = {
      kind: element.kind,
      customer,
      user,
      service,
      product,
      ref: element.ref,
      quantity,
      start: change,
      end: null,
    };
    const state: ElementState = {
      id: null,
      row,
      kind: element.kind,
      customer,
      user,
      ref: element.ref,
      service,
      startedAt: change.at,
    };
    plan.newElements.push(row);
    identity.live = state;
    customer.live = track(customer.live, state);
    if (user !== null) user.live = track(user.live, state);
  }

  function endElement(change: Change, element: ElementState) {
    const identity = identityOf(element.kind, element.customer, element.user, element.ref);
    identity.live = null;
    identity.lastEndedAt = change.at;
    element.customer.live?.delete(element);
    element.user?.live?.delete(element);
    if (element.row !== null) element.row.end = change;
    else if (element.id !== null) plan.endedElements.push({ id: element.id, end: change });
  }

  function identityOf(kind: ElementKind, customer: CustomerState, user: UserState | null, ref: string) {
    const key = identityKey(kind, customer.ref, user?.ref ?? null, ref);
    let identity = ledger.identities.get(key);
    if (identity === undefined) {
      identity = { live: null, lastEndedAt: null };
      ledger.identities.set(key, identity);
    }
    return identity;
  }

  /** The customer as it stands at `at`, or why it cannot be used there. */
  function customerAt(ref: string, at: number, starts: boolean, role: string): CustomerState | string {
    const customer = ledger.customers.get(ref);
    if (customer === undefined) {
      return `${role} '${ref}' does not exist${createdElsewhere(creations.customers.get(ref))}`;
    }
    return lifetimeProblem(customer, at, starts, role) ?? customer;
  }

  function userAt(ref: string, customerRef: string, at: number, starts: boolean): UserState | string {
    const user = ledger.users.get(ref);
    if (user === undefined) {
      return `user '${ref}' does not exist${createdElsewhere(creations.users.get(ref))}`;
    }
    if (user.customerRef !== customerRef) {
      return `user '${ref}' belongs to customer '${user.customerRef}', not '${customerRef}'`;
    }
    return lifetimeProblem(user, at, starts, 'user') ?? user;
  }

  function lifetimeProblem(party: CustomerState | UserState, at: number, starts: boolean, role: string) {
    if (party.createdAt > at) {
      return `${role} '${party.ref}' is created at ${iso(party.createdAt)}, after this entry`;
    }
    if (party.deletedAt !== null && (party.deletedAt <= at || starts)) {
      return `${role} '${party.ref}' is deleted (at ${iso(party.deletedAt)})`;
    }
    return undefined;
  }

  function createdElsewhere(index: number | undefined): string {
    if (index === undefined) return '';
    if (creations.rejected.has(index)) return `: its creation (entry ${index}) is rejected`;
    return `: it is created by entry ${index}, which occurs after this entry`;
  }
}

/** The pending update of a stored customer or user, made on first use. */
function updateOf(party: CustomerState | UserState, list: PartyUpdate[]): PartyUpdate {
  if (party.update !== null) return party.update;
  if (party.id === null) throw new Error(`${party.ref} is neither stored nor created by this batch`);
  party.update = { id: party.id, name: null, renamedAt: null, deletedAt: null };
  list.push(party.update);
  return party.update;
}
