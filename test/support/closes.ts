import { randomBytes } from 'node:crypto';
import type postgres from 'postgres';
import { recordDecision } from '../../activities/decisions.js';
import type { Role } from '../../api/context.js';
import { createToken } from '../../api/routes/tokens.js';
import type { Actor, PeriodCloses, PeriodRef } from '../../workflows/client.js';
import type { CloseStage } from '../../workflows/period-close.js';
import { createSku, createTenant, ingest } from './fixtures.js';

/** Tenant ids name workflow ids on the run's shared server: unique per test file. */
export function uniqueTenantId(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

/**
 * One customer with E3 seats at 31.00 a month (daily proration): u1 and u2 from before 2026, u3
 * from 11 Jan 2026 09:00 UTC. January 2026 (31 days) is 31 + 31 + 21 = 83.00.
 */
export async function seedSeats(sql: postgres.Sql, tenantId: string): Promise<void> {
  await createTenant(sql, { id: tenantId });
  await createSku(sql, tenantId, {
    code: 'E3',
    vendor: 'Microsoft',
    price: '31.00',
    maps: [['plan', 'm365', 'E3']],
  });
  await ingest(sql, tenantId, [
    { kind: 'customer.created', occurredAt: '2025-12-01T00:00:00Z', customer: 'c1', name: 'Contoso' },
    ...['u1', 'u2', 'u3'].map((user) => ({
      kind: 'user.created',
      occurredAt: '2025-12-01T00:00:00Z',
      customer: 'c1',
      user,
      name: `${user}@contoso.example`,
    })),
    ...['u1', 'u2'].map((user) => ({
      kind: 'plan.changed',
      occurredAt: '2025-12-15T00:00:00Z',
      customer: 'c1',
      user,
      service: 'm365',
      plan: 'E3',
    })),
    {
      kind: 'plan.changed',
      occurredAt: '2026-01-11T09:00:00Z',
      customer: 'c1',
      user: 'u3',
      service: 'm365',
      plan: 'E3',
    },
  ]);
}

/** Polls the workflow's progress query until it reaches `stage`. */
export async function waitForStage(
  closes: PeriodCloses,
  ref: PeriodRef,
  stage: CloseStage,
  timeoutMs = 60_000,
) {
  const deadline = Date.now() + timeoutMs;
  let last: string | undefined;
  while (Date.now() < deadline) {
    try {
      const progress = await closes.progress(ref);
      if (progress.stage === stage) return progress;
      last = progress.stage;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`close ${JSON.stringify(ref)} did not reach ${stage}; last seen ${last}`);
}

/** Item rows without ids, in a stable order: what "identical results" compares. */
export async function itemSnapshot(sql: postgres.Sql, periodId: number) {
  return sql`
    select c.ref as customer, i.user_name, i.kind, i.service, i.product, i.sku_code, i.active_from::text,
           i.active_to::text, i.days_active, i.quantity::text, i.unit_price::text, i.amount::text, i.billable,
           i.carried_over, i.adjusts_period_id
    from items i join customers c on c.id = i.customer_id
    where i.period_id = ${periodId}
    order by 1, 2, 3, 4, 5, 7`;
}

/** A person deciding on closes: an API token of the tenant with this role, named `name`. */
export async function actor(
  sql: postgres.Sql,
  tenantId: string,
  name: string,
  role: Role = 'admin',
): Promise<Actor> {
  const token = await createToken(sql, { tenantId, name, role, createdBy: 'test' });
  return { name, tokenId: token.id };
}

/** A reopen decision of an approved revision, as the API records it: for activities called directly. */
export async function reopenDecision(sql: postgres.Sql, tenantId: string, periodId: number, reason: string) {
  return recordDecision(sql, {
    tenantId,
    periodId,
    action: 'reopen',
    actor: await actor(sql, tenantId, 'admin@msp'),
    reason,
  });
}
