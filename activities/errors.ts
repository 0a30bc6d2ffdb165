import { ApplicationFailure } from '@temporalio/activity';
import { TenantConfigError } from '../billing/index.js';

/**
 * Bad data will not get better by retrying: fail the activity for good, naming what is wrong, so the
 * run stops at once instead of burning its retry budget.
 */
export function badData(message: string, details?: Record<string, unknown>): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'BadData',
    message,
    nonRetryable: true,
    details: details ? [details] : [],
  });
}

/** A tenant configuration that cannot run (a row older than the checks) is bad data, not a reason to retry. */
export async function refusingBadConfig<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof TenantConfigError) {
      throw badData(`the tenant's configuration cannot be used: ${error.message}`, { field: error.field });
    }
    throw error;
  }
}
