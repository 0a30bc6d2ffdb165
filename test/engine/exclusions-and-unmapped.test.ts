import { beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/database.js';
import {
  createSku,
  createTenant,
  generatePeriod,
  ingest,
  itemLines,
  rollupLines,
} from '../support/fixtures.js';

const database = await freshDatabase();
const { sql } = database;

// billing.md, "Billing rules": exclude test and demo customers (tag `test`, name pattern `Demo*`)
// and test and admin users by naming convention (`admin*`, `*.test@*`). Patterns are
// case-insensitive and overlapping rules leave the item to the oldest (docs/billing-choices.md).
// "Who is who": an element with no SKU mapping is still itemised, with price 0 and flagged unmapped.
const tenantId = 'exclusions';
let period: Awaited<ReturnType<typeof generatePeriod>>;

beforeAll(async () => {
  await createTenant(sql, { id: tenantId, mode: 'calendar' });
  await createSku(sql, tenantId, {
    code: 'E3',
    vendor: 'Microsoft',
    price: '31.00',
    maps: [['plan', 'm365', 'E3']],
  });
  const at = '2026-01-01T00:00:00Z';
  const customer = (ref: string, name: string, users: string[], tags?: string[]) => [
    { kind: 'customer.created', occurredAt: at, customer: ref, name, ...(tags ? { tags } : {}) },
    ...users.flatMap((user) => [
      { kind: 'user.created', occurredAt: at, customer: ref, user, name: `${user}@${ref}.example` },
      { kind: 'plan.changed', occurredAt: at, customer: ref, user, service: 'm365', plan: 'E3' },
    ]),
  ];
  const mystery = (ref: string) => ({
    kind: 'instance.added',
    occurredAt: at,
    customer: ref,
    service: 'mystery',
    product: 'x1',
    instance: `m-${ref}`,
  });
  await ingest(sql, tenantId, [
    ...customer('real', 'Real BV', ['anna', 'admin', 'administrator', 'sysadmin', 'qa.test']),
    ...customer('acmedemo', 'Acme Demo', ['amy']),
    ...customer('demo', 'Demo Shop', ['dan']),
    ...customer('demo2', 'DEMO Corp', ['dora']),
    ...customer('lab', 'Demo Lab', ['lars'], ['test']),
    mystery('real'),
    mystery('lab'),
    {
      kind: 'usage.recorded',
      occurredAt: '2026-03-10T08:00:00Z',
      customer: 'real',
      service: 'sms',
      product: 'premium',
      quantity: '5',
    },
  ]);
  await sql`
    insert into rules (tenant_id, name, customer_tag, customer_pattern, user_pattern, created_by)
    values (${tenantId}, 'Exclude test customers', 'test', null, null, 'fiona@msp'),
           (${tenantId}, 'Exclude demo customers', null, 'Demo*', null, 'fiona@msp'),
           (${tenantId}, 'Exclude admin users', null, null, 'admin*', 'fiona@msp'),
           (${tenantId}, 'Exclude test mailboxes', null, null, '*.test@*', 'fiona@msp')`;
  period = await generatePeriod(sql, tenantId, '2026-03-01');
});

describe('test and demo customers are excluded by rules', () => {
  it('itemises their elements as non-billable, recording the rule, by tag and by name pattern', async () => {
    const lines = await itemLines(sql, period.periodId);
    // Rules without dates cover the whole of March: every part is 0.00. 'Demo*' matches 'Demo Shop'
    // and 'DEMO Corp' (case-insensitive) but not 'Acme Demo' (the pattern is anchored). 'Demo Lab' is
    // tagged test and named Demo*: the oldest rule, 'Exclude test customers', takes it.
    expect(lines.filter((line) => !line.startsWith('real'))).toEqual([
      'acmedemo | amy@acmedemo.example | E3 | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 31.00 | carried over',
      'demo | dan@demo.example | E3 | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 0.00 | carried over, not billable: Exclude demo customers',
      'demo2 | dora@demo2.example | E3 | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 0.00 | carried over, not billable: Exclude demo customers',
      'lab | - | mystery/x1 | 2026-03-01..2026-04-01 | 31/31 | 1 x 0 = 0.00 | carried over, not billable: Exclude test customers, unmapped',
      'lab | lars@lab.example | E3 | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 0.00 | carried over, not billable: Exclude test customers',
    ]);
  });
});

describe('admin and test users are excluded by naming convention', () => {
  it('matches admin* and *.test@* on user names only, leaving other users billed', async () => {
    const lines = await itemLines(sql, period.periodId);
    // 'admin*' takes admin@ and administrator@, not sysadmin@; '*.test@*' takes qa.test@.
    expect(lines.filter((line) => line.startsWith('real') && !line.startsWith('real | - |'))).toEqual([
      'real | admin@real.example | E3 | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 0.00 | carried over, not billable: Exclude admin users',
      'real | administrator@real.example | E3 | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 0.00 | carried over, not billable: Exclude admin users',
      'real | anna@real.example | E3 | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 31.00 | carried over',
      'real | qa.test@real.example | E3 | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 0.00 | carried over, not billable: Exclude test mailboxes',
      'real | sysadmin@real.example | E3 | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 31.00 | carried over',
    ]);
  });
});

describe('an element with no SKU mapping', () => {
  it('is itemised at price 0 and flagged unmapped, as is unmapped usage', async () => {
    const lines = await itemLines(sql, period.periodId);
    // The usage of 10 March is a 0-day item on its date: 5 units x 0 = 0.00.
    expect(lines.filter((line) => line.startsWith('real | - |'))).toEqual([
      'real | - | mystery/x1 | 2026-03-01..2026-04-01 | 31/31 | 1 x 0 = 0.00 | carried over, unmapped',
      'real | - | sms/premium | 2026-03-10..2026-03-10 | 0/31 | 5 x 0 = 0.00 | unmapped',
    ]);
  });

  it('counts in the totals with 0.00: only the three real users and Acme Demo are charged', async () => {
    // 31.00 x 3 (amy, anna, sysadmin) = 93.00; 12 items, 5 billable (3 seats and 2 unmapped).
    expect(period.totals).toEqual({ items: 12, billableItems: 5, total: '93.00' });
    expect(await rollupLines(sql, period.periodId)).toEqual([
      'customer acmedemo: 1 items, 31.00',
      'customer demo: 1 items, 0.00',
      'customer demo2: 1 items, 0.00',
      'customer lab: 2 items, 0.00',
      'customer real: 7 items, 62.00',
      'invoice_to acmedemo: 1 items, 31.00',
      'invoice_to demo: 1 items, 0.00',
      'invoice_to demo2: 1 items, 0.00',
      'invoice_to lab: 2 items, 0.00',
      'invoice_to real: 7 items, 62.00',
    ]);
  });
});
