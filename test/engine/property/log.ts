import { addDays, localDateToInstant } from '../../../billing/index.js';
import { DOMAIN_TLDS, MAIN_SLOTS, PRODUCTS } from './catalog.js';
import type { CustomerModel, ElementKind, Entry, Timed, World } from './world.js';
import { ZONE } from './world.js';

/** The change log being built: keys, fresh refs, instants kept unique, and the entries' fields. */

export const MAY_FIRST = localDateToInstant('2026-05-01', ZONE).getTime();

export function instantOf(day: number, sec: number): number {
  return localDateToInstant(addDays('2026-01-01', day), ZONE).getTime() + sec * 1000;
}

/** RFC 3339 with milliseconds, written at a fixed UTC offset (minutes) as senders in other zones do. */
function iso(at: number, offset: number): string {
  const wall = new Date(at + offset * 60_000).toISOString().slice(0, 23);
  if (offset === 0) return `${wall}Z`;
  const abs = Math.abs(offset);
  const hours = String(Math.floor(abs / 60)).padStart(2, '0');
  return `${wall}${offset < 0 ? '-' : '+'}${hours}:${String(abs % 60).padStart(2, '0')}`;
}

export function pick<T>(items: readonly T[], n: number): T | undefined {
  return items.length === 0 ? undefined : items[n % items.length];
}

/** The main slot of an instant: the month it falls in (Dec with Jan, Apr with Mar). */
export function slotOf(at: number): number {
  if (at < localDateToInstant('2026-02-01', ZONE).getTime()) return MAIN_SLOTS[0];
  if (at < localDateToInstant('2026-03-01', ZONE).getTime()) return MAIN_SLOTS[1];
  return MAIN_SLOTS[2];
}

export class LogBuilder {
  readonly entries: Timed[] = [];
  private readonly used = new Set<number>();
  private keys = 0;
  private refs = 0;

  nextRef(): number {
    return ++this.refs;
  }

  /** Appends an entry sent in slot `seq`. */
  push(at: number, seq: number, offset: number, fields: Record<string, unknown>): Timed {
    const entry = {
      key: `e${++this.keys}`,
      actor: 'property@test',
      occurredAt: iso(at, offset),
      ...(fields as { kind: string; customer: string }),
    } as Entry;
    const timed = { at, seq, entry };
    this.entries.push(timed);
    this.used.add(at);
    return timed;
  }

  /** Takes back the last entry pushed (a draw that would make the log invalid). */
  drop(timed: Timed): void {
    this.entries.splice(this.entries.indexOf(timed), 1);
    this.used.delete(timed.at);
  }

  /** The first instant from `at` on that no entry has, if it is before `limit`. */
  claim(at: number, limit: number): number | undefined {
    let t = at;
    while (this.used.has(t)) t++;
    return t < limit ? t : undefined;
  }
}

export const quantityField = (q: string | number | undefined) => (q === undefined ? {} : { quantity: q });

const refField = (kind: ElementKind) =>
  kind === 'instance' ? 'instance' : kind === 'application' ? 'application' : 'domain';

/** The fields of an entry adding a new instance, application or domain. */
export function addFields(
  log: LogBuilder,
  kind: Exclude<ElementKind, 'plan'>,
  b: number,
  c: number,
  q: string | number | undefined,
): Record<string, unknown> {
  const ref = log.nextRef();
  if (kind === 'domain') {
    const tld = pick(DOMAIN_TLDS, c) as string;
    return {
      kind: 'domain.added',
      domain: `site${ref}.${tld}`,
      ...(b % 4 === 0 ? { service: 'domains' } : {}),
    };
  }
  const services = PRODUCTS[kind];
  const service = pick(Object.keys(services), b) as string;
  const product = pick(services[service] as string[], c) as string;
  return {
    kind: `${kind}.added`,
    service,
    product,
    [refField(kind)]: `${kind.slice(0, 3)}${ref}`,
    ...quantityField(q),
  };
}

/** The fields of an entry adding again an identity removed before. */
export function addAgainFields(
  e: { kind: Exclude<ElementKind, 'plan'>; service: string; product: string; ref: string },
  q: string | number | undefined,
): Record<string, unknown> {
  return {
    kind: `${e.kind}.added`,
    [refField(e.kind)]: e.ref,
    ...(e.kind === 'domain' ? {} : { service: e.service, product: e.product, ...quantityField(q) }),
  };
}

/** The fields of an entry removing an element (domains name their service only when not the default). */
export function removeFields(e: {
  kind: ElementKind;
  service: string;
  ref: string;
  customer: string;
  user: string | null;
}): Record<string, unknown> {
  return {
    kind: `${e.kind}.removed`,
    customer: e.customer,
    ...(e.user === null ? {} : { user: e.user }),
    [refField(e.kind)]: e.ref,
    ...(e.kind !== 'domain' || e.service !== 'domains' ? { service: e.service } : {}),
  };
}

const TAG_SETS = [[], ['test'], ['demo'], ['demo', 'test', 'demo']];

/**
 * The fields of a `customer.updated` of `customer` at `at`: a move under another customer (never
 * one below it) or to the top, a relationship or reseller billing change, new tags, or a mix.
 */
export function moveFields(
  world: World,
  customer: CustomerModel,
  at: number,
  b: number,
  c: number,
): Record<string, unknown> | undefined {
  const fields: Record<string, unknown> = { kind: 'customer.updated', customer: customer.ref };
  switch (b % 6) {
    case 0:
    case 1: {
      const below = world.descendants(customer.ref);
      const parents = world
        .aliveCustomers(at)
        .filter((p) => p.ref !== customer.ref && !below.has(p.ref) && p.ref !== customer.parent);
      const parent = pick(parents, c);
      if (!parent) return undefined;
      fields.parent = parent.ref;
      if (c % 3 > 0) fields.relationship = c % 3 === 1 ? 'via' : 'direct';
      break;
    }
    case 2:
      if (customer.parent === null) return undefined;
      fields.parent = null;
      if (customer.relationship === 'via') fields.relationship = 'direct';
      break;
    case 3:
      if (customer.relationship === 'direct' && customer.parent === null) return undefined;
      fields.relationship = customer.relationship === 'via' ? 'direct' : 'via';
      break;
    case 4:
      fields.resellerBilling = customer.resellerBilling === 'on_behalf' ? 'aggregate' : 'on_behalf';
      break;
    default:
      fields.tags = pick(TAG_SETS, c);
  }
  if (b % 6 !== 5 && c % 5 === 0) fields.tags = pick(TAG_SETS, Math.floor(c / 5));
  return fields;
}
