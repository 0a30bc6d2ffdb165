import type postgres from 'postgres';
import { openPeriod } from '../../activities/open-period.js';
import { runStages } from '../../activities/run-stages.js';
import { ingest } from '../support/fixtures.js';
import { buildBook } from './views-book.js';

/**
 * The views book (views-book.ts) and a February 2026 (28 days) computed after it, still open:
 *   r1b Beta is deleted on 1 Feb (it departs), n1 Newco (direct) starts on 3 Feb with n1u on E3
 *   (26 of 28 days: 31 x 26 / 28 = 28.785714... -> 28.79).
 */
export async function buildConsoleBook(sql: postgres.Sql, tenantId: string) {
  const book = await buildBook(sql, tenantId);
  const at = '2026-02-03T00:00:00Z';
  await ingest(sql, tenantId, [
    { kind: 'customer.deleted', occurredAt: '2026-02-01T00:00:00Z', customer: 'r1b' },
    { kind: 'customer.created', occurredAt: at, customer: 'n1', name: 'Newco' },
    { kind: 'user.created', occurredAt: at, customer: 'n1', user: 'n1u', name: 'n1u@newco.example' },
    { kind: 'plan.changed', occurredAt: at, customer: 'n1', user: 'n1u', service: 'm365', plan: 'E3' },
  ]);
  const february = await openPeriod(sql, { tenantId, date: '2026-02-01' });
  await runStages(sql, february.periodId);
  const customers = await sql<{ id: number; ref: string }[]>`
    select id, ref from customers where tenant_id = ${tenantId}`;
  return {
    ...book,
    februaryId: february.periodId,
    customerIds: Object.fromEntries(customers.map((c) => [c.ref, c.id])) as Record<string, number>,
  };
}
