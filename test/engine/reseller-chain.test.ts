import { beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/database.js';
import { createSku, createTenant, generatePeriod, ingest, rollupLines } from '../support/fixtures.js';

const database = await freshDatabase();
const { sql } = database;

// billing.md, "Who is who": invoice_to(c) = c when c is direct; when c is via p: invoice_to(p) if p
// bills aggregate, c itself if p bills on_behalf. A reseller's roll-up covers its whole subtree
// either way. "Generating a period": items = customer totals = roll-ups, exactly.
//
//   dist   Distributor    direct
//   ├ res1 Reseller One   via dist, bills aggregate
//   │ ├ end1, end2        via res1
//   │ └ end5              direct: pays for itself, still in res1's subtree (docs/billing-choices.md)
//   └ res2 Reseller Two   via dist, bills on_behalf
//     └ end3, end4        via res2
const tenantId = 'chain';
let period: Awaited<ReturnType<typeof generatePeriod>>;

beforeAll(async () => {
  await createTenant(sql, { id: tenantId, mode: 'calendar' });
  await createSku(sql, tenantId, {
    code: 'E3',
    vendor: 'Microsoft',
    price: '31.00',
    maps: [['plan', 'm365', 'E3']],
  });
  await createSku(sql, tenantId, {
    code: 'SUPPORT',
    vendor: 'MSP',
    price: '50.00',
    maps: [['plan', 'support', null]],
  });
  const at = '2026-01-01T00:00:00Z';
  const customer = (ref: string, tree: Record<string, unknown>, users: number, support = false) => [
    { kind: 'customer.created', occurredAt: at, customer: ref, name: ref.toUpperCase(), ...tree },
    ...(support
      ? [{ kind: 'plan.changed', occurredAt: at, customer: ref, service: 'support', plan: 'std' }]
      : []),
    ...Array.from({ length: users }, (_, n) => [
      {
        kind: 'user.created',
        occurredAt: at,
        customer: ref,
        user: `${ref}-u${n + 1}`,
        name: `u${n + 1}@${ref}`,
      },
      {
        kind: 'plan.changed',
        occurredAt: at,
        customer: ref,
        user: `${ref}-u${n + 1}`,
        service: 'm365',
        plan: 'E3',
      },
    ]).flat(),
  ];
  const via = (parent: string, resellerBilling?: string) => ({
    parent,
    relationship: 'via',
    ...(resellerBilling ? { resellerBilling } : {}),
  });
  await ingest(sql, tenantId, [
    ...customer('dist', { resellerBilling: 'aggregate' }, 0, true),
    ...customer('res1', via('dist', 'aggregate'), 0, true),
    ...customer('res2', via('dist', 'on_behalf'), 0, true),
    ...customer('end1', via('res1'), 2),
    ...customer('end2', via('res1'), 1),
    ...customer('end5', { parent: 'res1', relationship: 'direct' }, 1),
    ...customer('end3', via('res2'), 3),
    ...customer('end4', via('res2'), 1, true),
  ]);
  // One item per shard at most: the invoice-to customer, not the shard, decides the figures.
  period = await generatePeriod(sql, tenantId, '2026-03-01', 1);
});

describe('a three-tier chain billed aggregate, with one reseller billing on_behalf', () => {
  it('invoices the distributor for everything beneath an aggregate reseller', async () => {
    const invoiceTo = await sql`
      select c.ref as customer, inv.ref as invoice_to, count(*)::int as items
      from items i join customers c on c.id = i.customer_id join customers inv on inv.id = i.invoice_to_id
      where i.period_id = ${period.periodId} group by 1, 2 order by 1`;
    // res2 is via dist (aggregate), so res2's own items go to dist; its end customers pay themselves.
    expect(invoiceTo).toEqual([
      { customer: 'dist', invoice_to: 'dist', items: 1 },
      { customer: 'end1', invoice_to: 'dist', items: 2 },
      { customer: 'end2', invoice_to: 'dist', items: 1 },
      { customer: 'end3', invoice_to: 'end3', items: 3 },
      { customer: 'end4', invoice_to: 'end4', items: 2 },
      { customer: 'end5', invoice_to: 'end5', items: 1 },
      { customer: 'res1', invoice_to: 'dist', items: 1 },
      { customer: 'res2', invoice_to: 'dist', items: 1 },
    ]);
  });

  it('rolls up per customer, per invoice-to customer and per reseller at every tier', async () => {
    // Every item is a whole month: E3 31.00 per user, SUPPORT 50.00 per customer holding it.
    //   customer:   dist 50.00, res1 50.00, res2 50.00, end1 2 x 31.00 = 62.00, end2 31.00,
    //               end3 3 x 31.00 = 93.00, end4 31.00 + 50.00 = 81.00, end5 31.00
    //   invoice_to: dist = dist + res1 + res2 + end1 + end2 = 50 + 50 + 50 + 62 + 31 = 243.00 (6 items)
    //               end3 93.00, end4 81.00, end5 31.00
    //   reseller:   res1 = res1 + end1 + end2 + end5 = 50 + 62 + 31 + 31 = 174.00 (5 items)
    //               res2 = res2 + end3 + end4 = 50 + 93 + 81 = 224.00 (6 items), on_behalf or not
    //               dist = everything = 50 + 174 + 224 = 448.00 (12 items)
    expect(await rollupLines(sql, period.periodId)).toEqual([
      'customer dist: 1 items, 50.00',
      'customer res1: 1 items, 50.00',
      'customer res2: 1 items, 50.00',
      'customer end1: 2 items, 62.00',
      'customer end2: 1 items, 31.00',
      'customer end3: 3 items, 93.00',
      'customer end4: 2 items, 81.00',
      'customer end5: 1 items, 31.00',
      'invoice_to dist: 6 items, 243.00',
      'invoice_to end3: 3 items, 93.00',
      'invoice_to end4: 2 items, 81.00',
      'invoice_to end5: 1 items, 31.00',
      'reseller dist: 12 items, 448.00',
      'reseller res1: 5 items, 174.00',
      'reseller res2: 6 items, 224.00',
    ]);
  });

  it('reconciles exactly: items = customer totals = invoice-to totals = the top reseller', async () => {
    const [sums] = await sql`
      select (select sum(amount) from items where period_id = ${period.periodId})::text as items,
             (select sum(billable_amount) from rollups where period_id = ${period.periodId} and level = 'customer')::text as customers,
             (select sum(billable_amount) from rollups where period_id = ${period.periodId} and level = 'invoice_to')::text as invoice_to,
             (select r.billable_amount from rollups r join customers c on c.id = r.customer_id
               where r.period_id = ${period.periodId} and r.level = 'reseller' and c.ref = 'dist')::text as top_reseller`;
    expect(sums).toEqual({
      items: '448.0000',
      customers: '448.0000',
      invoice_to: '448.0000',
      top_reseller: '448.0000',
    });
    expect(period.totals).toEqual({ items: 12, billableItems: 12, total: '448.00' });
  });
});
