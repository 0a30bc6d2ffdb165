import {
  type Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import type postgres from 'postgres';
import { type DecisionAction, recordDecision } from '../activities/decisions.js';
import type { RuleVersion } from '../activities/rule-reach.js';
import { instantToLocalDate } from '../billing/index.js';
import { periodHolding } from '../db/views/periods.js';
import {
  approveUpdate,
  type CloseProgress,
  type DecisionMessage,
  type PeriodCloseInput,
  periodClose,
  progressQuery,
  rejectUpdate,
  reprocessUpdate,
} from './period-close.js';
import { PERIOD_ATTRIBUTE, STAGE_ATTRIBUTE, TASK_QUEUE, TENANT_ATTRIBUTE } from './shared.js';

/** What went wrong with a close, in the domain's words; the API maps each code to an HTTP status. */
export class CloseError extends Error {
  constructor(
    readonly code: 'not_found' | 'conflict',
    message: string,
  ) {
    super(message);
  }
}

export interface PeriodRef {
  tenantId: string;
  periodEnd: string;
  revision?: number;
}

/** One run per tenant, period and revision: the workflow id says which. */
export function closeWorkflowId({ tenantId, periodEnd, revision = 1 }: PeriodRef): string {
  return revision === 1 ? `close:${tenantId}:${periodEnd}` : `close:${tenantId}:${periodEnd}:r${revision}`;
}

/** Who decides: the person behind an API token (the token's name is the actor recorded). */
export interface Actor {
  name: string;
  tokenId: number;
}

/**
 * The API's and the command line's way to run closes: start, watch, decide, reprocess, reopen. It
 * checks each move is legal for the period as stored, and records every decision before the run
 * hears of it, so the run can tell a decision made here from a message sent to Temporal directly.
 */
export class PeriodCloses {
  private readonly taskQueue: string;
  constructor(
    private readonly client: Client,
    private readonly sql: postgres.Sql,
    options: { taskQueue?: string } = {},
  ) {
    this.taskQueue = options.taskQueue ?? TASK_QUEUE;
  }

  /**
   * Starts the close, or returns the run already under way for the same period: a second start
   * (a double click, a schedule firing twice) never makes a second run. A run that failed, was
   * terminated or timed out may be started again; a finished one may not (that is a reopen).
   */
  async start(input: Omit<PeriodCloseInput, 'carried'>): Promise<{ workflowId: string; runId: string }> {
    await this.requireStarted(input.tenantId, input.periodEnd);
    const workflowId = closeWorkflowId(input);
    try {
      const handle = await this.client.workflow.start(periodClose, {
        taskQueue: this.taskQueue,
        workflowId,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
        typedSearchAttributes: [
          { key: TENANT_ATTRIBUTE, value: input.tenantId },
          { key: PERIOD_ATTRIBUTE, value: input.periodEnd },
          { key: STAGE_ATTRIBUTE, value: 'opening' },
        ],
      });
      return { workflowId, runId: handle.firstExecutionRunId };
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) {
        throw new CloseError(
          'conflict',
          `the close of ${workflowId} has already finished; reopen it to make a new revision`,
        );
      }
      throw error;
    }
  }

  progress(ref: PeriodRef): Promise<CloseProgress> {
    return this.call(ref, (handle) => handle.query(progressQuery));
  }

  /** Approves the totals awaiting approval; refused until the period's end has passed. */
  async approve(ref: PeriodRef, by: Actor, note?: string): Promise<CloseProgress> {
    const period = await this.revision(ref);
    if (new Date(period.endsAt) > new Date()) {
      throw new CloseError(
        'conflict',
        `the period ends on ${ref.periodEnd} (${period.endsAt}): its preview can be approved only once the end has passed`,
      );
    }
    return this.decide(ref, period.id, 'approve', by, { note });
  }

  async reject(ref: PeriodRef, by: Actor, reason: string): Promise<CloseProgress> {
    if (!reason.trim()) throw new CloseError('conflict', 'a rejection needs a reason');
    const period = await this.revision(ref);
    return this.decide(ref, period.id, 'reject', by, { reason });
  }

  /** Computes the period again; after rule edits, given their versions, only what they reach. */
  async reprocess(ref: PeriodRef, by: Actor, reason?: string, rules?: RuleVersion[]): Promise<CloseProgress> {
    const period = await this.revision(ref);
    return this.decide(ref, period.id, 'reprocess', by, { reason, rules });
  }

  /**
   * The audited admin act: a new revision's close, leaving the approved one readable as it was.
   * Only the newest revision, once approved or exported, can be reopened.
   */
  async reopen(ref: PeriodRef & { revision: number }, by: Actor, reason: string) {
    if (!reason.trim()) throw new CloseError('conflict', 'reopening needs a reason');
    const period = await this.revision(ref);
    const [newer] = await this.sql`
      select revision from periods
      where tenant_id = ${ref.tenantId} and start_date = ${period.startDate} and revision > ${ref.revision}`;
    if (newer) throw new CloseError('conflict', `revision ${newer.revision} already reopened this period`);
    if (period.status !== 'approved' && period.status !== 'exported') {
      throw new CloseError(
        'conflict',
        `only an approved or exported period can be reopened; revision ${ref.revision} is ${period.status}`,
      );
    }
    const decisionId = await recordDecision(this.sql, {
      tenantId: ref.tenantId,
      periodId: period.id,
      action: 'reopen',
      actor: by,
      reason,
    });
    return this.start({
      tenantId: ref.tenantId,
      periodEnd: ref.periodEnd,
      revision: ref.revision + 1,
      reopen: { decisionId },
    });
  }

  /** Waits for the run to finish (approved and exported) and returns its final progress. */
  result(ref: PeriodRef): Promise<CloseProgress> {
    return this.call(ref, (handle) => handle.result());
  }

  /** Records the decision, then tells the run its id only; the update id makes a resend harmless. */
  private async decide(
    ref: PeriodRef,
    periodId: number,
    action: Exclude<DecisionAction, 'reopen'>,
    actor: Actor,
    details: { note?: string | undefined; reason?: string | undefined; rules?: RuleVersion[] | undefined },
  ): Promise<CloseProgress> {
    const decisionId = await recordDecision(this.sql, {
      tenantId: ref.tenantId,
      periodId,
      action,
      actor,
      ...(details.note ? { note: details.note } : {}),
      ...(details.reason ? { reason: details.reason } : {}),
      ...(details.rules ? { rules: details.rules } : {}),
    });
    const update = { approve: approveUpdate, reject: rejectUpdate, reprocess: reprocessUpdate }[action];
    const message: DecisionMessage = { decisionId };
    return this.call(ref, (handle) =>
      handle.executeUpdate(update, { args: [message], updateId: `decision-${decisionId}` }),
    );
  }

  /** The stored revision a decision is about, within the tenant. */
  private async revision(ref: PeriodRef) {
    const [period] = await this.sql<{ id: number; status: string; startDate: string; endsAt: string }[]>`
      select id, status, start_date::text as "startDate", to_json(ends_at)#>>'{}' as "endsAt" from periods
      where tenant_id = ${ref.tenantId} and end_date = ${ref.periodEnd} and revision = ${ref.revision ?? 1}`;
    if (!period) throw new CloseError('not_found', `no revision ${ref.revision ?? 1} of ${ref.periodEnd}`);
    return period;
  }

  /** Ended periods and the one under way (as a preview) can be closed; nothing further ahead. */
  private async requireStarted(tenantId: string, periodEnd: string) {
    const [tenant] = await this.sql<{ timeZone: string }[]>`
      select time_zone as "timeZone" from tenants where id = ${tenantId}`;
    const period = tenant && (await periodHolding(this.sql, tenantId, periodEnd));
    if (!tenant || !period)
      throw new CloseError('not_found', `tenant '${tenantId}' has no period configuration`);
    const today = instantToLocalDate(new Date(), tenant.timeZone);
    if (period.start > today) {
      throw new CloseError(
        'conflict',
        `the period ${period.start}..${period.end} has not started (today is ${today} in ${tenant.timeZone}): only ended periods and the current one, as a preview, can be closed`,
      );
    }
  }

  private async call<T>(
    ref: PeriodRef,
    action: (handle: ReturnType<Client['workflow']['getHandle']>) => Promise<T>,
  ) {
    const workflowId = closeWorkflowId(ref);
    try {
      return await action(this.client.workflow.getHandle(workflowId));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError)
        throw new CloseError('not_found', `no close run ${workflowId}`);
      if (error instanceof WorkflowUpdateFailedError) {
        // The validator or the decision check said no: the innermost message says why.
        let cause: unknown = error.cause;
        while (cause instanceof Error && cause.cause instanceof Error) cause = cause.cause;
        throw new CloseError('conflict', cause instanceof Error ? cause.message : error.message);
      }
      throw error;
    }
  }
}
