import { SeededRandom } from './random.js';

/**
 * A deterministic synthetic MSP: a customer tree of distributors, resellers and end customers, their
 * users, and a year (2025) of change-log entries in the JSON shape senders post to ingestion.
 *
 * Memory stays small at a million users: a first pass records every event as a few numbers in typed
 * arrays (about 15 bytes each), sorts them by time, and `batches()` then builds the entry objects one
 * batch at a time, re-deriving names and products from the seeded random source. Events come out in
 * time order, so every batch only refers to customers, users and elements created before it.
 */

export const sizes = { S: 1_000, M: 100_000, L: 1_000_000 } as const;
export type SizeName = keyof typeof sizes;

/** An ingestion entry as sent: `{ key, kind, occurredAt, actor, customer, ...fields of the kind }`. */
export type ChangeEntry = {
  key: string;
  kind: string;
  occurredAt: string;
  actor: string;
  customer: string;
} & Record<string, unknown>;

export interface MspShape {
  users: number;
  distributors: number;
  resellers: number;
  endCustomers: number;
}

export function shapeFor(users: number): MspShape {
  const endCustomers = Math.max(8, Math.round(users / 25));
  return {
    users,
    distributors: Math.max(2, Math.ceil(endCustomers / 4000)),
    resellers: Math.max(2, Math.ceil(endCustomers / 40)),
    endCustomers,
  };
}

const YEAR_START = Date.UTC(2025, 0, 1) / 1000;
const HOUR = 3600;
const DAY = 24 * HOUR;
// 21:00 local on 31 Dec in Amsterdam: every event falls on a 2025 local date.
const CAP = Date.UTC(2025, 11, 31, 20) / 1000 - YEAR_START;
const GO_LIVE_CREATED = Date.UTC(2025, 10, 20, 9) / 1000 - YEAR_START;
// Sort keys are time * 2^24 + event index: below 2^49, exact in a double.
const INDEX_SPAN = 2 ** 24;

enum Event {
  CustomerCreated,
  CustomerRenamed,
  UserCreated,
  UserDeleted,
  UserRenamed,
  SeatPlan,
  SeatCancelled,
  SecurityPlan,
  CitrixAdded,
  CitrixRemoved,
  BackupAdded,
  SupportPlan,
  VmAdded,
  VmRemoved,
  DomainAdded,
  UsageRecorded,
}

// Salts: one per random decision, so changing one decision never shifts another.
enum Salt {
  UserCustomer = 1,
  UserJoins,
  UserCreatedAt,
  UserDeleted,
  UserDeletedAt,
  Seat,
  SeatAt,
  SeatPlan,
  SeatChange,
  SeatChangeAt,
  SeatChangePlan,
  SeatCancel,
  SeatCancelAt,
  Security,
  SecurityAt,
  Citrix,
  CitrixAt,
  CitrixRemove,
  CitrixRemoveAt,
  Backup,
  BackupAt,
  UserRename,
  UserRenameAt,
  Admin,
  FirstName,
  LastName,
  CustomerInitial,
  CustomerCreatedAt,
  CustomerKind,
  CustomerParent,
  CustomerVia,
  CustomerName1,
  CustomerName2,
  CustomerTld,
  Support,
  SupportTier,
  SecondDomain,
  ExtraVm,
  Usage,
  UsageStart,
  CustomerRename,
  CustomerRenameAt,
  ResellerName,
  // Per-item salts: base + 8 * item number + sub-decision.
  Vm = 1000,
  Week = 1_000_000,
}

const seatPlans = ['business-basic', 'business-standard', 'business-premium', 'e3', 'e5'] as const;
const seatWeights = [25, 40, 20, 12, 3];
const supportTiers = ['bronze', 'silver', 'gold'] as const;
const vmProducts = ['vm-small', 'vm-medium', 'vm-large', 'vm-gpu'] as const;
const vmWeights = [50, 35, 14, 1];
const tlds = ['com', 'nl', 'eu'] as const;
const firstNames = [
  'anna',
  'bram',
  'chloe',
  'daan',
  'eva',
  'finn',
  'gijs',
  'hanna',
  'isa',
  'jesse',
  'julia',
  'lars',
  'lotte',
  'milan',
  'noah',
  'olivia',
  'pieter',
  'roos',
  'sem',
  'tess',
  'thijs',
  'vera',
  'wout',
  'zoe',
];
const lastNames = [
  'bakker',
  'visser',
  'smit',
  'meijer',
  'mulder',
  'deboer',
  'bos',
  'vos',
  'peters',
  'hendriks',
  'dekker',
  'brouwer',
  'dijkstra',
  'jansen',
  'dejong',
  'devries',
  'vandijk',
  'janssen',
  'koster',
  'prins',
];
const nameWords = [
  'Amber',
  'Blue',
  'Canal',
  'Delta',
  'Dune',
  'Elm',
  'Fjord',
  'Harbor',
  'Iron',
  'Linden',
  'Maple',
  'North',
  'Oak',
  'Polder',
  'Quay',
  'River',
  'Silver',
  'Tulip',
  'West',
  'Windmill',
];
const nameTrades = [
  'Logistics',
  'Dental',
  'Legal',
  'Bakery',
  'Architects',
  'Accountants',
  'Florists',
  'Media',
  'Engineering',
  'Clinic',
  'Foods',
  'Transport',
  'Consulting',
  'Retail',
  'Labs',
  'Studio',
];
const cities = [
  'Amsterdam',
  'Rotterdam',
  'Utrecht',
  'Eindhoven',
  'Groningen',
  'Tilburg',
  'Almere',
  'Breda',
  'Nijmegen',
  'Haarlem',
  'Arnhem',
  'Zwolle',
  'Leiden',
  'Delft',
  'Maastricht',
];

export class MspLog {
  readonly shape: MspShape;
  private readonly random: SeededRandom;
  private count = 0;
  private keys = new Float64Array(0);
  private kinds = new Uint8Array(0);
  private entities = new Uint32Array(0);
  private auxes = new Uint16Array(0);

  constructor(users: number, seed = 20250101) {
    this.shape = shapeFor(users);
    this.random = new SeededRandom(seed);
    const { endCustomers } = this.shape;
    this.reserve(users * 5 + endCustomers * 40);
    const customers = this.shape.distributors + this.shape.resellers + endCustomers;
    for (let c = 0; c < customers; c++) this.planCustomer(c);
    for (let u = 0; u < users; u++) this.planUser(u);
    this.keys = this.keys.slice(0, this.count);
    this.keys.sort();
  }

  /** How many entries `batches()` yields in all. */
  get entries(): number {
    return this.count;
  }

  get customers(): number {
    return this.shape.distributors + this.shape.resellers + this.shape.endCustomers;
  }

  /** The end customer created on 20 Nov whose go-live rule the benchmark edits. */
  get goLiveCustomerRef(): string {
    return this.customerRef(this.goLiveCustomer);
  }

  /** The year's entries in time order, `size` at a time; each batch is built when it is asked for. */
  *batches(size = 10_000): Generator<ChangeEntry[]> {
    for (let start = 0; start < this.count; start += size) {
      const end = Math.min(this.count, start + size);
      const batch: ChangeEntry[] = new Array(end - start);
      for (let j = start; j < end; j++) {
        const key = this.keys[j] as number;
        const time = Math.floor(key / INDEX_SPAN);
        batch[j - start] = this.entry(key - time * INDEX_SPAN, time);
      }
      yield batch;
    }
  }

  // --- the customer tree ---------------------------------------------------------------------------

  private get goLiveCustomer(): number {
    return this.customers - 1;
  }

  private customerRef(c: number): string {
    const { distributors, resellers } = this.shape;
    if (c < distributors) return `dist-${c}`;
    if (c < distributors + resellers) return `res-${c - distributors}`;
    return `cust-${c - distributors - resellers}`;
  }

  /** What kind of end customer `c` is: a test lab, a demo, the go-live customer, or a plain one. */
  private flavour(c: number): 'test' | 'demo' | 'go-live' | 'plain' {
    if (c === this.goLiveCustomer) return 'go-live';
    if (c === this.customers - 2) return 'test';
    if (c === this.customers - 3) return 'demo';
    const draw = this.random.at(c, Salt.CustomerKind);
    return draw < 0.01 ? 'test' : draw < 0.02 ? 'demo' : 'plain';
  }

  private customerCreatedAt(c: number): number {
    const { distributors, resellers } = this.shape;
    if (c < distributors) return c * 60;
    if (c < distributors + resellers) return HOUR + Math.floor(((c - distributors) * HOUR) / resellers);
    if (c === this.goLiveCustomer) return GO_LIVE_CREATED;
    const at = this.random.at(c, Salt.CustomerCreatedAt);
    // Three quarters are the MSP's existing book, imported in the first days; the rest sign up later.
    if (this.random.at(c, Salt.CustomerInitial) < 0.75) return 2 * HOUR + Math.floor(at * 2.5 * DAY);
    return 5 * DAY + Math.floor(at * (CAP - 17 * DAY));
  }

  private companyName(c: number): string {
    const word = nameWords[this.random.below(c, Salt.CustomerName1, nameWords.length)];
    const trade = nameTrades[this.random.below(c, Salt.CustomerName2, nameTrades.length)];
    return `${word} ${trade} ${c}`;
  }

  private customerDomain(c: number): string {
    const word = nameWords[this.random.below(c, Salt.CustomerName1, nameWords.length)] as string;
    return `${word.toLowerCase()}-${c}.${tlds[this.random.below(c, Salt.CustomerTld, tlds.length)]}`;
  }

  /** Users per end customer are skewed: a few large customers, a long tail of small ones. */
  private customerOfUser(u: number): number {
    const { distributors, resellers, endCustomers } = this.shape;
    const k = Math.floor(endCustomers * this.random.at(u, Salt.UserCustomer) ** 2);
    return distributors + resellers + k;
  }

  private expectedUsers(c: number): number {
    const { distributors, resellers, endCustomers, users } = this.shape;
    const k = c - distributors - resellers;
    return users * (Math.sqrt((k + 1) / endCustomers) - Math.sqrt(k / endCustomers));
  }

  private planCustomer(c: number): void {
    const t = this.customerCreatedAt(c);
    this.push(t, Event.CustomerCreated, c, 0);
    const { distributors, resellers } = this.shape;
    if (c < distributors + resellers) return;
    const random = this.random;
    if (random.at(c, Salt.Support) < 0.7) {
      this.push(t + 300, Event.SupportPlan, c, random.below(c, Salt.SupportTier, supportTiers.length));
    }
    const domains = random.at(c, Salt.SecondDomain) < 0.4 ? 2 : 1;
    for (let j = 0; j < domains; j++) this.push(t + 600 + j * 60, Event.DomainAdded, c, j);
    const vms = Math.floor(this.expectedUsers(c) / 12) + (random.at(c, Salt.ExtraVm) < 0.3 ? 1 : 0);
    for (let j = 0; j < vms; j++) {
      const added = t + 1800 + Math.floor(random.at(c, Salt.Vm + 8 * j) * ((CAP - t) / 2));
      this.push(added, Event.VmAdded, c, j);
      if (random.at(c, Salt.Vm + 8 * j + 1) < 0.25) {
        const removed = added + DAY + Math.floor(random.at(c, Salt.Vm + 8 * j + 2) * (CAP - added - 2 * DAY));
        this.push(removed, Event.VmRemoved, c, j);
      }
    }
    if (random.at(c, Salt.Usage) < 0.4) {
      const first = t + DAY + Math.floor(random.at(c, Salt.UsageStart) * DAY);
      for (let week = 0; first + week * 7 * DAY < CAP; week++) {
        this.push(first + week * 7 * DAY, Event.UsageRecorded, c, week);
      }
    }
    if (random.at(c, Salt.CustomerRename) < 0.03) {
      this.push(
        t + HOUR + Math.floor(random.at(c, Salt.CustomerRenameAt) * (CAP - t - 2 * HOUR)),
        Event.CustomerRenamed,
        c,
        0,
      );
    }
  }

  // --- users ---------------------------------------------------------------------------------------

  private planUser(u: number): void {
    const random = this.random;
    const joinedBook = this.customerCreatedAt(this.customerOfUser(u));
    const room = CAP - joinedBook;
    const created =
      random.at(u, Salt.UserJoins) < 0.8
        ? joinedBook + 600 + Math.floor(random.at(u, Salt.UserCreatedAt) * Math.min(2 * DAY, room / 4))
        : joinedBook + 600 + Math.floor(random.at(u, Salt.UserCreatedAt) * (room - 3 * DAY));
    const deleted = random.at(u, Salt.UserDeleted) < 0.08 && CAP - created > 10 * DAY;
    const end = deleted
      ? created + 7 * DAY + Math.floor(random.at(u, Salt.UserDeletedAt) * (CAP - created - 8 * DAY))
      : CAP;
    const span = end - created;
    this.push(created, Event.UserCreated, u, 0);

    if (random.at(u, Salt.Seat) < 0.97) {
      const seat = created + 60 + Math.floor(random.at(u, Salt.SeatAt) * Math.min(HOUR, span / 4));
      const plan = random.weighted(u, Salt.SeatPlan, seatWeights);
      this.push(seat, Event.SeatPlan, u, plan);
      let last = seat;
      if (random.at(u, Salt.SeatChange) < 0.15 && end - seat > 3 * DAY) {
        last = seat + DAY + Math.floor(random.at(u, Salt.SeatChangeAt) * (end - seat - 2 * DAY));
        const next =
          (plan + 1 + random.below(u, Salt.SeatChangePlan, seatPlans.length - 1)) % seatPlans.length;
        this.push(last, Event.SeatPlan, u, next);
      }
      if (random.at(u, Salt.SeatCancel) < 0.02 && end - last > 2 * DAY) {
        this.push(
          last + DAY + Math.floor(random.at(u, Salt.SeatCancelAt) * (end - last - 2 * DAY)),
          Event.SeatCancelled,
          u,
          0,
        );
      }
    }
    if (random.at(u, Salt.Security) < 0.4) {
      this.push(
        created + 120 + Math.floor(random.at(u, Salt.SecurityAt) * (span / 2)),
        Event.SecurityPlan,
        u,
        0,
      );
    }
    if (random.at(u, Salt.Citrix) < 0.25) {
      const added = created + 180 + Math.floor(random.at(u, Salt.CitrixAt) * (span / 2));
      this.push(added, Event.CitrixAdded, u, 0);
      if (random.at(u, Salt.CitrixRemove) < 0.2 && end - added > 2 * DAY) {
        const removed =
          added + DAY + Math.floor(random.at(u, Salt.CitrixRemoveAt) * (end - added - DAY - 60));
        this.push(removed, Event.CitrixRemoved, u, 0);
      }
    }
    if (random.at(u, Salt.Backup) < 0.6) {
      this.push(
        created + 240 + Math.floor(random.at(u, Salt.BackupAt) * (span / 3)),
        Event.BackupAdded,
        u,
        0,
      );
    }
    if (random.at(u, Salt.UserRename) < 0.02) {
      this.push(
        created + HOUR + Math.floor(random.at(u, Salt.UserRenameAt) * (span - 2 * HOUR)),
        Event.UserRenamed,
        u,
        0,
      );
    }
    if (deleted) this.push(end, Event.UserDeleted, u, 0);
  }

  private userName(u: number, renamed: boolean): string {
    const domain = this.customerDomain(this.customerOfUser(u));
    if (!renamed && this.random.at(u, Salt.Admin) < 0.03) return `admin@${domain}`;
    const first = firstNames[this.random.below(u, Salt.FirstName, firstNames.length)];
    const last =
      lastNames[this.random.below(u, renamed ? Salt.UserRenameAt : Salt.LastName, lastNames.length)];
    return `${first}.${last}${renamed ? '-2' : ''}.${u}@${domain}`;
  }

  // --- entries -------------------------------------------------------------------------------------
  // Object literals with the same fields in the same order, not spreads: four million of them a run.

  private entry(index: number, time: number): ChangeEntry {
    const entity = this.entities[index] as number;
    const aux = this.auxes[index] as number;
    const key = `msp-${index}`;
    const at = new Date((YEAR_START + time) * 1000).toISOString();
    const kind = this.kinds[index] as Event;
    if (kind <= Event.UserRenamed) return this.partyEntry(kind, key, at, entity);
    if (kind <= Event.BackupAdded) return this.userElementEntry(kind, key, at, entity, aux);
    return this.customerElementEntry(kind, key, at, entity, aux);
  }

  private partyEntry(kind: Event, key: string, occurredAt: string, entity: number): ChangeEntry {
    if (kind === Event.CustomerCreated) return this.customerCreated(key, occurredAt, entity);
    if (kind === Event.CustomerRenamed) {
      const customer = this.customerRef(entity);
      const name = `${this.companyName(entity)} Group`;
      return { key, kind: 'customer.renamed', occurredAt, actor: 'ops@bench-msp.example', customer, name };
    }
    const customer = this.customerRef(this.customerOfUser(entity));
    const user = `u${entity}`;
    if (kind === Event.UserCreated) {
      const name = this.userName(entity, false);
      return { key, kind: 'user.created', occurredAt, actor: 'psa-sync', customer, user, name };
    }
    if (kind === Event.UserDeleted)
      return { key, kind: 'user.deleted', occurredAt, actor: 'psa-sync', customer, user };
    const name = this.userName(entity, true);
    return { key, kind: 'user.renamed', occurredAt, actor: 'ops@bench-msp.example', customer, user, name };
  }

  private customerCreated(key: string, occurredAt: string, c: number): ChangeEntry {
    const { distributors, resellers } = this.shape;
    const random = this.random;
    const kind = 'customer.created';
    const actor = 'psa-sync';
    const customer = this.customerRef(c);
    if (c < distributors) {
      const name = `${cities[c % cities.length]} Distribution ${c} BV`;
      const resellerBilling = c % 2 === 0 ? 'on_behalf' : 'aggregate';
      return { key, kind, occurredAt, actor, customer, name, resellerBilling };
    }
    if (c < distributors + resellers) {
      const r = c - distributors;
      const name = `${cities[random.below(c, Salt.ResellerName, cities.length)]} IT Partners ${r}`;
      const parent = this.customerRef(r % distributors);
      const resellerBilling = r % 2 === 0 ? 'aggregate' : 'on_behalf';
      return { key, kind, occurredAt, actor, customer, name, parent, relationship: 'via', resellerBilling };
    }
    const flavour = this.flavour(c);
    const name =
      flavour === 'test'
        ? `Test Lab ${c}`
        : flavour === 'demo'
          ? `Demo ${this.companyName(c)}`
          : flavour === 'go-live'
            ? `Go-Live Ventures ${c} BV`
            : this.companyName(c);
    const entry: ChangeEntry = { key, kind, occurredAt, actor, customer, name };
    if (flavour !== 'go-live' && random.at(c, Salt.CustomerParent) >= 0.3) {
      entry.parent = this.customerRef(distributors + random.below(c, Salt.CustomerParent + 100, resellers));
      entry.relationship = random.at(c, Salt.CustomerVia) < 0.05 ? 'direct' : 'via';
    }
    if (flavour === 'test' || flavour === 'demo') entry.tags = [flavour];
    return entry;
  }

  private userElementEntry(
    kind: Event,
    key: string,
    occurredAt: string,
    u: number,
    aux: number,
  ): ChangeEntry {
    const customer = this.customerRef(this.customerOfUser(u));
    const user = `u${u}`;
    switch (kind) {
      case Event.SeatPlan: {
        const plan = seatPlans[aux];
        return {
          key,
          kind: 'plan.changed',
          occurredAt,
          actor: 'partner-center',
          customer,
          user,
          service: 'm365',
          plan,
        };
      }
      case Event.SeatCancelled:
        return {
          key,
          kind: 'plan.changed',
          occurredAt,
          actor: 'partner-center',
          customer,
          user,
          service: 'm365',
          plan: null,
        };
      case Event.SecurityPlan: {
        const plan = 'defender-p1';
        return {
          key,
          kind: 'plan.changed',
          occurredAt,
          actor: 'partner-center',
          customer,
          user,
          service: 'security',
          plan,
        };
      }
      case Event.CitrixAdded: {
        const application = `ctx-${user}`;
        const product = 'virtual-apps';
        return {
          key,
          kind: 'application.added',
          occurredAt,
          actor: 'citrix-cloud',
          customer,
          user,
          service: 'citrix',
          product,
          application,
        };
      }
      case Event.CitrixRemoved: {
        const application = `ctx-${user}`;
        return {
          key,
          kind: 'application.removed',
          occurredAt,
          actor: 'citrix-cloud',
          customer,
          user,
          service: 'citrix',
          application,
        };
      }
      default: {
        const instance = `bkp-${user}`;
        const product = 'mailbox-backup';
        return {
          key,
          kind: 'instance.added',
          occurredAt,
          actor: 'acme-portal',
          customer,
          user,
          service: 'backup',
          product,
          instance,
        };
      }
    }
  }

  private customerElementEntry(
    kind: Event,
    key: string,
    occurredAt: string,
    c: number,
    aux: number,
  ): ChangeEntry {
    const customer = this.customerRef(c);
    switch (kind) {
      case Event.SupportPlan: {
        const plan = supportTiers[aux];
        return {
          key,
          kind: 'plan.changed',
          occurredAt,
          actor: 'acme-portal',
          customer,
          service: 'acme-support',
          plan,
        };
      }
      case Event.DomainAdded: {
        const own = this.customerDomain(c);
        const domain = aux === 0 ? own : `shop-${own.replace(/\.\w+$/, '.eu')}`;
        return { key, kind: 'domain.added', occurredAt, actor: 'registrar', customer, domain };
      }
      case Event.VmAdded: {
        const product = vmProducts[this.random.weighted(c, Salt.Vm + 8 * aux + 3, vmWeights)];
        const instance = `vm-${c}-${aux}`;
        return {
          key,
          kind: 'instance.added',
          occurredAt,
          actor: 'acme-portal',
          customer,
          service: 'iaas',
          product,
          instance,
        };
      }
      case Event.VmRemoved: {
        const instance = `vm-${c}-${aux}`;
        return {
          key,
          kind: 'instance.removed',
          occurredAt,
          actor: 'acme-portal',
          customer,
          service: 'iaas',
          instance,
        };
      }
      default: {
        const quantity = (1 + this.random.at(c, Salt.Week + aux) * this.expectedUsers(c) * 4).toFixed(2);
        const product = 'consumption';
        return {
          key,
          kind: 'usage.recorded',
          occurredAt,
          actor: 'azure-billing',
          customer,
          service: 'azure',
          product,
          quantity,
        };
      }
    }
  }

  // --- the event table -----------------------------------------------------------------------------

  private push(time: number, kind: Event, entity: number, aux: number): void {
    if (this.count === this.kinds.length) this.reserve(this.count * 2);
    const index = this.count++;
    this.keys[index] = time * INDEX_SPAN + index;
    this.kinds[index] = kind;
    this.entities[index] = entity;
    this.auxes[index] = aux;
  }

  private reserve(capacity: number): void {
    if (capacity >= INDEX_SPAN) throw new Error(`more than ${INDEX_SPAN} events do not fit the sort key`);
    const grow = <T extends Float64Array | Uint8Array | Uint32Array | Uint16Array>(old: T, next: T): T => {
      next.set(old);
      return next;
    };
    this.keys = grow(this.keys, new Float64Array(capacity));
    this.kinds = grow(this.kinds, new Uint8Array(capacity));
    this.entities = grow(this.entities, new Uint32Array(capacity));
    this.auxes = grow(this.auxes, new Uint16Array(capacity));
  }
}
