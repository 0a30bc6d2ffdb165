import { addDays, localDateToInstant } from '../../../billing/index.js';
import type { Choices, LateOp } from './arbitraries.js';
import { approvalsWhenSent, CUSTOMER_NAMES, LATE_SLOTS, PERIODS, PRODUCTS, USER_NAMES } from './catalog.js';
import {
  addFields,
  type LogBuilder,
  MAY_FIRST,
  moveFields,
  pick,
  quantityField,
  removeFields,
} from './log.js';
import { type ElementKind, type Entry, elementOfEntry, identityKey, World, ZONE } from './world.js';

/**
 * Entries sent after the period they occur in was generated (LATE_SLOTS). Each must be valid against
 * what is stored when it is sent, which already holds entries that occur after it, and must keep the
 * entries sent after it valid. So a late entry only touches what nothing stored touches after its
 * instant: an element with no stored change after it, an owner whose deletion is not stored yet, a
 * party nobody uses afterwards. Usage and renames are always possible while the party exists.
 */
export function addLateEntries(choices: Choices, log: LogBuilder): void {
  const janAfterFeb = !choices.approve[0] && choices.approve[1] && choices.janAfterFeb;
  LATE_SLOTS.forEach(({ slot, sentAfter, into }, n) => {
    const periods = into(approvalsWhenSent({ approve: choices.approve, janAfterFeb }, sentAfter));
    if (periods === null) return;
    const windowStart = localDateToInstant((PERIODS[periods[0]] as { start: string }).start, ZONE).getTime();
    const end = (PERIODS[periods[1]] as { end: string }).end;
    const windowEnd = localDateToInstant(addDays(end, 1), ZONE).getTime();
    for (const late of choices.late[n] ?? []) addLate(log, late, slot, windowStart, windowEnd);
  });
}

function addLate(log: LogBuilder, late: LateOp, seq: number, windowStart: number, windowEnd: number) {
  const { entries } = log;
  const inWindow = entries.filter((x) => x.at >= windowStart && x.at < windowEnd);
  const near = late.near === null ? undefined : pick(inWindow, late.near[0]);
  const windowDays = Math.round((windowEnd - windowStart) / 86_400_000);
  const proposed = near
    ? near.at + (late.near?.[1] ?? 1)
    : windowStart + (late.pos % windowDays) * 86_400_000 + late.sec * 1000;
  const t = log.claim(proposed, windowEnd);
  if (t === undefined) return;
  const state = World.replay(entries, t);
  const after = entries.filter((x) => x.at > t);
  const push = (at: number, fields: Record<string, unknown>) => log.push(at, seq, late.offset, fields);

  // Deletions of the owner after t must not be stored yet: they would have ended (or forbidden) the element.
  const deletionsOf = (customer: string, user: string | null) =>
    after.filter(
      ({ entry }) =>
        (entry.kind === 'customer.deleted' && entry.customer === customer) ||
        (user !== null && entry.kind === 'user.deleted' && entry.user === user),
    );
  const ownerFree = (customer: string, user: string | null) =>
    deletionsOf(customer, user).every((x) => x.seq >= seq);
  const owner = (n: number, userLevel: boolean) => {
    const customer = pick(state.aliveCustomers(t), n);
    if (!customer) return undefined;
    const user = userLevel ? pick(state.aliveUsersOf(customer.ref, t), Math.floor(n / 7)) : undefined;
    return { customer: customer.ref, ...(user ? { user: user.ref } : {}) };
  };
  const touches = (entry: Entry, kind: ElementKind, customer: string, user: string | null, ref: string) => {
    const element = elementOfEntry(entry);
    const entryUser = (entry.user as string | undefined) ?? null;
    return element?.kind === kind && element.ref === ref && entry.customer === customer && entryUser === user;
  };

  switch (late.op) {
    case 'usage': {
      const who = owner(late.a, late.b % 2 === 0);
      if (!who) return;
      const service = pick(Object.keys(PRODUCTS.usage), late.b) as string;
      const product = pick(PRODUCTS.usage[service] as string[], late.c) as string;
      push(t, { kind: 'usage.recorded', ...who, service, product, quantity: late.quantity ?? '2' });
      return;
    }
    case 'rename': {
      const who = owner(late.a, late.b % 2 === 0);
      if (!who) return;
      const name = who.user ? pick(USER_NAMES, late.c) : pick(CUSTOMER_NAMES, late.c);
      push(t, { kind: who.user ? 'user.renamed' : 'customer.renamed', ...who, name });
      return;
    }
    case 'add':
    case 'addRemove': {
      // A new identity: nothing stored can touch it but its owner's deletion.
      const kind = pick(['instance', 'application', 'domain'] as const, late.a) as Exclude<
        ElementKind,
        'plan'
      >;
      const who = owner(late.b, kind !== 'domain' && late.c % 2 === 0);
      if (!who || !ownerFree(who.customer, who.user ?? null)) return;
      const fields = { ...addFields(log, kind, late.b, late.c, late.quantity), ...who };
      push(t, fields);
      if (late.op === 'add') return;
      const deleted = Math.min(...deletionsOf(who.customer, who.user ?? null).map((x) => x.at), MAY_FIRST);
      const end = log.claim(t + late.delta, deleted);
      const element = elementOfEntry(fields as Entry);
      if (end === undefined || !element) return;
      const service = kind === 'domain' ? 'domains' : ((fields as Record<string, unknown>).service as string);
      push(
        end,
        removeFields({ kind, service, ref: element.ref, customer: who.customer, user: who.user ?? null }),
      );
      return;
    }
    case 'remove': {
      // A live element nothing touches after t (its later end can only be its owner's deletion, not stored yet).
      const candidates = [...state.live.values()]
        .filter((e) => e.kind !== 'plan')
        .filter((e) => after.every((x) => !touches(x.entry, e.kind, e.customer, e.user, e.ref)))
        .filter((e) => ownerFree(e.customer, e.user))
        .sort((x, y) => x.startedAt - y.startedAt);
      const element = pick(candidates, late.a);
      if (element) push(t, removeFields(element));
      return;
    }
    case 'plan': {
      // The plan's later changes are not stored yet; a cancellation may not precede another one.
      const who = owner(late.a, late.b % 3 === 0);
      if (!who) return;
      const user = who.user ?? null;
      const service = pick(Object.keys(PRODUCTS.plan), late.b) as string;
      const later = after.filter((x) => touches(x.entry, 'plan', who.customer, user, service));
      if (!later.every((x) => x.seq > seq) || !ownerFree(who.customer, user)) return;
      const live = state.live.get(identityKey('plan', who.customer, user, service));
      const nextCancels = later[0]?.entry.plan === null;
      const products = PRODUCTS.plan[service] as string[];
      const plan =
        pick<string | null>([...products, ...(live && !nextCancels ? [null] : [])], late.c) ?? null;
      const quantity = plan === null ? {} : quantityField(late.quantity);
      push(t, { kind: 'plan.changed', ...who, service, plan, ...quantity });
      return;
    }
    case 'deleteUser': {
      // Nobody uses the user after t, and its customer is not deleted after t either.
      const candidates = [...state.users.values()].filter(
        (u) =>
          state.aliveUser(u.ref, t) &&
          after.every(
            ({ entry }) =>
              entry.user !== u.ref && !(entry.kind === 'customer.deleted' && entry.customer === u.customer),
          ),
      );
      const user = pick(candidates, late.a);
      if (user) push(t, { kind: 'user.deleted', customer: user.customer, user: user.ref });
      return;
    }
    case 'move': {
      // A backdated move holds until the customer's next stored one (not rewriting it), so only a
      // customer with none stored after t moves; the whole log must still replay (no loop, parents alive).
      const candidates = state
        .aliveCustomers(t)
        .filter((c) =>
          after.every(
            ({ entry, seq: sent }) =>
              !(entry.kind === 'customer.updated' && entry.customer === c.ref && sent < seq),
          ),
        );
      const customer = pick(
        candidates.filter((c) => ownerFree(c.ref, null)),
        late.a,
      );
      const fields = customer && moveFields(state, customer, t, late.b, late.c);
      // Ingestion refuses a parent whose deletion is stored, even one alive at t.
      if (!fields || (typeof fields.parent === 'string' && !ownerFree(fields.parent, null))) return;
      const timed = push(t, fields);
      try {
        World.replay(entries);
      } catch {
        log.drop(timed);
      }
      return;
    }
    case 'deleteCustomer': {
      // Nobody uses the customer after t, nor creates a child of it.
      const alive = state.aliveCustomers(t);
      const candidates = alive.filter((c) =>
        after.every(({ entry }) => entry.customer !== c.ref && entry.parent !== c.ref),
      );
      const customer = pick(candidates, late.a);
      if (customer && alive.length > 1) push(t, { kind: 'customer.deleted', customer: customer.ref });
      return;
    }
  }
}
