import type { NewCustomer, NewElement, NewUser, PartyUpdate } from './write-plan.js';

/**
 * The part of a tenant's state a batch can touch, loaded by the refs the batch mentions in a few
 * set-based queries and then replayed in memory. Instants are microseconds since the epoch.
 */

export type ElementKind = 'plan' | 'instance' | 'application' | 'domain';

export interface CustomerState {
  ref: string;
  /** Null for a customer this batch creates, until it is inserted. */
  id: number | null;
  createdAt: number;
  deletedAt: number | null;
  /** Its users and live elements, complete where needed: for customers the batch deletes or creates. */
  users: Set<UserState> | null;
  live: Set<ElementState> | null;
  /** Its row when this batch creates it, or the update of its stored row. */
  created: NewCustomer | null;
  update: PartyUpdate | null;
}

export interface UserState {
  ref: string;
  id: number | null;
  customerRef: string;
  createdAt: number;
  deletedAt: number | null;
  live: Set<ElementState> | null;
  created: NewUser | null;
  update: PartyUpdate | null;
}

export interface ElementState {
  /** Null for an element this batch starts; `row` is then its insert. */
  id: number | null;
  row: NewElement | null;
  kind: ElementKind;
  customer: CustomerState;
  user: UserState | null;
  ref: string;
  service: string;
  startedAt: number;
}

/** One identity (kind, customer, user, ref): its live element, or when its last one ended. */
export interface IdentityState {
  live: ElementState | null;
  lastEndedAt: number | null;
}

export interface Ledger {
  tenantKnown: boolean;
  /** occurredAt of the tenant's latest stored change: no stored element ended after it. */
  latestChange: number;
  storedKeys: Map<string, { id: number; hash: string }>;
  customers: Map<string, CustomerState>;
  users: Map<string, UserState>;
  identities: Map<string, IdentityState>;
}

/** Adds to a set created on first use: most customers and users never need theirs. */
export function track<T>(set: Set<T> | null, item: T): Set<T> {
  const target = set ?? new Set<T>();
  target.add(item);
  return target;
}

export function newCustomerState(ref: string, fields: Partial<CustomerState>): CustomerState {
  return {
    ref,
    id: null,
    createdAt: 0,
    deletedAt: null,
    users: null,
    live: null,
    created: null,
    update: null,
    ...fields,
  };
}

export function identityKey(
  kind: ElementKind,
  customerRef: string,
  userRef: string | null,
  ref: string,
): string {
  // NUL cannot occur in a stored ref (entries holding one are rejected), so keys cannot collide.
  return `${kind}\u0000${customerRef}\u0000${userRef ?? ''}\u0000${ref}`;
}
