import type postgres from 'postgres';
import { openPeriod } from '../../activities/open-period.js';
import { runStages } from '../../activities/run-stages.js';
import { seedSeats } from '../support/closes.js';
import { approvePeriod, createSku, ingest } from '../support/fixtures.js';

/**
 * The book the view and export tests read, computed without Temporal:
 *
 *   c1   Contoso             direct: u1, u2 E3 from 15 Dec, u3 E3 from 11 Jan 09:00 (seedSeats)
 *   r1   Northwind Reseller  direct, bills aggregate: SUPPORT (full, 50.00) from 1 Dec
 *   ├ r1a Alpha             via r1: a1 E3 from 1 Dec; an unmapped backup vault from 5 Jan;
 *   │                        a2 E3 from 20 Dec, sent after December was approved (an adjustment)
 *   └ r1b Beta              via r1: b1 E3 from 1 Dec, not billable up to its go-live on 15 Jan
 *
 * December 2025 is computed and approved; January 2026 is computed and still open (a draft).
 */
export async function buildBook(sql: postgres.Sql, tenantId: string) {
  await seedSeats(sql, tenantId);
  await createSku(sql, tenantId, {
    code: 'SUPPORT',
    vendor: 'MSP',
    price: '50.00',
    proration: 'full',
    maps: [['plan', 'support', null]],
  });
  const at = '2025-12-01T00:00:00Z';
  const seat = (customer: string, user: string, occurredAt = at) => [
    { kind: 'user.created', occurredAt, customer, user, name: `${user}@${customer}.example` },
    { kind: 'plan.changed', occurredAt, customer, user, service: 'm365', plan: 'E3' },
  ];
  await ingest(sql, tenantId, [
    {
      kind: 'customer.created',
      occurredAt: at,
      customer: 'r1',
      name: 'Northwind Reseller',
      resellerBilling: 'aggregate',
    },
    { kind: 'plan.changed', occurredAt: at, customer: 'r1', service: 'support', plan: 'std' },
    {
      kind: 'customer.created',
      occurredAt: at,
      customer: 'r1a',
      name: 'Alpha',
      parent: 'r1',
      relationship: 'via',
    },
    {
      kind: 'customer.created',
      occurredAt: at,
      customer: 'r1b',
      name: 'Beta',
      parent: 'r1',
      relationship: 'via',
    },
    ...seat('r1a', 'a1'),
    ...seat('r1b', 'b1'),
    {
      kind: 'instance.added',
      occurredAt: '2026-01-05T00:00:00Z',
      customer: 'r1a',
      service: 'backup',
      product: 'vault',
      instance: 'vault-1',
    },
  ]);
  const [beta] = await sql<
    { id: number }[]
  >`select id from customers where tenant_id = ${tenantId} and ref = 'r1b'`;
  const [rule] = await sql<{ id: number }[]>`
    insert into rules (tenant_id, name, to_date, customer_id, created_by)
    values (${tenantId}, 'Beta go-live', '2026-01-15', ${beta?.id ?? 0}, 'fiona@msp') returning id`;

  const december = await openPeriod(sql, { tenantId, date: '2025-12-01' });
  await runStages(sql, december.periodId);
  await approvePeriod(sql, december.periodId);
  await ingest(sql, tenantId, seat('r1a', 'a2', '2025-12-20T00:00:00Z'));
  const january = await openPeriod(sql, { tenantId, date: '2026-01-01' });
  await runStages(sql, january.periodId);

  const customers = await sql<{ id: number; ref: string }[]>`
    select id, ref from customers where tenant_id = ${tenantId}`;
  return {
    decemberId: december.periodId,
    januaryId: january.periodId,
    ruleId: rule?.id ?? 0,
    customerIds: Object.fromEntries(customers.map((c) => [c.ref, c.id])) as Record<string, number>,
  };
}
