import type { Choices, Op } from './arbitraries.js';
import { CUSTOMER_NAMES, PRODUCTS, USER_NAMES } from './catalog.js';
import {
  addAgainFields,
  addFields,
  instantOf,
  type LogBuilder,
  MAY_FIRST,
  moveFields,
  pick,
  quantityField,
  removeFields,
  slotOf,
} from './log.js';
import { type ElementKind, identityKey, World } from './world.js';

/**
 * The main change log: customers, users and element changes, sent in the slot of the month they
 * occur in. Events are replayed in time order against a World, so each draw becomes an entry that is
 * valid at its instant, or nothing. Instants are made unique (one millisecond apart) except for a
 * removal `tie`d to the entry before it, which only happens when batches are sent in order.
 */
export function buildMainTimeline(choices: Choices, log: LogBuilder): void {
  const world = new World();
  type Event = { at: number; order: number; tie: boolean; run: (at: number) => void };
  const queue: Event[] = [];
  let order = 0;
  const schedule = (at: number, run: (at: number) => void, tie = false) =>
    queue.push({ at, order: order++, tie, run });
  const emit = (at: number, offset: number, fields: Record<string, unknown>) =>
    world.apply(log.push(at, choices.upfront ? 0 : slotOf(at), offset, fields));

  const created: { ref: string; depth: number }[] = [];
  const customerTimes = choices.customers.map((c) => instantOf(c.day, c.sec)).sort((a, b) => a - b);
  choices.customers.forEach((c, i) => {
    schedule(customerTimes[i] as number, (at) => {
      // A tree of at most three levels: distributor -> reseller -> end customer.
      const parents = created.filter((p) => p.depth < 2 && world.aliveCustomer(p.ref, at));
      const parent = c.parent % 3 === 0 ? undefined : pick(parents, c.parent);
      const ref = `c${created.length}`;
      created.push({ ref, depth: parent ? parent.depth + 1 : 0 });
      emit(at, c.offset, {
        kind: 'customer.created',
        customer: ref,
        name: pick(CUSTOMER_NAMES, c.name),
        ...(parent ? { parent: parent.ref, relationship: c.via ? 'via' : 'direct' } : {}),
        ...(c.onBehalf ? { resellerBilling: 'on_behalf' } : c.via ? { resellerBilling: 'aggregate' } : {}),
        ...(c.tags.length > 0 ? { tags: c.tags } : {}),
      });
    });
  });
  for (const op of choices.ops) schedule(instantOf(op.day, op.sec), (at) => runOp(op, at));

  const ownerOf = (at: number, n: number, userLevel: boolean) => {
    const customer = pick(world.aliveCustomers(at), n);
    if (!customer) return undefined;
    const user = userLevel ? pick(world.aliveUsersOf(customer.ref, at), Math.floor(n / 7)) : undefined;
    return { customer: customer.ref, ...(user ? { user: user.ref } : {}) };
  };

  function runOp(op: Op, at: number): void {
    switch (op.op) {
      case 'plan': {
        const owner = ownerOf(at, op.a, op.b % 3 === 0);
        if (!owner) return;
        const service = pick(Object.keys(PRODUCTS.plan), op.b) as string;
        const live = world.live.get(identityKey('plan', owner.customer, owner.user ?? null, service));
        const options: (string | null)[] = [...(PRODUCTS.plan[service] as string[]), ...(live ? [null] : [])];
        const plan = pick(options, op.c) ?? null;
        const quantity = plan === null ? {} : quantityField(op.quantity);
        emit(at, op.offset, { kind: 'plan.changed', ...owner, service, plan, ...quantity });
        return;
      }
      case 'add':
      case 'flash': {
        const kind = pick(['instance', 'application', 'domain'] as const, op.a) as Exclude<
          ElementKind,
          'plan'
        >;
        const owner = ownerOf(at, op.b, kind !== 'domain' && op.c % 2 === 0);
        if (!owner) return;
        // Sometimes add again an identity that was removed before.
        const again = world.elements.find(
          (e) =>
            op.c % 3 === 0 &&
            e.kind === kind &&
            e.customer === owner.customer &&
            e.user === (owner.user ?? null) &&
            !world.live.has(identityKey(kind, e.customer, e.user, e.ref)),
        );
        const fields = again
          ? addAgainFields({ ...again, kind }, op.quantity)
          : addFields(log, kind, op.b, op.c, op.quantity);
        emit(at, op.offset, { ...fields, ...owner });
        if (op.op === 'add') return;
        // Removed soon after: the same instant, a millisecond, a minute or an hour later.
        const element = world.elements.at(-1);
        if (!element) return;
        const delay = pick([0, 1, 60_000, 3_600_000], op.a) as number;
        const identity = identityKey(element.kind, element.customer, element.user, element.ref);
        schedule(
          at + delay,
          (end) => {
            if (world.live.get(identity) === element) emit(end, op.offset, removeFields(element));
          },
          delay === 0 && !choices.reverse,
        );
        return;
      }
      case 'remove': {
        const live = [...world.live.values()]
          .filter((e) => e.kind !== 'plan')
          .sort((x, y) => x.startedAt - y.startedAt);
        const element = pick(live, op.a);
        if (element) emit(at, op.offset, removeFields(element));
        return;
      }
      case 'usage': {
        const owner = ownerOf(at, op.a, op.b % 2 === 0);
        if (!owner) return;
        const service = pick(Object.keys(PRODUCTS.usage), op.b) as string;
        const product = pick(PRODUCTS.usage[service] as string[], op.c) as string;
        const quantity = op.quantity ?? '0.0001';
        emit(at, op.offset, { kind: 'usage.recorded', ...owner, service, product, quantity });
        return;
      }
      case 'user': {
        const customer = pick(world.aliveCustomers(at), op.a);
        if (!customer) return;
        const user = `u${log.nextRef()}`;
        emit(at, op.offset, {
          kind: 'user.created',
          customer: customer.ref,
          user,
          name: pick(USER_NAMES, op.b),
        });
        return;
      }
      case 'move': {
        const customer = pick(world.aliveCustomers(at), op.a);
        const fields = customer && moveFields(world, customer, at, op.b, op.c);
        if (fields) emit(at, op.offset, fields);
        return;
      }
      case 'rename': {
        const owner = ownerOf(at, op.a, op.b % 2 === 0);
        if (!owner) return;
        const kind = owner.user ? 'user.renamed' : 'customer.renamed';
        const name = owner.user ? pick(USER_NAMES, op.c) : pick(CUSTOMER_NAMES, op.c);
        emit(at, op.offset, { kind, ...owner, name });
        return;
      }
      case 'deleteUser': {
        const owner = ownerOf(at, op.a, true);
        if (owner?.user) emit(at, op.offset, { kind: 'user.deleted', ...owner });
        return;
      }
      case 'deleteCustomer': {
        const alive = world.aliveCustomers(at);
        const customer = pick(alive, op.a);
        if (customer && alive.length > 1)
          emit(at, op.offset, { kind: 'customer.deleted', customer: customer.ref });
        return;
      }
    }
  }

  let last = Number.NEGATIVE_INFINITY;
  while (queue.length > 0) {
    queue.sort((x, y) => x.at - y.at || x.order - y.order);
    const event = queue.shift() as Event;
    const at = event.tie && last >= event.at ? last : Math.max(event.at, last + 1);
    if (at >= MAY_FIRST) continue;
    last = at;
    event.run(at);
  }
}
