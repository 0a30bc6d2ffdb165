import type postgres from 'postgres';
import {
  type ConfigHistory,
  instantToLocalDate,
  type PeriodConfig,
  periodContainingWithHistory,
  storedTenantProblem,
  type TenantConfigError,
} from '../../billing/index.js';
import { periodConfigHistory } from './periods.js';

type Sql = postgres.Sql | postgres.TransactionSql;

export interface PeriodConfigRow {
  effectiveFrom: string;
  mode: PeriodConfig['mode'];
  day: number | null;
  createdBy: string;
  createdAt: string;
}

export interface TenantSettings {
  id: string;
  name: string;
  currency: string;
  currencyMinorUnits: number;
  timeZone: string;
  periodConfig: { effectiveFrom: string; mode: PeriodConfig['mode']; day: number | null } | null;
  periodConfigs: PeriodConfigRow[];
  currentPeriod: { startDate: string; endDate: string; revision: number | null; status: string } | null;
}

/** The configuration that cuts the period starting on `start`: the latest one effective by then. */
export function configInForce(history: ConfigHistory, start: string) {
  return history.findLast((h) => h.effectiveFrom <= start) ?? history[0];
}

/** The tenant's settings, its period configuration history and the period holding today in its zone. */
export async function tenantSettings(sql: Sql, tenantId: string, now = new Date()) {
  const [tenant] = await sql<Omit<TenantSettings, 'periodConfig' | 'periodConfigs' | 'currentPeriod'>[]>`
    select id, name, currency, currency_minor_units as "currencyMinorUnits", time_zone as "timeZone"
    from tenants where id = ${tenantId}`;
  if (!tenant) return undefined;
  const periodConfigs = await sql<PeriodConfigRow[]>`
    select effective_from::text as "effectiveFrom", mode, day, created_by as "createdBy",
           to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "createdAt"
    from period_configs where tenant_id = ${tenantId} order by effective_from`;
  // A stored configuration that cannot run still reads, so an admin can see it and PATCH it.
  const problem = storedTenantProblem({ ...tenant, periods: periodConfigs });
  const history = problem ? [] : await periodConfigHistory(sql, tenantId);
  if (history.length === 0) return { ...tenant, periodConfig: null, periodConfigs, currentPeriod: null };
  const today = instantToLocalDate(now, tenant.timeZone);
  const period = periodContainingWithHistory(history, today);
  const inForce = configInForce(history, period.start);
  const [row] = await sql<{ revision: number; status: string }[]>`
    select revision, status from periods
    where tenant_id = ${tenantId} and start_date = ${period.start}
    order by revision desc limit 1`;
  return {
    ...tenant,
    periodConfig: inForce
      ? {
          effectiveFrom: inForce.effectiveFrom,
          mode: inForce.config.mode,
          day: inForce.config.mode === 'calendar' ? null : inForce.config.day,
        }
      : null,
    periodConfigs,
    currentPeriod: {
      startDate: period.start,
      endDate: period.end,
      revision: row?.revision ?? null,
      status: row?.status ?? 'open',
    },
  } satisfies TenantSettings;
}

/** Every tenant (or the one named) whose stored configuration cannot run (rows older than the checks). */
export async function tenantConfigProblems(
  sql: Sql,
  tenantId?: string,
): Promise<{ tenantId: string; problem: TenantConfigError }[]> {
  const tenants = await sql<
    {
      id: string;
      timeZone: string;
      currency: string;
      currencyMinorUnits: number;
      periods: { mode: string; day: number | null }[];
    }[]
  >`
    select t.id, t.time_zone as "timeZone", t.currency, t.currency_minor_units as "currencyMinorUnits",
           coalesce(json_agg(json_build_object('mode', pc.mode, 'day', pc.day))
                      filter (where pc.tenant_id is not null), '[]') as periods
    from tenants t left join period_configs pc on pc.tenant_id = t.id
    where ${tenantId === undefined ? sql`true` : sql`t.id = ${tenantId}`}
    group by t.id order by t.id`;
  return tenants.flatMap((tenant) => {
    const problem = storedTenantProblem(tenant);
    return problem ? [{ tenantId: tenant.id, problem }] : [];
  });
}

/** Refuses work for a tenant whose stored configuration cannot run, before anything is started. */
export async function assertTenantRunnable(sql: Sql, tenantId: string): Promise<void> {
  const [fault] = await tenantConfigProblems(sql, tenantId);
  if (fault) throw fault.problem;
}
