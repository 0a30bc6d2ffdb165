import type { Entry } from './entry.js';

/**
 * The hot path of entry validation: a hand-written check of what changeEntrySchema accepts, for
 * batches of ten thousand where zod's parse cost more than the rest of the per-entry work together.
 * It only ever accepts: anything it does not recognise as valid (an unknown field, a wrong type, a
 * value out of range, an undefined) returns null, and zod then judges the entry and words its
 * reasons, so the reasons cannot drift. test/activities/accept-entry.test.ts checks both agree.
 */

type Rule = (value: unknown) => boolean;

const text: Rule = (value) => typeof value === 'string' && value.length > 0;
const key: Rule = (value) => typeof value === 'string' && value.length > 0 && value.length <= 200;
const oneOf =
  (...allowed: string[]): Rule =>
  (value) =>
    typeof value === 'string' && allowed.includes(value);
const tags: Rule = (value) => Array.isArray(value) && value.every(text);
const nullablePlan: Rule = (value) => value === null || text(value);

// Kept in step with entry.ts: the same patterns as the zod schema (the instant's is zod's own).
const DECIMAL = /^(?:0|[1-9]\d{0,13})(?:\.\d{1,4})?$/;
const ZERO = /^0(?:\.0+)?$/;
const DOMAIN = /^[^\s.]+(?:\.[^\s.]+)+$/;
let instantPattern: RegExp | undefined;

/** The quantity as zod's transform returns it, or null when zod would reject it. */
function quantityOf(value: unknown): string | null {
  const decimal = typeof value === 'number' ? String(value) : value;
  if (typeof decimal !== 'string' || !DECIMAL.test(decimal) || ZERO.test(decimal)) return null;
  return decimal;
}
const quantity: Rule = (value) => quantityOf(value) !== null;
const domain: Rule = (value) => typeof value === 'string' && DOMAIN.test(value);

const common: Record<string, Rule> = { key, occurredAt: () => true, actor: text, customer: text };
const onUser = { ...common, user: text };

/** Per kind: every allowed field with its rule, and which of them are required. */
const kinds: Record<string, { fields: Record<string, Rule>; required: string[] }> = {
  'customer.created': {
    fields: {
      ...common,
      name: text,
      parent: text,
      relationship: oneOf('direct', 'via'),
      resellerBilling: oneOf('aggregate', 'on_behalf'),
      tags,
    },
    required: ['name'],
  },
  'customer.deleted': { fields: common, required: [] },
  'customer.renamed': { fields: { ...common, name: text }, required: ['name'] },
  'user.created': { fields: { ...common, user: text, name: text }, required: ['user', 'name'] },
  'user.deleted': { fields: { ...common, user: text }, required: ['user'] },
  'user.renamed': { fields: { ...common, user: text, name: text }, required: ['user', 'name'] },
  'plan.changed': {
    fields: { ...onUser, service: text, plan: nullablePlan, quantity },
    required: ['service', 'plan'],
  },
  'instance.added': {
    fields: { ...onUser, service: text, product: text, instance: text, quantity },
    required: ['service', 'product', 'instance'],
  },
  'instance.removed': {
    fields: { ...onUser, service: text, instance: text },
    required: ['service', 'instance'],
  },
  'application.added': {
    fields: { ...onUser, service: text, product: text, application: text, quantity },
    required: ['service', 'product', 'application'],
  },
  'application.removed': {
    fields: { ...onUser, service: text, application: text, quantity },
    required: ['service', 'application'],
  },
  'domain.added': { fields: { ...common, domain, service: text, product: text }, required: ['domain'] },
  'domain.removed': {
    fields: { ...common, domain: text, service: text, product: text },
    required: ['domain'],
  },
  'usage.recorded': {
    fields: { ...onUser, service: text, product: text, quantity },
    required: ['service', 'product', 'quantity'],
  },
};
const always = ['key', 'occurredAt', 'actor', 'customer', 'kind'];

/**
 * The entry as changeEntrySchema would output it when it is plainly valid, else null (which does not
 * mean invalid: zod decides). `instant` is zod's ISO datetime pattern, handed over by entry.ts.
 */
export function acceptEntry(raw: unknown, instant: RegExp): Entry | null {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const record = raw as Record<string, unknown>;
  // Own keys only: a kind or field named like Object.prototype's members (valueOf, toString) is not one.
  if (typeof record.kind !== 'string' || !Object.hasOwn(kinds, record.kind)) return null;
  const kind = kinds[record.kind] as (typeof kinds)[string];
  const names = Object.keys(record);
  for (const name of names) {
    if (name === 'kind') continue;
    const rule = Object.hasOwn(kind.fields, name) ? kind.fields[name] : undefined;
    if (rule === undefined || !rule(record[name])) return null;
  }
  for (const name of always) if (!Object.hasOwn(record, name)) return null;
  for (const name of kind.required) if (!Object.hasOwn(record, name)) return null;
  const occurredAt = record.occurredAt;
  instantPattern ??= instant;
  if (
    typeof occurredAt !== 'string' ||
    !instantPattern.test(occurredAt) ||
    occurredAt.startsWith('0000') ||
    /\.\d{7}/.test(occurredAt)
  ) {
    return null;
  }
  if (record.kind === 'customer.created' && record.relationship === 'via' && record.parent === undefined) {
    return null;
  }
  if (record.kind === 'plan.changed' && record.plan === null && Object.hasOwn(record, 'quantity')) {
    return null;
  }
  const entry = { ...record };
  if (Object.hasOwn(entry, 'quantity')) entry.quantity = quantityOf(entry.quantity);
  return entry as Entry;
}
