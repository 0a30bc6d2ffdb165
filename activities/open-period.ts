import { and, desc, eq } from 'drizzle-orm';
import {
  addDays,
  type ConfigHistory,
  localDateToInstant,
  parseLocalDate,
  periodContainingWithHistory,
} from '../billing/index.js';
import type { Database } from '../db/connection.js';
import { periodConfigs, periods, tenants } from '../db/schema.js';
import { badData } from './errors.js';

export interface OpenPeriodInput {
  tenantId: string;
  /** Any local date inside the period; the period's own boundaries come from the tenant's configuration. */
  date: string;
}

export interface OpenedPeriod {
  periodId: number;
  tenantId: string;
  startDate: string;
  endDate: string;
  revision: number;
  status: (typeof periods.$inferSelect)['status'];
}

/** Finds or creates the current revision of the period holding `date`; idempotent. */
export async function openPeriod(db: Database, input: OpenPeriodInput): Promise<OpenedPeriod> {
  const [tenant] = await db.select().from(tenants).where(eq(tenants.id, input.tenantId));
  if (!tenant) throw badData(`unknown tenant '${input.tenantId}'`, { field: 'tenantId' });
  const date = parseLocalDate(input.date);
  const history = await periodConfigHistory(db, input.tenantId);
  if (history.length === 0) throw badData(`tenant '${input.tenantId}' has no period configuration`);
  const period = periodContainingWithHistory(history, date);
  const config = history.filter((h) => h.effectiveFrom <= period.start).at(-1) ?? history[0];

  await db
    .insert(periods)
    .values({
      tenantId: tenant.id,
      startDate: period.start,
      endDate: period.end,
      startsAt: localDateToInstant(period.start, tenant.timeZone),
      endsAt: localDateToInstant(addDays(period.end, 1), tenant.timeZone),
      mode: config?.config.mode ?? 'calendar',
    })
    .onConflictDoNothing();
  const [current] = await db
    .select()
    .from(periods)
    .where(and(eq(periods.tenantId, tenant.id), eq(periods.startDate, period.start)))
    .orderBy(desc(periods.revision))
    .limit(1);
  if (!current) throw new Error(`period ${period.start} of ${tenant.id} vanished after insert`);
  return {
    periodId: current.id,
    tenantId: tenant.id,
    startDate: current.startDate,
    endDate: current.endDate,
    revision: current.revision,
    status: current.status,
  };
}

export async function periodConfigHistory(db: Database, tenantId: string): Promise<ConfigHistory> {
  const rows = await db
    .select()
    .from(periodConfigs)
    .where(eq(periodConfigs.tenantId, tenantId))
    .orderBy(periodConfigs.effectiveFrom);
  return rows.map((row) => ({
    effectiveFrom: row.effectiveFrom,
    config: row.mode === 'calendar' ? { mode: 'calendar' as const } : { mode: row.mode, day: row.day ?? 0 },
  }));
}
