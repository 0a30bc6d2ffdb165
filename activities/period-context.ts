import type postgres from 'postgres';
import { badData } from './errors.js';

/** What every stage needs to know about the period it works on. */
export interface PeriodContext {
  periodId: number;
  tenantId: string;
  startDate: string;
  endDate: string;
  status: string;
  revision: number;
  timeZone: string;
  minorUnits: number;
}

export async function loadPeriod(
  sql: postgres.Sql | postgres.TransactionSql,
  periodId: number,
): Promise<PeriodContext> {
  const [row] = await sql<PeriodContext[]>`
    select p.id as "periodId", p.tenant_id as "tenantId", p.start_date::text as "startDate",
           p.end_date::text as "endDate", p.status, p.revision, t.time_zone as "timeZone",
           t.currency_minor_units as "minorUnits"
    from periods p join tenants t on t.id = p.tenant_id
    where p.id = ${periodId}`;
  if (!row) throw badData(`unknown period ${periodId}`, { field: 'periodId' });
  return row;
}

/** Approval locks a period: no stage may write its items again. */
export async function loadUnlockedPeriod(
  sql: postgres.Sql | postgres.TransactionSql,
  periodId: number,
): Promise<PeriodContext> {
  const period = await loadPeriod(sql, periodId);
  if (period.status === 'approved' || period.status === 'exported') {
    throw badData(
      `period ${period.startDate}..${period.endDate} of ${period.tenantId} is ${period.status} and locked`,
      {
        periodId,
      },
    );
  }
  return period;
}

/** A range of invoice-to customer ids: every stage of one shard works on exactly these items. */
export interface Shard {
  from: number;
  to: number;
}
