import type { Client } from '@temporalio/client';
import type postgres from 'postgres';
import { addDays, instantToLocalDate } from '../billing/index.js';
import { periodConfigHistory } from '../db/views/periods.js';
import { upsertCloseSchedule } from '../workflows/schedules.js';

/**
 * Every tenant gets its close schedule, kept in line with its period configuration: created at
 * worker start for tenants that have none (a fresh install, a restored database), and updated
 * when the configuration changed while no worker ran. Upserting is idempotent.
 */
export async function ensureCloseSchedules(
  client: Client,
  sql: postgres.Sql,
  taskQueue?: string,
): Promise<string[]> {
  const tenants = await sql<
    { id: string; timeZone: string }[]
  >`select id, time_zone as "timeZone" from tenants order by id`;
  const ensured: string[] = [];
  for (const tenant of tenants) {
    const configs = await schedulableConfigs(sql, tenant.id, tenant.timeZone);
    if (configs.length === 0) continue;
    await upsertCloseSchedule(client, { id: tenant.id, timeZone: tenant.timeZone, configs }, taskQueue);
    ensured.push(tenant.id);
  }
  return ensured;
}

/** The configuration in force a month ago and every later one: the rhythms that still have periods to close. */
async function schedulableConfigs(sql: postgres.Sql, tenantId: string, timeZone: string) {
  const history = await periodConfigHistory(sql, tenantId);
  const monthAgo = addDays(instantToLocalDate(new Date(), timeZone), -31);
  const firstRelevant = Math.max(
    0,
    history.findLastIndex((h) => h.effectiveFrom <= monthAgo),
  );
  return history.slice(firstRelevant).map((h) => h.config);
}
