import type postgres from 'postgres';
import {
  addDays,
  canonicalTimeZone,
  instantToLocalDate,
  localDateToInstant,
  parseLocalDate,
  periodContainingWithHistory,
} from '../billing/index.js';
import { periodConfigHistory } from '../db/views/periods.js';
import { consumeDecision } from './decisions.js';
import { badData } from './errors.js';

export interface OpenPeriodInput {
  tenantId: string;
  /** Any local date inside the period; the period's own boundaries come from the tenant's configuration. */
  date: string;
  /** The revision to open: 1 for a first close, n + 1 to reopen an approved revision n. */
  revision?: number;
  /** The reopen decision recorded by the API; consumed here, in the transaction that opens the revision. */
  reopen?: { decisionId: number };
}

export interface OpenedPeriod {
  periodId: number;
  tenantId: string;
  startDate: string;
  endDate: string;
  revision: number;
  status: string;
  /** The instant the period ends; before it, a computation is only a preview. */
  endsAt: string;
  reopenedBy: string | null;
  reopenReason: string | null;
}

const opened = (tx: postgres.TransactionSql) => tx`
  id as "periodId", tenant_id as "tenantId", start_date::text as "startDate", end_date::text as "endDate",
  revision, status, to_json(ends_at)#>>'{}' as "endsAt", reopened_by as "reopenedBy",
  reopen_reason as "reopenReason"`;

/**
 * Finds or creates the requested revision of the period holding `date`; idempotent. Opening
 * revision n + 1 is the audited reopen of an approved revision n, which is kept, readable, as
 * superseded.
 */
export async function openPeriod(sql: postgres.Sql, input: OpenPeriodInput): Promise<OpenedPeriod> {
  const revision = input.revision ?? 1;
  return sql.begin(async (tx) => {
    const [tenant] = await tx<{ timeZone: string }[]>`
      select time_zone as "timeZone" from tenants where id = ${input.tenantId}`;
    if (!tenant) throw badData(`unknown tenant '${input.tenantId}'`, { field: 'tenantId' });
    canonicalTimeZone(tenant.timeZone);
    // One opener at a time per tenant, so two runs cannot both create the same revision.
    await tx`select pg_advisory_xact_lock(hashtext(${`open-period:${input.tenantId}`}))`;
    const history = await periodConfigHistory(tx, input.tenantId);
    if (history.length === 0) throw badData(`tenant '${input.tenantId}' has no period configuration`);
    const period = periodContainingWithHistory(history, parseLocalDate(input.date));
    // Only ended periods and the one under way (as a preview) can be computed: nothing further ahead.
    if (period.start > instantToLocalDate(new Date(), tenant.timeZone)) {
      throw badData(`the period ${period.start}..${period.end} has not started yet`, { field: 'date' });
    }
    const mode =
      history.filter((h) => h.effectiveFrom <= period.start).at(-1)?.config.mode ?? history[0]?.config.mode;

    const existing = await tx<OpenedPeriod[]>`
      select ${opened(tx)}
      from periods where tenant_id = ${input.tenantId} and start_date = ${period.start}
      order by revision`;
    const wanted = existing.find((row) => row.revision === revision);
    if (wanted) return wanted;
    const latest = existing.at(-1);
    let reopened: { by: string; reason: string } | undefined;
    if (revision === 1 && !latest) {
      // fall through to insert revision 1
    } else if (!latest || latest.revision !== revision - 1 || !input.reopen) {
      throw badData(`revision ${revision} of ${period.start}..${period.end} cannot be opened`, {
        field: 'revision',
      });
    } else if (latest.status !== 'approved' && latest.status !== 'exported') {
      throw badData(
        `only an approved period can be reopened; revision ${latest.revision} is ${latest.status}`,
        {
          field: 'revision',
        },
      );
    } else {
      const decision = await consumeDecision(tx, {
        decisionId: input.reopen.decisionId,
        tenantId: input.tenantId,
        periodId: latest.periodId,
        revision: latest.revision,
        action: 'reopen',
        consumer: `open-period:${latest.periodId}:r${revision}`,
      });
      reopened = { by: decision.actor, reason: decision.reason ?? '' };
      await tx`update periods set superseded_at = now() where id = ${latest.periodId}`;
      await tx`
        insert into audit_log (tenant_id, actor, action, subject, details)
        values (${input.tenantId}, ${reopened.by}, 'period.reopened', ${`period:${latest.periodId}`},
                ${tx.json({ reason: reopened.reason, newRevision: revision })})`;
    }
    // A period starts at the instant its predecessor ended, so a later change of time zone can
    // neither leave hours unbilled nor bill them twice; only its end follows the new zone.
    const [previous] = await tx<{ endsAt: string }[]>`
      select ends_at::text as "endsAt" from periods
      where tenant_id = ${input.tenantId} and end_date = ${addDays(period.start, -1)} and superseded_at is null
      order by revision desc limit 1`;
    const startsAt = previous?.endsAt ?? localDateToInstant(period.start, tenant.timeZone).toISOString();
    const [created] = await tx<OpenedPeriod[]>`
      insert into periods (tenant_id, start_date, end_date, starts_at, ends_at, mode, revision,
                           reopened_by, reopen_reason)
      values (${input.tenantId}, ${period.start}, ${period.end},
              ${startsAt},
              ${localDateToInstant(addDays(period.end, 1), tenant.timeZone).toISOString()}, ${mode ?? 'calendar'}, ${revision},
              ${reopened?.by ?? null}, ${reopened?.reason ?? null})
      returning ${opened(tx)}`;
    if (!created) throw new Error('insert into periods returned nothing');
    return created;
  });
}
