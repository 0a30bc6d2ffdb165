import type postgres from 'postgres';
import { periodHolding } from './periods.js';

/** One revision of a period, with what every view of it needs to show money. */
export interface PeriodRevision {
  id: number;
  tenantId: string;
  startDate: string;
  endDate: string;
  revision: number;
  status: 'open' | 'generating' | 'awaiting_approval' | 'approved' | 'exported';
  superseded: boolean;
  currency: string;
  minorUnits: number;
  approvedAt: Date | null;
}

/**
 * The revision of the period holding `date` that a view reads: the newest one, or revision `n`
 * when asked for. Undefined when that period (or revision) was never opened for the tenant.
 */
export async function periodRevision(
  sql: postgres.Sql,
  tenantId: string,
  date: string,
  revision?: number,
): Promise<PeriodRevision | undefined> {
  const period = await periodHolding(sql, tenantId, date);
  if (!period) return undefined;
  const [row] = await sql<PeriodRevision[]>`
    select p.id, p.tenant_id as "tenantId", p.start_date::text as "startDate", p.end_date::text as "endDate",
           p.revision, p.status, p.superseded_at is not null as superseded,
           t.currency, t.currency_minor_units as "minorUnits", p.approved_at as "approvedAt"
    from periods p join tenants t on t.id = p.tenant_id
    where p.tenant_id = ${tenantId} and p.start_date = ${period.start}
      ${revision === undefined ? sql`` : sql`and p.revision = ${revision}`}
    order by p.revision desc
    limit 1`;
  return row;
}

/** Approved and exported revisions are final; anything else is still a draft. */
export function isFinal(period: Pick<PeriodRevision, 'status'>): boolean {
  return period.status === 'approved' || period.status === 'exported';
}
