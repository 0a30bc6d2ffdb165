import { beforeAll, describe, expect, it } from 'vitest';
import { runStages } from '../../activities/run-stages.js';
import { freshDatabase } from '../support/database.js';
import {
  approvePeriod,
  createSku,
  createTenant,
  generatePeriod,
  ingest,
  rollupLines,
} from '../support/fixtures.js';

const database = await freshDatabase();
const { sql } = database;

// billing.md, "Generating a period": the customer tree (parent, relationship, reseller billing mode,
// tags) is read as it stood at the period's end; customer.updated makes it effective-dated.
//
//   res1  Reseller One  direct, bills aggregate
//   ├ end1 End One      via res1, tagged test (two E3 seats): excluded by the rule "Test customers"
//   └ end2 End Two      via res1 (one E3 seat)
//   res2  Reseller Two  direct, bills on_behalf
//
// On 10 Feb end1 moves under res2 and loses its test tag. E3 is 31.00 a month, prorated daily.
const tenantId = 'tree-dated';
const at = '2025-12-01T12:00:00Z';
let january: Awaited<ReturnType<typeof generatePeriod>>;

const seat = (customer: string, user: string, occurredAt = at) => [
  { kind: 'user.created', occurredAt, customer, user, name: `${user}@example` },
  { kind: 'plan.changed', occurredAt, customer, user, service: 'm365', plan: 'E3' },
];

/** Who each item of the period is consumed by and invoiced to, and what it is billed. */
async function itemLines(periodId: number) {
  const rows = await sql<{ line: string }[]>`
    select c.ref || ' -> ' || inv.ref || ': ' || i.amount::numeric(20, 2)
             || case when i.billable then '' else ' not billable (' || i.rule_name || ')' end
             || case when i.adjusts_period_id is null then '' else ' adjustment' end as line
    from items i join customers c on c.id = i.customer_id join customers inv on inv.id = i.invoice_to_id
    where i.period_id = ${periodId} order by c.ref, i.id`;
  return rows.map((row) => row.line);
}

const januaryItems = [
  'end1 -> res1: 0.00 not billable (Test customers)',
  'end1 -> res1: 0.00 not billable (Test customers)',
  'end2 -> res1: 31.00',
];
const januaryRollups = [
  'customer end1: 2 items, 0.00',
  'customer end2: 1 items, 31.00',
  'invoice_to res1: 3 items, 31.00',
  'reseller res1: 3 items, 31.00',
];

beforeAll(async () => {
  await createTenant(sql, { id: tenantId, mode: 'calendar' });
  await createSku(sql, tenantId, {
    code: 'E3',
    vendor: 'Microsoft',
    price: '31.00',
    maps: [['plan', 'm365', 'E3']],
  });
  await ingest(sql, tenantId, [
    { kind: 'customer.created', occurredAt: at, customer: 'res1', name: 'Reseller One' },
    {
      kind: 'customer.created',
      occurredAt: at,
      customer: 'res2',
      name: 'Reseller Two',
      resellerBilling: 'on_behalf',
    },
    {
      kind: 'customer.created',
      occurredAt: at,
      customer: 'end1',
      name: 'End One',
      parent: 'res1',
      relationship: 'via',
      tags: ['test'],
    },
    {
      kind: 'customer.created',
      occurredAt: at,
      customer: 'end2',
      name: 'End Two',
      parent: 'res1',
      relationship: 'via',
    },
    ...seat('end1', 'e1-a'),
    ...seat('end1', 'e1-b'),
    ...seat('end2', 'e2-a'),
  ]);
  await sql`
    insert into rules (tenant_id, name, customer_tag, created_by)
    values (${tenantId}, 'Test customers', 'test', 'fiona@msp')`;
  january = await generatePeriod(sql, tenantId, '2026-01-15');
  await ingest(sql, tenantId, [
    {
      kind: 'customer.updated',
      occurredAt: '2026-02-10T12:00:00Z',
      customer: 'end1',
      parent: 'res2',
      tags: [],
    },
  ]);
});

describe('a customer moved to another reseller and re-tagged after a period ends', () => {
  it('leaves that period’s invoice-to, roll-ups and rule matches where they were', async () => {
    expect(await itemLines(january.periodId)).toEqual(januaryItems);
    expect(await rollupLines(sql, january.periodId)).toEqual(januaryRollups);
    expect(january.totals).toEqual({ items: 3, billableItems: 1, total: '31.00' });
  });

  it('keeps them on reprocess, which reads the tree as at the period’s end again', async () => {
    const reprocessed = await runStages(sql, january.periodId);
    expect(reprocessed).toEqual({ items: 3, billableItems: 1, total: '31.00' });
    expect(await itemLines(january.periodId)).toEqual(januaryItems);
    expect(await rollupLines(sql, january.periodId)).toEqual(januaryRollups);
    const [end1] = await sql`
      select p.ref as parent, pc.relationship, inv.ref as invoice_to, pc.tags from period_customers pc
      join customers c on c.id = pc.customer_id join customers p on p.id = pc.parent_id
      join customers inv on inv.id = pc.invoice_to_id
      where pc.period_id = ${january.periodId} and c.ref = 'end1'`;
    expect(end1).toEqual({ parent: 'res1', relationship: 'via', invoice_to: 'res1', tags: ['test'] });
  });

  it('bills the next period with the move: under res2 on its behalf, no longer excluded', async () => {
    await approvePeriod(sql, january.periodId);
    // A seat of end1 from 20 Jan, sent after January's approval: an adjustment billed in February,
    // under February's tree (docs/billing-choices.md): 12 of January's 31 days, 31.00 x 12/31 = 12.00.
    await ingest(sql, tenantId, seat('end1', 'e1-c', '2026-01-20T12:00:00Z'));
    const february = await generatePeriod(sql, tenantId, '2026-02-15');
    // e1-c is carried into February too: three whole months of end1, and the adjustment.
    expect(await itemLines(february.periodId)).toEqual([
      'end1 -> end1: 31.00',
      'end1 -> end1: 31.00',
      'end1 -> end1: 31.00',
      'end1 -> end1: 12.00 adjustment',
      'end2 -> res1: 31.00',
    ]);
    expect(await rollupLines(sql, february.periodId)).toEqual([
      'customer end1: 4 items, 105.00',
      'customer end2: 1 items, 31.00',
      'invoice_to res1: 1 items, 31.00',
      'invoice_to end1: 4 items, 105.00',
      'reseller res1: 1 items, 31.00',
      'reseller res2: 4 items, 105.00',
    ]);
    // January, approved, still shows the tree it was billed with.
    expect(await itemLines(january.periodId)).toEqual(januaryItems);
    const trees = await sql`
      select pc.period_id = ${january.periodId} as january, c.ref, p.ref as parent, pc.relationship,
             pc.reseller_billing, inv.ref as invoice_to, pc.tags
      from period_customers pc join customers c on c.id = pc.customer_id
      left join customers p on p.id = pc.parent_id join customers inv on inv.id = pc.invoice_to_id
      where pc.period_id in (${january.periodId}, ${february.periodId}) and c.ref in ('end1', 'res2')
      order by 1 desc, c.ref`;
    expect(trees).toEqual([
      {
        january: true,
        ref: 'end1',
        parent: 'res1',
        relationship: 'via',
        reseller_billing: 'aggregate',
        invoice_to: 'res1',
        tags: ['test'],
      },
      {
        january: true,
        ref: 'res2',
        parent: null,
        relationship: 'direct',
        reseller_billing: 'on_behalf',
        invoice_to: 'res2',
        tags: [],
      },
      {
        january: false,
        ref: 'end1',
        parent: 'res2',
        relationship: 'via',
        reseller_billing: 'aggregate',
        invoice_to: 'end1',
        tags: [],
      },
      {
        january: false,
        ref: 'res2',
        parent: null,
        relationship: 'direct',
        reseller_billing: 'on_behalf',
        invoice_to: 'res2',
        tags: [],
      },
    ]);
  });
});
