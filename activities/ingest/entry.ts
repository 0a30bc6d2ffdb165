import { hash } from 'node:crypto';
import { z } from 'zod';
import { acceptEntry } from './accept-entry.js';

/** The JSON shape of one change-log entry as senders write it, and its validation. */

const nonEmpty = z.string().min(1);

// A quantity fits numeric(18, 4): at most 14 integer and 4 fractional digits, never a JS float.
const DECIMAL = /^(?:0|[1-9]\d{0,13})(?:\.\d{1,4})?$/;
const ZERO = /^0(?:\.0+)?$/;
const quantityRule = 'must be a positive decimal with at most 14 integer and 4 fractional digits';

const quantity = z.union([z.number(), z.string()], { error: quantityRule }).transform((value, ctx) => {
  const decimal = typeof value === 'number' ? String(value) : value;
  if (DECIMAL.test(decimal) && !ZERO.test(decimal)) return decimal;
  ctx.addIssue({ code: 'custom', message: `${quantityRule}, got ${JSON.stringify(value)}` });
  return z.NEVER;
});

// RFC 3339 with seconds and an explicit offset; PostgreSQL keeps microseconds, so no finer fractions.
const isoInstant = z.iso.datetime({
  offset: true,
  error: 'must be an ISO 8601 instant with seconds and an offset or Z',
});
const instantPattern = isoInstant._zod.def.pattern as RegExp;
const instant = isoInstant.refine((value) => !value.startsWith('0000') && !/\.\d{7}/.test(value), {
  error: 'must be an instant in years 0001..9999 with at most microsecond precision',
});

const common = {
  key: z.string().min(1).max(200),
  occurredAt: instant,
  actor: nonEmpty,
  customer: nonEmpty,
};
const onUser = { user: nonEmpty.optional() };

const customerCreated = z
  .strictObject({
    ...common,
    kind: z.literal('customer.created'),
    name: nonEmpty,
    parent: nonEmpty.optional(),
    relationship: z.enum(['direct', 'via']).optional(),
    resellerBilling: z.enum(['aggregate', 'on_behalf']).optional(),
    tags: z.array(nonEmpty).optional(),
  })
  .refine((entry) => entry.relationship !== 'via' || entry.parent !== undefined, {
    path: ['parent'],
    error: "is required when relationship is 'via'",
  });

// Fields left out keep their value; `parent: null` moves the customer to the top of the tree.
const customerUpdated = z
  .strictObject({
    ...common,
    kind: z.literal('customer.updated'),
    parent: nonEmpty.nullable().optional(),
    relationship: z.enum(['direct', 'via']).optional(),
    resellerBilling: z.enum(['aggregate', 'on_behalf']).optional(),
    tags: z.array(nonEmpty).optional(),
  })
  .refine(
    (entry) =>
      entry.parent !== undefined ||
      entry.relationship !== undefined ||
      entry.resellerBilling !== undefined ||
      entry.tags !== undefined,
    {
      path: ['kind'],
      error: 'customer.updated must set at least one of parent, relationship, resellerBilling, tags',
    },
  )
  .refine((entry) => entry.relationship !== 'via' || entry.parent !== null, {
    path: ['parent'],
    error: "must not be null when relationship is 'via'",
  })
  .refine((entry) => entry.parent !== entry.customer, {
    path: ['parent'],
    error: 'must not be the customer itself',
  });

const planChanged = z
  .strictObject({
    ...common,
    ...onUser,
    kind: z.literal('plan.changed'),
    service: nonEmpty,
    plan: nonEmpty.nullable(),
    quantity: quantity.optional(),
  })
  .refine((entry) => entry.plan !== null || entry.quantity === undefined, {
    path: ['quantity'],
    error: 'must be absent when plan is null (a cancellation)',
  });

/** One change-log entry as senders write it; the API can document its request body with it. */
export const changeEntrySchema = z.discriminatedUnion('kind', [
  customerCreated,
  z.strictObject({ ...common, kind: z.literal('customer.deleted') }),
  z.strictObject({ ...common, kind: z.literal('customer.renamed'), name: nonEmpty }),
  customerUpdated,
  z.strictObject({ ...common, kind: z.literal('user.created'), user: nonEmpty, name: nonEmpty }),
  z.strictObject({ ...common, kind: z.literal('user.deleted'), user: nonEmpty }),
  z.strictObject({ ...common, kind: z.literal('user.renamed'), user: nonEmpty, name: nonEmpty }),
  planChanged,
  z.strictObject({
    ...common,
    ...onUser,
    kind: z.literal('instance.added'),
    service: nonEmpty,
    product: nonEmpty,
    instance: nonEmpty,
    quantity: quantity.optional(),
  }),
  z.strictObject({
    ...common,
    ...onUser,
    kind: z.literal('instance.removed'),
    service: nonEmpty,
    instance: nonEmpty,
  }),
  z.strictObject({
    ...common,
    ...onUser,
    kind: z.literal('application.added'),
    service: nonEmpty,
    product: nonEmpty,
    application: nonEmpty,
    quantity: quantity.optional(),
  }),
  z.strictObject({
    ...common,
    ...onUser,
    kind: z.literal('application.removed'),
    service: nonEmpty,
    application: nonEmpty,
    // Accepted as the spec lists it for both kinds; a removal ends the whole element regardless.
    quantity: quantity.optional(),
  }),
  z.strictObject({
    ...common,
    kind: z.literal('domain.added'),
    domain: z.string().regex(/^[^\s.]+(?:\.[^\s.]+)+$/, { error: 'must be a domain name such as acme.com' }),
    service: nonEmpty.optional(),
    product: nonEmpty.optional(),
  }),
  z.strictObject({
    ...common,
    kind: z.literal('domain.removed'),
    domain: nonEmpty,
    service: nonEmpty.optional(),
    product: nonEmpty.optional(),
  }),
  z.strictObject({
    ...common,
    ...onUser,
    kind: z.literal('usage.recorded'),
    service: nonEmpty,
    product: nonEmpty,
    quantity,
  }),
]);

export type Entry = z.output<typeof changeEntrySchema>;

/** A valid entry with what ingestion needs besides its fields. */
export interface Change {
  index: number;
  entry: Entry;
  /** occurredAt in microseconds since the epoch: the replay order, with the batch position. */
  at: number;
  /** The entry as sent, as canonical JSON (sorted keys): stored as the payload, and hashed. */
  payload: string;
  hash: string;
  /** The change-log id, once the entry is stored. */
  id: number | null;
}

export interface Rejection {
  index: number;
  key: string | null;
  field: string;
  reason: string;
}

export type Checked = { ok: true; change: Change } | { ok: false; rejection: Rejection };

/**
 * Validates one entry and fingerprints it: one canonical JSON, one hash, and a hand-written check of
 * the common valid entry; zod parses only the entries that check does not accept, for the reasons.
 */
export function checkEntry(raw: unknown, index: number): Checked {
  const accepted = acceptEntry(raw, instantPattern);
  const parsed =
    accepted === null ? changeEntrySchema.safeParse(raw) : { success: true as const, data: accepted };
  const record = raw as Record<string, unknown>;
  if (!parsed.success) {
    const key = typeof record?.key === 'string' ? record.key : null;
    const problems = parsed.error.issues.map((issue) => describeIssue(issue, record));
    return {
      ok: false,
      rejection: {
        index,
        key,
        field: problems[0]?.field ?? '',
        reason: `${nameEntry(index, key)}: ${problems.map((p) => p.text).join('; ')}`,
      },
    };
  }
  // Sorted top-level keys make the JSON canonical: valid entries nest only arrays of strings.
  const sorted: Record<string, unknown> = {};
  for (const name of Object.keys(record).sort()) sorted[name] = record[name];
  const canonical = JSON.stringify(sorted);
  if (UNSTORABLE.test(canonical)) {
    const field = Object.keys(record).find((name) => UNSTORABLE.test(JSON.stringify(record[name]))) ?? '';
    const reason = `${nameEntry(index, parsed.data.key)}: '${field}' contains a NUL or unpaired surrogate character`;
    return { ok: false, rejection: { index, key: parsed.data.key, field, reason } };
  }
  const at = instantMicros(parsed.data.occurredAt);
  return {
    ok: true,
    change: { index, entry: parsed.data, at, payload: canonical, hash: hash('sha256', canonical), id: null },
  };
}

// PostgreSQL text and jsonb cannot hold these, so they are rejected here rather than failing the insert:
// an escaped NUL or lone surrogate, not preceded by an escaped backslash.
const UNSTORABLE = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f])/i;

export function nameEntry(index: number, key: string | null): string {
  return key === null ? `entry ${index}` : `entry ${index} (key '${key}')`;
}

/** Microseconds since the epoch of a validated RFC 3339 instant (Date keeps only milliseconds). */
export function instantMicros(value: string): number {
  const fraction = /\.(\d+)/.exec(value)?.[1] ?? '';
  return Date.parse(value) * 1000 + Number(`${fraction}000000`.slice(3, 6));
}

/** The kind of element an entry starts or ends, and its identity's ref. */
export function elementOf(
  entry: Entry,
): { kind: 'plan' | 'instance' | 'application' | 'domain'; ref: string } | null {
  switch (entry.kind) {
    case 'plan.changed':
      return { kind: 'plan', ref: entry.service };
    case 'instance.added':
    case 'instance.removed':
      return { kind: 'instance', ref: entry.instance };
    case 'application.added':
    case 'application.removed':
      return { kind: 'application', ref: entry.application };
    case 'domain.added':
    case 'domain.removed':
      return { kind: 'domain', ref: entry.domain };
    default:
      return null;
  }
}

export function userOf(entry: Entry): string | null {
  return 'user' in entry && entry.user !== undefined ? entry.user : null;
}

interface Problem {
  field: string;
  text: string;
}

function describeIssue(issue: z.core.$ZodIssue, record: Record<string, unknown> | undefined): Problem {
  const field = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') {
    const names = issue.keys.map((name) => `'${name}'`).join(', ');
    return { field: issue.keys[0] ?? '', text: `unknown field ${names} (allowed fields depend on kind)` };
  }
  if (issue.path.length === 0) return { field: '', text: 'an entry must be a JSON object' };
  if (issue.code === 'custom') return { field, text: `'${field}' ${issue.message}` };
  const present = record !== null && typeof record === 'object' && valueAt(record, issue.path) !== undefined;
  if (!present) return { field, text: `'${field}' is required` };
  if (issue.code === 'invalid_union' && field === 'kind') {
    return { field, text: `'kind' must be one of ${changeKindList()}, got ${shown(record.kind)}` };
  }
  return { field, text: `'${field}' ${explain(issue)}, got ${shown(valueAt(record, issue.path))}` };
}

function explain(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${issue.expected === 'array' ? 'an array' : `a ${issue.expected}`}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => `'${String(v)}'`).join(', ')}`;
    case 'too_small':
      return issue.origin === 'string' ? 'must not be empty' : issue.message;
    case 'too_big':
      return issue.origin === 'string'
        ? `must be at most ${String(issue.maximum)} characters`
        : issue.message;
    default:
      return issue.message;
  }
}

function valueAt(record: Record<string, unknown>, path: PropertyKey[]): unknown {
  let value: unknown = record;
  for (const step of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[step];
  }
  return value;
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

let kindList: string | undefined;
function changeKindList(): string {
  kindList ??= changeEntrySchema.options.map((option) => `'${option.shape.kind.value}'`).join(', ');
  return kindList;
}
