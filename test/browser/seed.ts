import type postgres from 'postgres';
import type { PeriodCloses } from '../../workflows/client.js';
import type { apiForTests } from '../support/api.js';
import { actor, uniqueTenantId, waitForStage } from '../support/closes.js';
import { createSku, createTenant, ingest } from '../support/fixtures.js';

/**
 * The console's scenario, in EUR, UTC. December 2025: Contoso 2 E3 seats, Fabrikam Ltd 1, Northwind
 * Partners (a reseller) support 50.00, its customer Tailspin Toys 1 seat. January 2026 adds Contoso's
 * u3 from 11 Jan (21 days: 21.00) and Fabrikam's u2 (31.00): January is 83 + 62 + 50 + 31 = 226.00.
 */
export async function seedConsoleTenant(sql: postgres.Sql, api: ReturnType<typeof apiForTests>) {
  const id = uniqueTenantId('console');
  await createTenant(sql, { id, currency: 'EUR' });
  await createSku(sql, id, {
    code: 'E3',
    vendor: 'Microsoft',
    price: '31.00',
    maps: [['plan', 'm365', 'E3']],
  });
  await createSku(sql, id, {
    code: 'SUPPORT',
    vendor: 'MSP',
    price: '50.00',
    maps: [['plan', 'support', null]],
  });
  const december = '2025-12-01T00:00:00Z';
  const seat = (customer: string, user: string, name: string, at = december) => [
    { kind: 'user.created', occurredAt: at, customer, user, name },
    { kind: 'plan.changed', occurredAt: at, customer, user, service: 'm365', plan: 'E3' },
  ];
  await ingest(sql, id, [
    { kind: 'customer.created', occurredAt: december, customer: 'c1', name: 'Contoso' },
    { kind: 'customer.created', occurredAt: december, customer: 'c2', name: 'Fabrikam Ltd' },
    {
      kind: 'customer.created',
      occurredAt: december,
      customer: 'r1',
      name: 'Northwind Partners',
      resellerBilling: 'aggregate',
    },
    {
      kind: 'customer.created',
      occurredAt: december,
      customer: 'c3',
      name: 'Tailspin Toys',
      parent: 'r1',
      relationship: 'via',
    },
    { kind: 'plan.changed', occurredAt: december, customer: 'r1', service: 'support', plan: 'std' },
    ...seat('c1', 'u1', 'ann@contoso.example'),
    ...seat('c1', 'u2', 'bob@contoso.example'),
    ...seat('c1', 'u3', 'cat@contoso.example', '2026-01-11T09:00:00Z'),
    ...seat('c2', 'f1', 'dan@fabrikam.example'),
    ...seat('c2', 'f2', 'eve@fabrikam.example', '2026-01-01T00:00:00Z'),
    ...seat('c3', 't1', 'fay@tailspin.example'),
  ]);
  const [contoso] = await sql<
    { id: number }[]
  >`select id from customers where tenant_id = ${id} and ref = 'c1'`;
  const tokens = {
    admin: await api.token(id, 'admin', undefined, 'alice (admin)'),
    finance: await api.token(id, 'finance', undefined, 'fiona (finance)'),
    operator: await api.token(id, 'operator', undefined, 'oscar (operator)'),
    customer: await api.token(id, 'customer', contoso?.id, 'contoso (customer)'),
  };
  return {
    id,
    tokens,
    otherCustomers: ['Fabrikam Ltd', 'Northwind Partners', 'Tailspin Toys', 'fabrikam', 'tailspin'],
    /** December closed and approved; January computed and awaiting approval. */
    async closeDecemberAndJanuary(closes: PeriodCloses) {
      const dec = { tenantId: id, periodEnd: '2025-12-31' };
      await closes.start({ ...dec, revision: 1 });
      await waitForStage(closes, dec, 'awaiting_approval');
      await closes.approve(dec, await actor(sql, id, 'fiona (finance)', 'finance'));
      await waitForStage(closes, dec, 'exported');
      const jan = { tenantId: id, periodEnd: '2026-01-31' };
      await closes.start({ ...jan, revision: 1 });
      await waitForStage(closes, jan, 'awaiting_approval');
    },
  };
}
