import { ApplicationFailure } from '@temporalio/activity';
import type postgres from 'postgres';
import type { RuleVersion } from './rule-reach.js';

type Sql = postgres.Sql | postgres.TransactionSql;

export type DecisionAction = 'approve' | 'reject' | 'reprocess' | 'reopen';

/** The roles that may make each decision, whichever route asked (periods or a rule edit). */
export const decisionRoles: Record<DecisionAction, string[]> = {
  approve: ['admin', 'finance'],
  reject: ['admin', 'finance'],
  reprocess: ['admin', 'finance', 'operator'],
  reopen: ['admin'],
};

export interface DecisionRequest {
  tenantId: string;
  periodId: number;
  action: DecisionAction;
  actor: { name: string; tokenId: number };
  note?: string;
  reason?: string;
  rules?: RuleVersion[];
}

/**
 * Records a decision made through the API and returns its id, the only thing the run is told. The
 * period row is looked up within the tenant, so a decision can only ever name the caller's own period.
 */
export async function recordDecision(sql: Sql, request: DecisionRequest): Promise<number> {
  const [row] = await sql<{ id: number }[]>`
    insert into decisions (tenant_id, period_id, period_end, revision, action, actor, token_id, note, reason, rules)
    select p.tenant_id, p.id, p.end_date, p.revision, ${request.action}, ${request.actor.name},
           ${request.actor.tokenId}, ${request.note ?? null}, ${request.reason ?? null},
           ${request.rules ? sql.json(JSON.parse(JSON.stringify(request.rules))) : null}
    from periods p
    where p.tenant_id = ${request.tenantId} and p.id = ${request.periodId}
    returning id`;
  if (!row) throw new Error(`no period ${request.periodId} in tenant ${request.tenantId}`);
  return row.id;
}

export interface DecisionCheck {
  decisionId: number;
  tenantId: string;
  periodId: number;
  revision: number;
  action: DecisionAction;
  /** Who consumes it (the workflow update's id): a retry by the same consumer passes again. */
  consumer: string;
}

export interface VerifiedDecision {
  actor: string;
  note: string | null;
  reason: string | null;
  rules: RuleVersion[] | null;
}

/**
 * Consumes a decision if it is exactly what the run is about to do: this tenant, period, revision
 * and action, made with a token of this tenant whose role allows it, not consumed by anyone else.
 * One UPDATE does check and consume, so two messages naming one decision cannot both pass.
 */
export async function consumeDecision(sql: Sql, check: DecisionCheck): Promise<VerifiedDecision> {
  if (!Number.isSafeInteger(check.decisionId) || check.decisionId <= 0) throw forged(check, 'no decision id');
  const [decision] = await sql<VerifiedDecision[]>`
    update decisions d set consumed_at = coalesce(d.consumed_at, now()), consumed_by = ${check.consumer}
    from api_tokens t
    where d.id = ${check.decisionId} and d.tenant_id = ${check.tenantId} and d.period_id = ${check.periodId}
      and d.revision = ${check.revision} and d.action = ${check.action}
      and t.id = d.token_id and t.tenant_id = d.tenant_id and t.role::text = any(${decisionRoles[check.action]})
      and (d.consumed_at is null or d.consumed_by = ${check.consumer})
    returning d.actor, d.note, d.reason, d.rules`;
  if (!decision) throw forged(check, 'no such unconsumed decision of this period');
  return decision;
}

function forged(check: DecisionCheck, why: string) {
  return ApplicationFailure.create({
    type: 'ForgedDecision',
    message: `decision ${check.decisionId} refused (${check.action} of period ${check.periodId}): ${why}`,
    nonRetryable: true,
  });
}
