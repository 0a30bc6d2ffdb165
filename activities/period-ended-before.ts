import type postgres from 'postgres';
import { canonicalTimeZone, periodEndedBefore as endedBefore, instantToLocalDate } from '../billing/index.js';
import { periodConfigHistory } from '../db/views/periods.js';
import { badData } from './errors.js';

/** For a schedule firing at `firedAt`: the tenant's local date, and the period that ended the day before. */
export async function periodEndedBefore(
  sql: postgres.Sql,
  input: { tenantId: string; firedAt: string },
): Promise<{ firedOn: string; periodEnd: string | null }> {
  const [tenant] = await sql<
    { timeZone: string }[]
  >`select time_zone as "timeZone" from tenants where id = ${input.tenantId}`;
  if (!tenant) throw badData(`unknown tenant '${input.tenantId}'`, { field: 'tenantId' });
  const firedOn = instantToLocalDate(new Date(input.firedAt), canonicalTimeZone(tenant.timeZone));
  const history = await periodConfigHistory(sql, input.tenantId);
  return { firedOn, periodEnd: history.length > 0 ? endedBefore(history, firedOn) : null };
}
