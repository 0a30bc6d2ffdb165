import type { RetryPolicy } from '@temporalio/common';
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineUpdate,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import ms, { type StringValue } from 'ms';
import type { Activities } from '../activities/index.js';
import type { Shard } from '../activities/period-context.js';
import type { PeriodTotals } from '../activities/roll-up.js';
import type { RuleVersion } from '../activities/rule-reach.js';
import { ITEMS_PER_SHARD, SHARD_CONCURRENCY, STAGE_ATTRIBUTE } from './shared.js';

export type CloseStage =
  | 'opening'
  | 'generating'
  | 'awaiting_approval'
  | 'rejected'
  | 'locking'
  | 'exporting'
  | 'exported';

export interface CloseEvent {
  at: string;
  by: string;
  action: 'approved' | 'rejected' | 'reprocess' | 'reminder' | 'reopened';
  detail?: string;
}

export interface CloseProgress {
  tenantId: string;
  periodEnd: string;
  periodId?: number;
  startDate?: string;
  revision: number;
  stage: CloseStage;
  shardsDone: number;
  shardsTotal: number;
  totals?: PeriodTotals;
  /** Who did what and when, for the period's audit trail in the UI and the API. */
  events: CloseEvent[];
}

export interface PeriodCloseInput {
  tenantId: string;
  /** The period's end date, a local date in the tenant's zone. */
  periodEnd: string;
  /** 1 for the first close; reopening an approved period starts revision n + 1. */
  revision?: number;
  reopen?: { by: string; reason: string };
  /** When to remind finance of a pending approval, written like `3 days`, then how often again. */
  remindAfter?: string;
  remindEvery?: string;
  itemsPerShard?: number;
  /** Carried across continue-as-new so a long approval wait keeps its history short. */
  carried?: CloseProgress;
}

// Messages are declared here and exported so the client module uses the very same definitions.
export const progressQuery = defineQuery<CloseProgress>('progress');
export const approveUpdate = defineUpdate<CloseProgress, [{ by: string; note?: string }]>('approve');
export const rejectUpdate = defineUpdate<CloseProgress, [{ by: string; reason: string }]>('reject');
/** `rules`: the versions before and after a rule edit, to compute again only what they reach. */
export const reprocessUpdate = defineUpdate<
  CloseProgress,
  [{ by: string; reason?: string; rules?: RuleVersion[] }]
>('reprocess');

const retry: RetryPolicy = {
  initialInterval: '1 second',
  maximumInterval: '1 minute',
  backoffCoefficient: 2,
};
const { openPeriod, setPeriodStatus, recordCloseEvent, notify, remindApprover } = proxyActivities<Activities>(
  {
    startToCloseTimeout: '2 minutes',
    retry,
  },
);
// Set-based stages on a shard: bounded by the shard size, heartbeating while their SQL runs so a
// dead worker is noticed in seconds, not at the end of the timeout.
const stages = proxyActivities<Activities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '30 seconds',
  retry,
});

/** Closes one billing period of one tenant: compute, wait for finance, lock, export. */
export async function periodClose(input: PeriodCloseInput): Promise<CloseProgress> {
  const progress: CloseProgress = input.carried ?? {
    tenantId: input.tenantId,
    periodEnd: input.periodEnd,
    revision: input.revision ?? 1,
    stage: 'opening',
    shardsDone: 0,
    shardsTotal: 0,
    events: [],
  };
  let decision: 'approve' | 'reject' | 'reprocess' | undefined;
  // What the next reprocess must compute: only what these rule versions reach, or (null) everything.
  let reprocessScope: RuleVersion[] | null | undefined;

  setHandler(progressQuery, () => progress);
  setHandler(
    approveUpdate,
    async ({ by, note }) => {
      decision = 'approve';
      await record({ by, action: 'approved', ...(note ? { detail: note } : {}) });
      return progress;
    },
    // A validator rejects the update before it enters history: approving twice or too early is refused.
    { validator: ({ by }) => requireWhile('awaiting_approval', 'approve', by) },
  );
  setHandler(
    rejectUpdate,
    async ({ by, reason }) => {
      decision = 'reject';
      await record({ by, action: 'rejected', detail: reason });
      return progress;
    },
    {
      validator: ({ by, reason }) => {
        requireWhile('awaiting_approval', 'reject', by);
        if (!reason?.trim()) throw new Error('a rejection needs a reason');
      },
    },
  );
  setHandler(
    reprocessUpdate,
    async ({ by, reason, rules }) => {
      decision = 'reprocess';
      reprocessScope = rules && reprocessScope !== null ? [...(reprocessScope ?? []), ...rules] : null;
      await record({ by, action: 'reprocess', ...(reason ? { detail: reason } : {}) });
      return progress;
    },
    {
      validator: ({ by }) => {
        if (progress.stage !== 'awaiting_approval' && progress.stage !== 'rejected') {
          throw new Error(`cannot reprocess while ${progress.stage}: only before approval`);
        }
        requireActor(by);
      },
    },
  );

  if (!input.carried) {
    const period = await openPeriod({
      tenantId: input.tenantId,
      date: input.periodEnd,
      revision: progress.revision,
      ...(input.reopen ? { reopen: input.reopen } : {}),
    });
    Object.assign(progress, { periodId: period.periodId, startDate: period.startDate });
    if (input.reopen)
      progress.events.push({
        at: now(),
        by: input.reopen.by,
        action: 'reopened',
        detail: input.reopen.reason,
      });
    await compute(input, progress);
  }

  // Finance decides; reminders go out on durable timers while nobody does.
  for (;;) {
    await waitForDecision(input, progress, () => decision !== undefined);
    if (decision === 'approve') break;
    if (decision === 'reject') {
      // What made finance reject may be anywhere: the next computation is a whole one.
      reprocessScope = null;
      enter(progress, 'rejected');
      const rejection = progress.events.findLast((event) => event.action === 'rejected');
      await setPeriodStatus({
        periodId: periodIdOf(progress),
        status: 'open',
        ...(rejection?.detail ? { reason: rejection.detail } : {}),
      });
      await waitForDecision(input, progress, () => decision === 'reprocess');
    }
    // Consumed before computing: a decision made once the new totals await approval must survive.
    decision = undefined;
    const rules = reprocessScope;
    reprocessScope = undefined;
    await compute(input, progress, rules ?? undefined);
    await continueAsNewIfLong(input, progress);
  }

  enter(progress, 'locking');
  await setPeriodStatus({
    periodId: periodIdOf(progress),
    status: 'approved',
    by: lastActor(progress, 'approved'),
  });
  enter(progress, 'exporting');
  await stages.exportPeriod({ periodId: periodIdOf(progress) });
  await setPeriodStatus({ periodId: periodIdOf(progress), status: 'exported' });
  progress.stage = 'exported';
  upsertSearchAttributes([{ key: STAGE_ATTRIBUTE, value: 'exported' }]);
  await notify({ periodId: periodIdOf(progress), event: 'exported' });
  // Let the approve handler's own audit write finish before the run completes.
  await condition(allHandlersFinished);
  return progress;

  function requireWhile(stage: CloseStage, what: string, by: string) {
    if (progress.stage !== stage) throw new Error(`cannot ${what} while ${progress.stage}`);
    requireActor(by);
  }

  async function record(event: Omit<CloseEvent, 'at'>) {
    const entry = { at: now(), ...event };
    progress.events.push(entry);
    await recordCloseEvent({ periodId: periodIdOf(progress), ...entry });
  }
}

/** Generate, apply rules and price every shard, then roll up: from scratch, so a rerun is identical. */
async function compute(
  input: PeriodCloseInput,
  progress: CloseProgress,
  rules?: RuleVersion[],
): Promise<void> {
  const periodId = periodIdOf(progress);
  enter(progress, 'generating');
  await setPeriodStatus({ periodId, status: 'generating' });
  // After rule edits only, the invoice-to customers they reach are computed again, one shard each.
  const reached = rules ? await stages.invoiceToReachedByRules({ periodId, rules }) : null;
  const { shards } = reached
    ? { shards: reached.map((id) => ({ from: id, to: id })) }
    : await stages.preparePeriod({ periodId, itemsPerShard: input.itemsPerShard ?? ITEMS_PER_SHARD });
  progress.shardsTotal = shards.length;
  progress.shardsDone = 0;
  for (let next = 0; next < shards.length; next += SHARD_CONCURRENCY) {
    await Promise.all(
      shards.slice(next, next + SHARD_CONCURRENCY).map((shard) => computeShard(periodId, shard, progress)),
    );
  }
  progress.totals = await stages.rollUp({ periodId });
  await setPeriodStatus({ periodId, status: 'awaiting_approval' });
  enter(progress, 'awaiting_approval');
  await notify({ periodId, event: 'awaiting_approval' });
}

async function computeShard(periodId: number, shard: Shard, progress: CloseProgress): Promise<void> {
  await stages.computeShard({ periodId, shard });
  progress.shardsDone += 1;
}

async function waitForDecision(input: PeriodCloseInput, progress: CloseProgress, decided: () => boolean) {
  const remindAfter = ms((input.remindAfter ?? '3 days') as StringValue);
  const remindEvery = ms((input.remindEvery ?? '1 day') as StringValue);
  if (remindAfter === undefined || remindEvery === undefined) {
    throw ApplicationFailure.nonRetryable(
      `bad reminder durations: '${input.remindAfter}', '${input.remindEvery}'`,
    );
  }
  let wait = remindAfter;
  while (!(await condition(decided, wait))) {
    await remindApprover({ periodId: periodIdOf(progress), stage: progress.stage });
    progress.events.push({ at: now(), by: 'monthend', action: 'reminder' });
    wait = remindEvery;
    await continueAsNewIfLong(input, progress);
  }
}

/**
 * Weeks of reminders or many reprocess rounds must not grow one history without bound: when the
 * server suggests it, carry the progress into a fresh run that resumes waiting for a decision.
 */
async function continueAsNewIfLong(input: PeriodCloseInput, progress: CloseProgress) {
  if (!workflowInfo().continueAsNewSuggested) return;
  await condition(allHandlersFinished);
  await continueAsNew<typeof periodClose>({ ...input, carried: progress });
}

function enter(progress: CloseProgress, stage: CloseStage) {
  progress.stage = stage;
  upsertSearchAttributes([{ key: STAGE_ATTRIBUTE, value: stage }]);
}

function periodIdOf(progress: CloseProgress): number {
  if (progress.periodId === undefined) throw ApplicationFailure.nonRetryable('the period was never opened');
  return progress.periodId;
}

function lastActor(progress: CloseProgress, action: CloseEvent['action']): string {
  return progress.events.findLast((event) => event.action === action)?.by ?? 'unknown';
}

function requireActor(by: string) {
  if (!by?.trim()) throw new Error('who is acting (by) is required');
}

function now(): string {
  // Date.now() is deterministic inside a workflow: it is the time of the current workflow task.
  return new Date(Date.now()).toISOString();
}
