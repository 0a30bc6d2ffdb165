import type { Change, Entry } from './entry.js';
import type { ElementKind, ElementState, IdentityState } from './ledger.js';

/** What an element change means for its element, and the ways it can contradict the element's state. */

export type Problem = { field: string; text: string };
export const problem = (field: string, text: string): Problem => ({ field, text });

/** The service, product and quantity of the element an entry starts, with the defaults filled in. */
export function elementTerms(entry: Entry): { service: string; product: string; quantity: string } {
  switch (entry.kind) {
    case 'plan.changed':
      return { service: entry.service, product: entry.plan ?? '', quantity: entry.quantity ?? '1' };
    case 'instance.added':
    case 'application.added':
      return { service: entry.service, product: entry.product, quantity: entry.quantity ?? '1' };
    case 'domain.added': {
      // The product of a domain defaults to its top-level domain: 'com' for acme.com.
      const tld = entry.domain.slice(entry.domain.lastIndexOf('.') + 1).toLowerCase();
      return { service: entry.service ?? 'domains', product: entry.product ?? tld, quantity: '1' };
    }
    default:
      throw new Error(`${entry.kind} starts no element`);
  }
}

/** Why ending and/or starting an element of `identity` contradicts it; `{}` stands for its name. */
export function elementContradiction(
  change: Change,
  entry: Entry,
  identity: IdentityState,
  ending: boolean,
  starting: boolean,
): Problem | undefined {
  const { live, lastEndedAt } = identity;
  if (ending && live === null && !starting) {
    const history = lastEndedAt === null ? 'it was never added' : `it ended at ${iso(lastEndedAt)}`;
    if (entry.kind === 'plan.changed') return problem('plan', `there is no live {} to cancel (${history})`);
    return problem('element', `{} is not live (${history})`);
  }
  if (ending && live !== null) {
    if (live.startedAt > change.at) {
      return problem('occurredAt', `{} started at ${iso(live.startedAt)}, after this change`);
    }
    const service = entry.kind === 'plan.changed' || !('service' in entry) ? undefined : entry.service;
    if (service !== undefined && service !== live.service) {
      return problem('service', `{} belongs to service '${live.service}', not '${service}'`);
    }
  }
  if (starting && !ending && live !== null) {
    return problem('element', `{} is already live (since ${iso(live.startedAt)})`);
  }
  if (starting && live === null && lastEndedAt !== null && lastEndedAt > change.at) {
    return problem('occurredAt', `{} was live until ${iso(lastEndedAt)}, after this entry`);
  }
  return undefined;
}

export function describe(element: ElementState): string {
  return describeIdentity(element.kind, element.ref, element.user?.ref ?? null);
}

export function describeIdentity(kind: ElementKind, ref: string, userRef: string | null): string {
  const what = kind === 'plan' ? `plan of service '${ref}'` : `${kind} '${ref}'`;
  return userRef === null ? what : `${what} of user '${userRef}'`;
}

/** An instant for a reason text (milliseconds are enough to recognise it). */
export function iso(micros: number): string {
  return new Date(Math.floor(micros / 1000)).toISOString();
}
