import { ApplicationFailure } from '@temporalio/activity';

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
