import { defineSearchAttributeKey, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  ApplicationFailure,
  ParentClosePolicy,
  proxyActivities,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { periodClose } from './period-close.js';
import { PERIOD_ATTRIBUTE, STAGE_ATTRIBUTE, TENANT_ATTRIBUTE } from './shared.js';

// Set by the server on every run a schedule starts: the nominal time, also during catch-up and backfill.
const SCHEDULED_START_TIME = defineSearchAttributeKey('TemporalScheduledStartTime', 'DATETIME');

const { periodEndedBefore } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export type ScheduledCloseOutcome =
  | { outcome: 'started' | 'already_started'; workflowId: string; periodEnd: string }
  | { outcome: 'no_period_ended'; firedOn: string };

/**
 * Started by the tenant's schedule the day after a possible period end. It starts that period's
 * close as an abandoned child (the close waits days for finance; this run should not), under the
 * close's own workflow id, so a schedule firing twice for one period still yields one close.
 */
export async function scheduledClose(input: { tenantId: string }): Promise<ScheduledCloseOutcome> {
  const firedAt = workflowInfo().typedSearchAttributes.get(SCHEDULED_START_TIME) ?? new Date(Date.now());
  const ended = await periodEndedBefore({ tenantId: input.tenantId, firedAt: firedAt.toISOString() });
  if (!ended.periodEnd) return { outcome: 'no_period_ended', firedOn: ended.firedOn };

  const workflowId = `close:${input.tenantId}:${ended.periodEnd}`;
  try {
    await startChild(periodClose, {
      workflowId,
      args: [{ tenantId: input.tenantId, periodEnd: ended.periodEnd }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      // A close that failed may be started again; a finished one stays finished (a change is a reopen).
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      typedSearchAttributes: [
        { key: TENANT_ATTRIBUTE, value: input.tenantId },
        { key: PERIOD_ATTRIBUTE, value: ended.periodEnd },
        { key: STAGE_ATTRIBUTE, value: 'opening' },
      ],
    });
    return { outcome: 'started', workflowId, periodEnd: ended.periodEnd };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) {
      return { outcome: 'already_started', workflowId, periodEnd: ended.periodEnd };
    }
    throw error instanceof Error ? error : ApplicationFailure.nonRetryable(String(error));
  }
}
