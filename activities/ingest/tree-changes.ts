import type postgres from 'postgres';
import { iso, type Problem, problem } from './element-rules.js';
import type { Change } from './entry.js';
import type { TreeChange, WritePlan } from './write-plan.js';

/**
 * `customer.updated` entries against the customer tree through time (customer_tree): each one holds
 * from its `occurredAt` until the customer's next row, so it is judged at every instant of that span
 * where the tree changes. Cycles and a `via` without a parent are refused with the entry's reason.
 * Only batches with such entries pay for loading the tenant's tree.
 */

interface TreeState {
  parentRef: string | null;
  relationship: 'direct' | 'via';
  resellerBilling: 'aggregate' | 'on_behalf';
  tags: string[];
}

/** A customer's place in the tree from `from` (microseconds) on. */
interface TreeRow extends TreeState {
  from: number;
}

interface Timeline {
  rows: TreeRow[];
  /** Whether customer_tree holds this customer's rows (else its first update records its creation state). */
  recorded: boolean;
}

/** One row to store, with refs the SQL resolves; `change` null is the state recorded from creation. */
interface TreeWrite extends TreeState {
  customerRef: string;
  validFrom: string;
  change: Change | null;
}

export interface JudgedTree {
  rejected: { change: Change; problem: Problem }[];
  writes: TreeWrite[];
  /** The newest state of every customer the batch moved: the customers row mirrors it. */
  latest: Map<string, TreeState>;
}

const micros = (column: string) => `(extract(epoch from ${column}) * 1000000)::float8`;

const CUSTOMERS_SQL = `
  select c.ref, p.ref as parent_ref, c.relationship, c.reseller_billing, c.tags,
    ${micros('c.created_at')} as created_at,
    to_char(c.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_iso
  from customers c left join customers p on p.tenant_id = c.tenant_id and p.id = c.parent_id
  where c.tenant_id = $1`;

const HISTORY_SQL = `
  select c.ref, p.ref as parent_ref, h.relationship, h.reseller_billing, h.tags, ${micros('h.valid_from')} as valid_from
  from customer_tree h
  join customers c on c.tenant_id = h.tenant_id and c.id = h.customer_id
  left join customers p on p.tenant_id = h.tenant_id and p.id = h.parent_id
  where h.tenant_id = $1
  order by h.customer_id, h.valid_from, h.id`;

type StateRow = {
  ref: string;
  parent_ref: string | null;
  relationship: TreeState['relationship'];
  reseller_billing: TreeState['resellerBilling'];
  tags: string[];
};

export async function judgeTreeChanges(
  sql: postgres.TransactionSql,
  tenantId: string,
  plan: WritePlan,
): Promise<JudgedTree> {
  const [customers, history] = await Promise.all([
    sql.unsafe<(StateRow & { created_at: number; created_iso: string })[]>(CUSTOMERS_SQL, [tenantId]),
    sql.unsafe<(StateRow & { valid_from: number })[]>(HISTORY_SQL, [tenantId]),
  ]);
  const state = (row: StateRow): TreeState => ({
    parentRef: row.parent_ref,
    relationship: row.relationship,
    resellerBilling: row.reseller_billing,
    tags: row.tags,
  });
  const timelines = new Map<string, Timeline>();
  const createdIso = new Map<string, string>();
  for (const row of customers) {
    timelines.set(row.ref, { rows: [{ from: row.created_at, ...state(row) }], recorded: false });
    createdIso.set(row.ref, row.created_iso);
  }
  for (const row of history) {
    const timeline = timelines.get(row.ref);
    if (timeline === undefined) continue;
    if (!timeline.recorded) timeline.rows = [];
    timeline.recorded = true;
    timeline.rows.push({ from: row.valid_from, ...state(row) });
  }
  for (const created of plan.newCustomers) {
    timelines.set(created.state.ref, {
      rows: [
        {
          from: created.state.createdAt,
          parentRef: created.parent?.ref ?? null,
          relationship: created.relationship,
          resellerBilling: created.resellerBilling,
          tags: created.tags,
        },
      ],
      recorded: false,
    });
    createdIso.set(created.state.ref, created.createdAt);
  }

  const judged: JudgedTree = { rejected: [], writes: [], latest: new Map() };
  // Every instant the tree changes at, sorted: a batch of many moves looks up its span, not every row.
  const changes = [...timelines.values()].flatMap((timeline) => timeline.rows.map((row) => row.from));
  changes.sort((a, b) => a - b);
  for (const treeChange of plan.treeChanges) {
    const outcome = judge(treeChange, timelines, createdIso, judged, changes);
    if (outcome !== undefined) judged.rejected.push({ change: treeChange.change, problem: outcome });
  }
  for (const [ref, timeline] of timelines) {
    if (!judged.latest.has(ref)) continue;
    const last = timeline.rows[timeline.rows.length - 1];
    if (last !== undefined) judged.latest.set(ref, last);
  }
  return judged;
}

function judge(
  { change, customer, parent }: TreeChange,
  timelines: Map<string, Timeline>,
  createdIso: Map<string, string>,
  judged: JudgedTree,
  changes: number[],
): Problem | undefined {
  const entry = change.entry;
  if (entry.kind !== 'customer.updated') return undefined;
  const timeline = timelines.get(customer.ref);
  const before = timeline === undefined ? undefined : stateAt(timeline, change.at);
  if (timeline === undefined || before === undefined) {
    return problem('customer', `customer '${customer.ref}' has no place in the tree at ${entry.occurredAt}`);
  }
  const after: TreeRow = {
    from: change.at,
    parentRef: parent === undefined ? before.parentRef : (parent?.ref ?? null),
    relationship: entry.relationship ?? before.relationship,
    resellerBilling: entry.resellerBilling ?? before.resellerBilling,
    tags: entry.tags === undefined ? before.tags : [...new Set(entry.tags)],
  };
  if (after.relationship === 'via' && after.parentRef === null) {
    return problem(
      entry.relationship === undefined ? 'parent' : 'relationship',
      `customer '${customer.ref}' would be billed 'via' a parent but has none`,
    );
  }
  // The new row holds until the customer's next one; its tree is judged wherever the tree changes meanwhile.
  const position = timeline.rows.findIndex((row) => row.from > change.at);
  const until = position < 0 ? Number.POSITIVE_INFINITY : (timeline.rows[position]?.from ?? 0);
  timeline.rows.splice(position < 0 ? timeline.rows.length : position, 0, after);
  const instants = new Set([change.at]);
  for (let i = firstAfter(changes, change.at); i < changes.length && (changes[i] ?? 0) < until; i++) {
    instants.add(changes[i] ?? 0);
  }
  for (const at of instants) {
    const path = [customer.ref];
    let next = after.parentRef;
    while (next !== null) {
      path.push(next);
      if (next === customer.ref || path.length > timelines.size + 1) {
        timeline.rows.splice(timeline.rows.indexOf(after), 1);
        return problem(
          'parent',
          `would make customer '${customer.ref}' its own ancestor (${path.join(' -> ')}) at ${iso(at)}`,
        );
      }
      const ancestor = timelines.get(next);
      next = ancestor === undefined ? null : (stateAt(ancestor, at)?.parentRef ?? null);
    }
  }
  if (!timeline.recorded) {
    const created = timeline.rows[0];
    if (created !== undefined && created !== after) {
      judged.writes.push({
        customerRef: customer.ref,
        validFrom: createdIso.get(customer.ref) ?? entry.occurredAt,
        change: null,
        ...created,
      });
    }
    timeline.recorded = true;
  }
  changes.splice(firstAfter(changes, change.at), 0, change.at);
  judged.writes.push({ customerRef: customer.ref, validFrom: entry.occurredAt, change, ...after });
  judged.latest.set(customer.ref, after);
  return undefined;
}

/** The index of the first instant after `at` in the sorted `instants`. */
function firstAfter(instants: number[], at: number): number {
  let low = 0;
  let high = instants.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((instants[middle] ?? 0) <= at) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The row in force at `at`: the last one from at or before it (a later row of the same instant wins). */
function stateAt(timeline: Timeline, at: number): TreeRow | undefined {
  let found: TreeRow | undefined;
  for (const row of timeline.rows) {
    if (row.from > at) break;
    found = row;
  }
  return found;
}

const ROWS = 'jsonb_array_elements($2::text::jsonb) as r(x)';

// Refs resolve inside the tenant; the state recorded from creation takes the actor of the customer's
// first name, which is its creating entry's.
const INSERT_TREE = `
  insert into customer_tree (tenant_id, customer_id, valid_from, parent_id, relationship, reseller_billing,
    tags, actor, change_id)
  select $1, c.id, (x->>1)::timestamptz, p.id, (x->>3)::billing_relationship, (x->>4)::reseller_billing,
    array(select jsonb_array_elements_text(x->5)),
    coalesce(x->>6, (select h.actor from name_history h where h.tenant_id = $1 and h.subject = 'customer'
      and h.subject_id = c.id order by h.valid_from, h.id limit 1), 'unknown'),
    (x->>7)::int8
  from ${ROWS}
  join customers c on c.tenant_id = $1 and c.ref = x->>0
  left join customers p on p.tenant_id = $1 and p.ref = x->>2`;

// The customers row mirrors the newest state, which is what the API shows as the tree today.
const UPDATE_CUSTOMERS = `
  update customers c set parent_id = p.id, relationship = (x->>2)::billing_relationship,
    reseller_billing = (x->>3)::reseller_billing, tags = array(select jsonb_array_elements_text(x->4))
  from ${ROWS}
  left join customers p on p.tenant_id = $1 and p.ref = x->>1
  where c.tenant_id = $1 and c.ref = x->>0`;

/** Stores the accepted tree rows and brings the moved customers' rows to their newest state. */
export async function writeTreeChanges(
  sql: postgres.TransactionSql,
  tenantId: string,
  judged: JudgedTree,
): Promise<void> {
  if (judged.writes.length === 0) return;
  const rows = judged.writes.map((w) => [
    w.customerRef,
    w.validFrom,
    w.parentRef,
    w.relationship,
    w.resellerBilling,
    w.tags,
    w.change?.entry.actor ?? null,
    w.change?.id ?? null,
  ]);
  const latest = [...judged.latest].map(([ref, s]) => [
    ref,
    s.parentRef,
    s.relationship,
    s.resellerBilling,
    s.tags,
  ]);
  await sql.unsafe(INSERT_TREE, [tenantId, JSON.stringify(rows)]);
  await sql.unsafe(UPDATE_CUSTOMERS, [tenantId, JSON.stringify(latest)]);
}
