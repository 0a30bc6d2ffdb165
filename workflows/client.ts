import {
  type Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import type { RuleVersion } from '../activities/rule-reach.js';
import {
  approveUpdate,
  type CloseProgress,
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

/** The API's and the command line's way to run closes: start, watch, decide, reprocess, reopen. */
export class PeriodCloses {
  constructor(
    private readonly client: Client,
    private readonly taskQueue = TASK_QUEUE,
  ) {}

  /**
   * Starts the close, or returns the run already under way for the same period: a second start
   * (a double click, a schedule firing twice) never makes a second run.
   */
  async start(input: Omit<PeriodCloseInput, 'carried'>): Promise<{ workflowId: string; runId: string }> {
    const workflowId = closeWorkflowId(input);
    try {
      const handle = await this.client.workflow.start(periodClose, {
        taskQueue: this.taskQueue,
        workflowId,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        // A finished close stays finished: changing it is a reopen, which is a new revision.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
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

  approve(ref: PeriodRef, by: string, note?: string): Promise<CloseProgress> {
    return this.call(ref, (handle) =>
      handle.executeUpdate(approveUpdate, { args: [{ by, ...(note ? { note } : {}) }] }),
    );
  }

  reject(ref: PeriodRef, by: string, reason: string): Promise<CloseProgress> {
    return this.call(ref, (handle) => handle.executeUpdate(rejectUpdate, { args: [{ by, reason }] }));
  }

  /** Computes the period again; after rule edits, given their versions, only what they reach. */
  reprocess(ref: PeriodRef, by: string, reason?: string, rules?: RuleVersion[]): Promise<CloseProgress> {
    return this.call(ref, (handle) =>
      handle.executeUpdate(reprocessUpdate, {
        args: [{ by, ...(reason ? { reason } : {}), ...(rules ? { rules } : {}) }],
      }),
    );
  }

  /** The audited admin act: a new revision's close, leaving the approved one readable as it was. */
  reopen(ref: PeriodRef & { revision: number }, by: string, reason: string) {
    if (!reason.trim()) throw new CloseError('conflict', 'reopening needs a reason');
    return this.start({
      tenantId: ref.tenantId,
      periodEnd: ref.periodEnd,
      revision: ref.revision + 1,
      reopen: { by, reason },
    });
  }

  /** Waits for the run to finish (approved and exported) and returns its final progress. */
  result(ref: PeriodRef): Promise<CloseProgress> {
    return this.call(ref, (handle) => handle.result());
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
        // The workflow's validator said no: the message says why (wrong stage, missing reason...).
        throw new CloseError('conflict', error.cause?.message ?? error.message);
      }
      throw error;
    }
  }
}
