import { proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { OpenedPeriod } from '../activities/open-period.js';
import { PERIOD_ATTRIBUTE, STAGE_ATTRIBUTE, TENANT_ATTRIBUTE } from './shared.js';

export interface PeriodCloseInput {
  tenantId: string;
  /** The period's end date (a local date in the tenant's zone). */
  periodEnd: string;
}

const { openPeriod } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/** Closes one billing period of one tenant. */
export async function periodClose(input: PeriodCloseInput): Promise<OpenedPeriod> {
  upsertSearchAttributes([
    { key: TENANT_ATTRIBUTE, value: input.tenantId },
    { key: PERIOD_ATTRIBUTE, value: input.periodEnd },
    { key: STAGE_ATTRIBUTE, value: 'open' },
  ]);
  return await openPeriod({ tenantId: input.tenantId, date: input.periodEnd });
}
