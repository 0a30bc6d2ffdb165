import type { Client } from '@temporalio/client';
import type postgres from 'postgres';
import { addDays, canonicalTimeZone, instantToLocalDate } from '../billing/index.js';
import { periodConfigHistory } from '../db/views/periods.js';
import { clearTenantFault, recordTenantFault } from '../runtime/tenant-faults.js';
import { upsertCloseSchedule } from '../workflows/schedules.js';

/**
 * Every tenant gets its close schedule, kept in line with its period configuration: created at
 * worker start for tenants that have none (a fresh install, a restored database), and updated
 * when the configuration changed while no worker ran. Upserting is idempotent. A tenant whose
 * schedule cannot be made (a zone an old row holds, say) is recorded as degraded and skipped, so
 * the others keep theirs; only an unreachable Temporal, which fails them all, is thrown.
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
    try {
      canonicalTimeZone(tenant.timeZone);
      const configs = await schedulableConfigs(sql, tenant.id, tenant.timeZone);
      if (configs.length === 0) continue;
      await upsertCloseSchedule(client, { id: tenant.id, timeZone: tenant.timeZone, configs }, taskQueue);
      clearTenantFault(tenant.id);
      ensured.push(tenant.id);
    } catch (error) {
      if (temporalUnreachable(error)) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      recordTenantFault(tenant.id, `no close schedule: ${reason}`);
    }
  }
  return ensured;
}

// gRPC UNAVAILABLE and DEADLINE_EXCEEDED: the server, not this tenant, is the problem.
function temporalUnreachable(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (code === 14 || code === 4) return true;
  }
  return false;
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
