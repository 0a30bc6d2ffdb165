import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acceptEntry } from '../../activities/ingest/accept-entry.js';
import { changeEntrySchema } from '../../activities/ingest/entry.js';

// The hand-written hot path may only accept what zod accepts, with the same output.
const instant = (
  changeEntrySchema.options[0].shape.occurredAt as unknown as { _zod: { def: { pattern: RegExp } } }
)._zod.def.pattern;

const valid: Record<string, unknown>[] = [
  { kind: 'customer.created', name: 'Acme', parent: 'res-1', relationship: 'via', tags: ['a'] },
  { kind: 'customer.created', name: 'Acme', resellerBilling: 'on_behalf' },
  { kind: 'customer.deleted' },
  { kind: 'customer.renamed', name: 'Acme 2' },
  { kind: 'user.created', user: 'u1', name: 'Ann' },
  { kind: 'user.deleted', user: 'u1' },
  { kind: 'user.renamed', user: 'u1', name: 'Ann B' },
  { kind: 'plan.changed', user: 'u1', service: 'm365', plan: 'e3', quantity: 2 },
  { kind: 'plan.changed', service: 'support', plan: null },
  { kind: 'instance.added', service: 'iaas', product: 'vm', instance: 'vm-1', quantity: '1.5' },
  { kind: 'instance.removed', user: 'u1', service: 'backup', instance: 'b-1' },
  { kind: 'application.added', user: 'u1', service: 'citrix', product: 'apps', application: 'a-1' },
  { kind: 'application.removed', service: 'citrix', application: 'a-1', quantity: 1 },
  { kind: 'domain.added', domain: 'acme.com', product: 'com' },
  { kind: 'domain.removed', domain: 'acme.com' },
  { kind: 'usage.recorded', service: 'azure', product: 'consumption', quantity: '12.34' },
].map((fields) => ({
  key: 'k-1',
  occurredAt: '2025-03-01T10:00:00.123456+01:00',
  actor: 'psa',
  customer: 'c1',
  ...fields,
}));

const odd = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.constant(''),
  fc.constant('via'),
  fc.constant('2025-02-29T10:00:00Z'),
  fc.constant('2025-03-01T10:00:00.1234567Z'),
  fc.constant('0000-01-01T00:00:00Z'),
  fc.constant('2025-03-01 10:00:00Z'),
  fc.constant('no-dot'),
  fc.constant('x'.repeat(201)),
  fc.constant(0),
  fc.constant(-1),
  fc.constant(1e21),
  fc.constant('0.0'),
  fc.constant('1.00001'),
  fc.constant(Number.NaN),
  fc.constant(['']),
  fc.constant([]),
  fc.constant({}),
  fc.string(),
  fc.double(),
);
const field = fc.constantFrom(
  'key',
  'kind',
  'occurredAt',
  'actor',
  'customer',
  'user',
  'name',
  'parent',
  'relationship',
  'resellerBilling',
  'tags',
  'service',
  'plan',
  'product',
  'instance',
  'application',
  'domain',
  'quantity',
  'extra',
);

describe('acceptEntry', () => {
  it('accepts every plainly valid kind, with the output zod gives', () => {
    for (const entry of valid) {
      const accepted = acceptEntry(entry, instant);
      expect(accepted).not.toBeNull();
      expect(accepted).toEqual(changeEntrySchema.parse(entry));
    }
  });

  it('never accepts what zod rejects, and agrees with zod on what it accepts', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...valid),
        fc.array(fc.tuple(field, odd, fc.boolean()), { maxLength: 3 }),
        (base, edits) => {
          const entry: Record<string, unknown> = { ...base };
          for (const [name, value, remove] of edits) {
            if (remove) delete entry[name];
            else entry[name] = value;
          }
          const accepted = acceptEntry(entry, instant);
          if (accepted === null) return;
          const parsed = changeEntrySchema.safeParse(entry);
          expect(parsed.success).toBe(true);
          expect(accepted).toEqual(parsed.data);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it("leaves Object.prototype's names to zod: a kind 'valueOf', a field 'toString'", () => {
    const [base] = valid;
    // Both once crashed or passed the plain check: an inherited member looked like a kind or a rule.
    expect(acceptEntry({ ...base, kind: 'valueOf' }, instant)).toBeNull();
    expect(acceptEntry({ ...base, toString: 'x' }, instant)).toBeNull();
    expect(acceptEntry({ ...base, constructor: 'x' }, instant)).toBeNull();
  });
});
