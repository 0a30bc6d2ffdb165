import type postgres from 'postgres';
import { badData } from './errors.js';

type Status = 'open' | 'generating' | 'awaiting_approval' | 'approved' | 'exported';

// Each status may only be entered from these; re-entering the same status is a harmless retry.
const enteredFrom: Record<Status, Status[]> = {
  open: ['awaiting_approval', 'open'],
  generating: ['open', 'generating', 'awaiting_approval'],
  awaiting_approval: ['generating', 'awaiting_approval'],
  approved: ['awaiting_approval', 'approved'],
  exported: ['approved', 'exported'],
};

/**
 * Moves a period along open -> generating -> awaiting_approval -> approved -> exported (a rejection
 * goes back to open with its reason). Approval records who approved and locks the items for good.
 */
export async function setPeriodStatus(
  sql: postgres.Sql,
  input: { periodId: number; status: Status; by?: string; reason?: string },
): Promise<void> {
  const allowed = enteredFrom[input.status];
  const updated = await sql`
    update periods set
      status = ${input.status},
      approved_by = case when ${input.status} = 'approved' then coalesce(approved_by, ${input.by ?? null}) else approved_by end,
      approved_at = case when ${input.status} = 'approved' then coalesce(approved_at, now()) else approved_at end,
      rejected_reason = case when ${input.status} = 'open' then ${input.reason ?? null}
                             when ${input.status} = 'generating' then null else rejected_reason end
    where id = ${input.periodId} and status = any(${allowed}::period_status[])`;
  if (updated.count === 0) {
    const [row] = await sql<{ status: string }[]>`select status from periods where id = ${input.periodId}`;
    throw badData(`period ${input.periodId} cannot become ${input.status} from ${row?.status ?? 'nowhere'}`, {
      periodId: input.periodId,
    });
  }
}

/**
 * Appends a close event (approval, rejection, reprocess, reminder) to the tenant's audit log. The
 * event's id comes from the workflow's deterministic random source, so a retried insert is written once.
 */
export async function recordCloseEvent(
  sql: postgres.Sql,
  input: { periodId: number; id: string; at: string; by: string; action: string; detail?: string },
): Promise<void> {
  await sql`
    insert into audit_log (tenant_id, at, actor, action, subject, details)
    select p.tenant_id, ${input.at}, ${input.by}, ${`period.${input.action}`}, ${`period:${input.periodId}`},
           ${sql.json({ eventId: input.id, detail: input.detail ?? null })}
    from periods p
    where p.id = ${input.periodId}
      and not exists (
        select 1 from audit_log a
        where a.tenant_id = p.tenant_id and a.subject = ${`period:${input.periodId}`}
          and a.details->>'eventId' = ${input.id})`;
}

/**
 * Tells people what happened: an audit-log entry always (once per key, however often retried), and
 * a POST to MONTHEND_NOTIFY_WEBHOOK (chat, ticketing, mail relay) when one is configured. The key
 * goes with the POST so the receiver can drop the duplicates a retry may send.
 */
export async function notify(
  sql: postgres.Sql,
  input: { periodId: number; key: string; event: string; detail?: string },
): Promise<void> {
  const [period] = await sql<{ tenantId: string; startDate: string; endDate: string; revision: number }[]>`
    select tenant_id as "tenantId", start_date::text as "startDate", end_date::text as "endDate", revision
    from periods where id = ${input.periodId}`;
  if (!period) throw badData(`unknown period ${input.periodId}`);
  const message = {
    ...period,
    periodId: input.periodId,
    key: input.key,
    event: input.event,
    detail: input.detail ?? null,
  };
  await sql`
    insert into audit_log (tenant_id, actor, action, subject, details)
    select ${period.tenantId}, 'monthend', ${`notification.${input.event}`}, ${`period:${input.periodId}`},
           ${sql.json(message)}
    where not exists (
      select 1 from audit_log a
      where a.tenant_id = ${period.tenantId} and a.subject = ${`period:${input.periodId}`}
        and a.details->>'key' = ${input.key})`;
  const webhook = process.env.MONTHEND_NOTIFY_WEBHOOK;
  if (webhook) {
    const response = await fetch(webhook, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': input.key },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(10_000),
    });
    // Retried a bounded number of times by the workflow, which records the failure and goes on.
    if (!response.ok) throw new Error(`notification webhook answered ${response.status}`);
  }
}
