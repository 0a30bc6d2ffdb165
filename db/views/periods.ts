import type postgres from 'postgres';
import {
  type ConfigHistory,
  type Period,
  parseLocalDate,
  periodConfigOf,
  periodContainingWithHistory,
} from '../../billing/index.js';

type Sql = postgres.Sql | postgres.TransactionSql;

/** The tenant's period configurations, oldest first: the history every period computation needs. */
export async function periodConfigHistory(sql: Sql, tenantId: string): Promise<ConfigHistory> {
  const rows = await sql<
    { effectiveFrom: string; mode: 'calendar' | 'fixed_day' | 'days_before_end'; day: number | null }[]
  >`
    select effective_from::text as "effectiveFrom", mode, day
    from period_configs where tenant_id = ${tenantId} order by effective_from`;
  // A row stored before the checks (a null day) throws TenantConfigError instead of reading as day 0.
  return rows.map((row) => ({ effectiveFrom: row.effectiveFrom, config: periodConfigOf(row.mode, row.day) }));
}

/** The tenant's period holding `date` (a local date), or undefined for an unknown or unconfigured tenant. */
export async function periodHolding(sql: Sql, tenantId: string, date: string): Promise<Period | undefined> {
  const history = await periodConfigHistory(sql, tenantId);
  return history.length === 0 ? undefined : periodContainingWithHistory(history, parseLocalDate(date));
}
