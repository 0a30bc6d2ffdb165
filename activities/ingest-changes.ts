import type postgres from 'postgres';
import { badData } from './errors.js';
import { type Change, checkEntry, nameEntry, type Rejection } from './ingest/entry.js';
import type { Ledger } from './ingest/ledger.js';
import { loadElements, loadParties } from './ingest/load-ledger.js';
import { type Creations, replay } from './ingest/replay.js';
import { judgeTreeChanges, writeTreeChanges } from './ingest/tree-changes.js';
import { insertChanges, reserveIds, writePlan } from './ingest/write-plan.js';

export { changeEntrySchema, type Entry, type Rejection } from './ingest/entry.js';

export interface IngestResult {
  /** Entries written by this call, with their change-log ids; empty when anything was rejected. */
  stored: { index: number; key: string; id: number }[];
  /** Entries already stored with the same key and content, or repeated within this batch. */
  duplicates: { index: number; key: string; id: number }[];
  /** Every entry that is invalid or contradicts the state; any of them stops the whole batch. */
  rejected: Rejection[];
}

/**
 * Appends a batch of change-log entries for one tenant, all or nothing, and keeps the customers,
 * users, name history and elements they imply. Entries are validated, replayed in (occurredAt,
 * position) order against the stored state, then written set-based in one transaction that holds the
 * tenant's ingestion lock, so two batches of a tenant never interleave.
 *
 * A repeat within the batch of an entry this call would store is reported as a duplicate only when
 * the batch is stored (its id is the new row's).
 */
export async function ingestChanges(
  sql: postgres.Sql,
  tenantId: string,
  entries: unknown[],
): Promise<IngestResult> {
  if (!Array.isArray(entries)) {
    throw badData('entries must be an array of change-log entries', { field: 'entries' });
  }
  const batch = checkBatch(entries);
  if (batch.candidates.length === 0) return { stored: [], duplicates: [], rejected: batch.rejected };
  try {
    return await ingestBatch(sql, tenantId, batch, false);
  } catch (error) {
    // A contradiction, or an add not probed beforehand that met a live element of its identity: run
    // again probing every identity with its whole history, so each reason says what it contradicts.
    if (!(error instanceof Rejected) && !isLiveIdentityConflict(error)) throw error;
  }
  try {
    return await ingestBatch(sql, tenantId, batch, true);
  } catch (error) {
    if (error instanceof Rejected && error.result !== null) return error.result;
    throw error;
  }
}

interface CheckedBatch {
  /** Valid entries, the first of each key. */
  candidates: Change[];
  /** Later entries with the key and content of an earlier one. */
  repeats: Change[];
  rejected: Rejection[];
  creations: Creations;
}

/** Validates every entry and sorts out keys repeated within the batch; no I/O. */
function checkBatch(entries: unknown[]): CheckedBatch {
  const batch: CheckedBatch = {
    candidates: [],
    repeats: [],
    rejected: [],
    creations: { customers: new Map(), users: new Map(), rejected: new Set() },
  };
  const firstByKey = new Map<string, Change>();
  for (let index = 0; index < entries.length; index++) {
    const checked = checkEntry(entries[index], index);
    if (!checked.ok) {
      batch.rejected.push(checked.rejection);
      noteRejectedCreation(entries[index], index, batch.creations);
      continue;
    }
    const change = checked.change;
    const first = firstByKey.get(change.entry.key);
    if (first === undefined) {
      firstByKey.set(change.entry.key, change);
      batch.candidates.push(change);
    } else if (first.hash === change.hash) {
      batch.repeats.push(change);
    } else {
      reject(
        batch,
        change,
        'key',
        `key reused with different content (entry ${first.index} has the same key)`,
      );
    }
  }
  return batch;
}

/**
 * Thrown inside the transaction to roll back a rejected batch whose change-log insert was already
 * sent; without a result, the batch is to be judged again `thorough`.
 */
class Rejected extends Error {
  constructor(readonly result: IngestResult | null) {
    super('batch rejected');
  }
}

async function ingestBatch(
  sql: postgres.Sql,
  tenantId: string,
  checked: CheckedBatch,
  thorough: boolean,
): Promise<IngestResult> {
  const batch: CheckedBatch = {
    ...checked,
    rejected: [...checked.rejected],
    creations: {
      customers: new Map(checked.creations.customers),
      users: new Map(checked.creations.users),
      rejected: new Set(checked.creations.rejected),
    },
  };
  return sql.begin(async (tx) => {
    // work_mem: the batch's JSON parameters are materialised once, in memory rather than temp files.
    await tx`select pg_advisory_xact_lock(hashtext(${`ingest:${tenantId}`})), set_config('work_mem', '64MB', true)`;
    const keys = batch.candidates.map((change) => change.entry.key);
    const [ledger, reserved] = await Promise.all([
      loadParties(tx, tenantId, keys, batch.candidates),
      reserveIds(tx, batch.rejected.length > 0 ? { customers: 0, users: 0 } : countNew(batch)),
    ]);
    if (!ledger.tenantKnown) throw badData(`unknown tenant '${tenantId}'`, { field: 'tenantId' });
    const { fresh, duplicates } = setAsideStored(batch, ledger);

    // The change-log insert queues behind the element probe, so PostgreSQL inserts while we replay.
    const elementsLoaded = loadElements(tx, tenantId, ledger, fresh, thorough);
    const inserted =
      batch.rejected.length === 0 && fresh.length > 0 ? insertChanges(tx, tenantId, fresh) : null;
    inserted?.catch(() => {}); // awaited below, or rolled back with the transaction
    await elementsLoaded;
    const replayed = replay(fresh, ledger, batch.creations);
    const tree =
      replayed.plan.treeChanges.length > 0 ? await judgeTreeChanges(tx, tenantId, replayed.plan) : null;
    for (const { change, problem } of tree?.rejected ?? []) {
      reject(batch, change, problem.field, problem.text);
    }
    if ((replayed.rejected.length > 0 || (tree?.rejected.length ?? 0) > 0) && !thorough) {
      throw new Rejected(null);
    }
    batch.rejected.push(...replayed.rejected);

    if (batch.rejected.length > 0) {
      // Nothing is stored, so only repeats of stored entries have an id to report.
      for (const change of batch.repeats) {
        const stored = ledger.storedKeys.get(change.entry.key);
        if (stored !== undefined) {
          duplicates.push({ index: change.index, key: change.entry.key, id: stored.id });
        }
      }
      const result = {
        stored: [],
        duplicates: sortByIndex(duplicates),
        rejected: sortByIndex(batch.rejected),
      };
      if (inserted === null) return result;
      throw new Rejected(result);
    }

    await inserted;
    await writePlan(tx, tenantId, replayed.plan, reserved);
    if (tree !== null) await writeTreeChanges(tx, tenantId, tree);
    const newIds = new Map(fresh.map((change) => [change.entry.key, change.id]));
    const idOf = (key: string) => {
      const id = newIds.get(key) ?? ledger.storedKeys.get(key)?.id;
      if (id == null) throw new Error(`no change-log id for key '${key}'`);
      return id;
    };
    const stored = fresh.map(({ index, entry }) => ({ index, key: entry.key, id: idOf(entry.key) }));
    for (const { index, entry } of batch.repeats)
      duplicates.push({ index, key: entry.key, id: idOf(entry.key) });
    return { stored, duplicates: sortByIndex(duplicates), rejected: [] };
  });
}

/**
 * Sets aside the entries already stored: the same content is a duplicate, different content under
 * the same key a rejection. The rest are fresh, and the refs they create are noted for reasons.
 */
function setAsideStored(batch: CheckedBatch, ledger: Ledger) {
  const duplicates: IngestResult['duplicates'] = [];
  const fresh: Change[] = [];
  for (const change of batch.candidates) {
    const stored = ledger.storedKeys.get(change.entry.key);
    if (stored === undefined) {
      fresh.push(change);
      const { entry, index } = change;
      if (entry.kind === 'customer.created') {
        noteCreation(batch.creations, 'customers', entry.customer, index);
      }
      if (entry.kind === 'user.created') noteCreation(batch.creations, 'users', entry.user, index);
    } else if (stored.hash === change.hash) {
      duplicates.push({ index: change.index, key: change.entry.key, id: stored.id });
    } else {
      reject(batch, change, 'key', `key reused with different content (stored as change ${stored.id})`);
    }
  }
  return { fresh, duplicates };
}

/** At most how many customers and users the batch creates. */
function countNew(batch: CheckedBatch) {
  const counts = { customers: 0, users: 0 };
  for (const { entry } of batch.candidates) {
    if (entry.kind === 'customer.created') counts.customers++;
    else if (entry.kind === 'user.created') counts.users++;
  }
  return counts;
}

function reject(batch: CheckedBatch, change: Change, field: string, text: string) {
  batch.creations.rejected.add(change.index);
  const reason = `${nameEntry(change.index, change.entry.key)}: ${text}`;
  batch.rejected.push({ index: change.index, key: change.entry.key, field, reason });
}

/** The entry creating a ref, for reasons: a valid creation wins over a rejected one. */
function noteCreation(creations: Creations, kind: 'customers' | 'users', ref: string, index: number) {
  const known = creations[kind].get(ref);
  if (known === undefined || creations.rejected.has(known)) creations[kind].set(ref, index);
}

/** Remembers the refs an invalid entry meant to create, so entries using them say why they fail. */
function noteRejectedCreation(raw: unknown, index: number, creations: Creations) {
  creations.rejected.add(index);
  if (raw === null || typeof raw !== 'object') return;
  const { kind, customer, user } = raw as Record<string, unknown>;
  if (kind === 'customer.created' && typeof customer === 'string') {
    noteCreation(creations, 'customers', customer, index);
  }
  if (kind === 'user.created' && typeof user === 'string') noteCreation(creations, 'users', user, index);
}

function isLiveIdentityConflict(error: unknown): boolean {
  const failure = error as { code?: string; constraint_name?: string } | null;
  return failure?.code === '23505' && failure.constraint_name === 'elements_live_identity';
}

function sortByIndex<T extends { index: number }>(rows: T[]): T[] {
  return rows.sort((a, b) => a.index - b.index);
}
