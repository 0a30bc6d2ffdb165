import { defineSearchAttributeKey } from '@temporalio/common';

/** Names shared by the worker, the workflows and the client: one place so they cannot drift apart. */

export const TASK_QUEUE = 'monthend-billing';

/**
 * Shards a close computes at once: enough to keep the database's cores busy, few enough to keep the
 * history small. The benchmarks run them the same way.
 */
export const SHARD_CONCURRENCY = 4;

/**
 * Elements a shard holds, about. Each shard reads the tenant's elements and users once, so fewer,
 * larger shards read less (at L, 200,000 took 16% less time than 50,000, docs/performance.md); a
 * shard must still fit one activity's time and one transaction.
 */
export const ITEMS_PER_SHARD = 200_000;

// Custom search attributes: finance filters runs by tenant, period and stage in the Temporal UI.
export const TENANT_ATTRIBUTE = defineSearchAttributeKey('MonthendTenant', 'KEYWORD');
export const PERIOD_ATTRIBUTE = defineSearchAttributeKey('MonthendPeriod', 'KEYWORD');
export const STAGE_ATTRIBUTE = defineSearchAttributeKey('MonthendStage', 'KEYWORD');
/**
 * How a reminder duration is written (`3 days`, `12 hours`, `30 minutes`): a documented subset of
 * what `ms()` reads, since `ms()` answers NaN for nonsense and throws on '' and long input.
 */
export const REMINDER_DURATION =
  /^[1-9][0-9]{0,2} ?(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?)$/;

export const SEARCH_ATTRIBUTES = [TENANT_ATTRIBUTE, PERIOD_ATTRIBUTE, STAGE_ATTRIBUTE];
