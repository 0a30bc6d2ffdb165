import type { RetryPolicy } from '@temporalio/common';
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  currentUpdateInfo,
  defineQuery,
  defineUpdate,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import ms, { type StringValue } from 'ms';
import type { DecisionAction } from '../activities/decisions.js';
import type { Activities } from '../activities/index.js';
import type { Shard } from '../activities/period-context.js';
import type { PeriodTotals } from '../activities/roll-up.js';
import type { RuleVersion } from '../activities/rule-reach.js';
import { ITEMS_PER_SHARD, REMINDER_DURATION, SHARD_CONCURRENCY, STAGE_ATTRIBUTE } from './shared.js';

export type CloseStage =
  | 'opening'
  | 'generating'
  | 'awaiting_approval'
  | 'rejected'
  | 'locking'
  | 'exporting'
  | 'exported';

export interface CloseEvent {
  /** Deterministic (the workflow's seeded random source): the audit log is de-duplicated on it. */
  id: string;
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
  /** The instant the period ends in the tenant's zone. */
  endsAt?: string;
  /** Computed before the period ended: shown, never approved; computed again once the end passes. */
  preview: boolean;
  revision: number;
  stage: CloseStage;
  shardsDone: number;
  shardsTotal: number;
  totals?: PeriodTotals;
  /** Who did what and when, for the period's audit trail in the UI and the API. */
  events: CloseEvent[];
}

/** A decision accepted and verified, not yet acted on. */
export interface PendingDecision {
  action: Exclude<DecisionAction, 'reopen'>;
  rules: RuleVersion[] | null;
}

/** Everything a run knows that is not in its input: carried whole across continue-as-new. */
export interface CarriedState {
  progress: CloseProgress;
  pending?: PendingDecision;
  /** null after a rejection: the next reprocess computes everything, whatever rule versions it names. */
  reprocessScope?: null;
  nextReminderAt?: number;
}

export interface PeriodCloseInput {
  tenantId: string;
  /** The period's end date, a local date in the tenant's zone. */
  periodEnd: string;
  /** 1 for the first close; reopening an approved period starts revision n + 1. */
  revision?: number;
  /** The reopen decision the API recorded (activities/decisions.ts); openPeriod consumes it. */
  reopen?: { decisionId: number };
  /** When to remind finance of a pending approval, written like `3 days`, then how often again. */
  remindAfter?: string;
  remindEvery?: string;
  itemsPerShard?: number;
  /** Continue as new once the history has this many events (default: when the server suggests it). */
  historyLimit?: number;
  carried?: CarriedState;
}

/** Every decision names a decision the API recorded; nothing else in the message is believed. */
export interface DecisionMessage {
  decisionId: number;
}

// Messages are declared here and exported so the client module uses the very same definitions.
export const progressQuery = defineQuery<CloseProgress>('progress');
export const approveUpdate = defineUpdate<CloseProgress, [DecisionMessage]>('approve');
export const rejectUpdate = defineUpdate<CloseProgress, [DecisionMessage]>('reject');
/** A reprocess a rule edit decided has the rule versions recorded with it: only what they reach is computed. */
export const reprocessUpdate = defineUpdate<CloseProgress, [DecisionMessage]>('reprocess');

const retry: RetryPolicy = {
  initialInterval: '1 second',
  maximumInterval: '1 minute',
  backoffCoefficient: 2,
};
const { openPeriod, setPeriodStatus, recordCloseEvent, consumeDecision } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry,
});
// A dead webhook is tried three times, then recorded as failed: a notification never holds a close.
const notifications = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { ...retry, maximumAttempts: 3 },
});
// Set-based stages on a shard: bounded by the shard size, heartbeating while their SQL runs so a
// dead worker is noticed in seconds, not at the end of the timeout.
const stages = proxyActivities<Activities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '30 seconds',
  retry,
});

/** Closes one billing period of one tenant: compute, wait for finance, lock, export. */
export async function periodClose(input: PeriodCloseInput): Promise<CloseProgress> {
  const remindAfter = duration('remindAfter', input.remindAfter ?? '3 days');
  const remindEvery = duration('remindEvery', input.remindEvery ?? '1 day');
  const progress: CloseProgress = input.carried?.progress ?? {
    tenantId: input.tenantId,
    periodEnd: input.periodEnd,
    revision: input.revision ?? 1,
    preview: false,
    stage: 'opening',
    shardsDone: 0,
    shardsTotal: 0,
    events: [],
  };
  let pending = input.carried?.pending;
  let reprocessScope = input.carried?.reprocessScope;
  let nextReminderAt = input.carried?.nextReminderAt;
  // Set from the moment a decision is accepted until it is verified: a second one is refused meanwhile.
  let deciding: DecisionAction | undefined;
  const outbox: Promise<void>[] = [];

  setHandler(progressQuery, () => progress);
  const decide =
    (action: PendingDecision['action']) =>
    async ({ decisionId }: DecisionMessage) => {
      deciding = action;
      try {
        const consumer = `${workflowInfo().workflowId}/${currentUpdateInfo()?.id ?? uuid4()}`;
        // Refused (ForgedDecision) unless the API recorded exactly this decision: nothing has changed yet.
        const decision = await consumeDecision({
          decisionId,
          tenantId: progress.tenantId,
          periodId: periodIdOf(progress),
          revision: progress.revision,
          action,
          consumer,
        });
        pending = { action, rules: decision.rules };
        const detail = decision.reason ?? decision.note;
        const past = { approve: 'approved', reject: 'rejected', reprocess: 'reprocess' } as const;
        await record({ by: decision.actor, action: past[action], ...(detail ? { detail } : {}) });
      } finally {
        deciding = undefined;
      }
      return progress;
    };
  // Validators refuse before anything enters history: the wrong stage, a second decision, an early approval.
  setHandler(approveUpdate, decide('approve'), {
    validator: (message) => {
      requireDecision(message, 'approve', ['awaiting_approval']);
      if (progress.preview) {
        throw new Error(
          `the period ends at ${progress.endsAt}: a preview cannot be approved; it is computed again once the end has passed`,
        );
      }
    },
  });
  setHandler(rejectUpdate, decide('reject'), {
    validator: (message) => requireDecision(message, 'reject', ['awaiting_approval']),
  });
  setHandler(reprocessUpdate, decide('reprocess'), {
    validator: (message) => requireDecision(message, 'reprocess', ['awaiting_approval', 'rejected']),
  });

  let approvedBefore = false;
  if (!input.carried) {
    const period = await openPeriod({
      tenantId: input.tenantId,
      date: input.periodEnd,
      revision: progress.revision,
      ...(input.reopen ? { reopen: input.reopen } : {}),
    });
    Object.assign(progress, {
      periodId: period.periodId,
      startDate: period.startDate,
      endsAt: period.endsAt,
    });
    if (period.reopenedBy)
      progress.events.push(
        event({ by: period.reopenedBy, action: 'reopened', detail: period.reopenReason ?? '' }),
      );
    // A restarted run of a period approved before its run failed goes on to export it.
    approvedBefore = period.status === 'approved' || period.status === 'exported';
    if (!approvedBefore) await compute();
  }

  // Finance decides; reminders go out on durable timers while nobody does.
  while (!approvedBefore) {
    const next = await nextDecision();
    if (next !== 'ended' && next.action === 'approve') break;
    if (next !== 'ended' && next.action === 'reject') {
      // What made finance reject may be anywhere: the next computation is a whole one.
      reprocessScope = null;
      enter(progress, 'rejected');
      const rejection = progress.events.findLast((e) => e.action === 'rejected');
      await setPeriodStatus({
        periodId: periodIdOf(progress),
        status: 'open',
        ...(rejection?.detail ? { reason: rejection.detail } : {}),
      });
    } else {
      const rules = next === 'ended' || reprocessScope === null ? undefined : (next.rules ?? undefined);
      reprocessScope = undefined;
      if (next === 'ended') {
        await record({ by: 'monthend', action: 'reprocess', detail: 'the period has ended: computed again' });
      }
      await compute(rules);
    }
    await continueAsNewIfLong();
  }

  enter(progress, 'locking');
  await setPeriodStatus({
    periodId: periodIdOf(progress),
    status: 'approved',
    by: progress.events.findLast((e) => e.action === 'approved')?.by ?? 'unknown',
  });
  enter(progress, 'exporting');
  await stages.exportPeriod({ periodId: periodIdOf(progress) });
  await setPeriodStatus({ periodId: periodIdOf(progress), status: 'exported' });
  enter(progress, 'exported');
  send('exported');
  // Let the approve handler's audit write and the notifications finish before the run completes.
  await condition(allHandlersFinished);
  await Promise.all(outbox);
  return progress;

  /** The next decision, a verified one or the end of a preview's period; reminds finance meanwhile. */
  async function nextDecision(): Promise<PendingDecision | 'ended'> {
    nextReminderAt ??= Date.now() + remindAfter;
    for (;;) {
      if (pending) {
        const decided = pending;
        pending = undefined;
        return decided;
      }
      const endsAt = Date.parse(progress.endsAt ?? '');
      const awaitingPreview = progress.preview && progress.stage === 'awaiting_approval';
      if (awaitingPreview && Date.now() >= endsAt) return 'ended';
      const wakeAt = awaitingPreview ? Math.min(nextReminderAt, endsAt) : nextReminderAt;
      if (await condition(() => pending !== undefined, Math.max(wakeAt - Date.now(), 1))) continue;
      if (Date.now() >= nextReminderAt) {
        send('approval_reminder', `still ${progress.stage}`);
        progress.events.push(event({ by: 'monthend', action: 'reminder' }));
        nextReminderAt = Date.now() + remindEvery;
        await continueAsNewIfLong();
      }
    }
  }

  /**
   * Weeks of reminders or many reprocess rounds must not grow one history without bound: carry the
   * state, accepted decisions included, into a fresh run that resumes waiting.
   */
  async function continueAsNewIfLong() {
    const info = workflowInfo();
    if (!info.continueAsNewSuggested && !(input.historyLimit && info.historyLength >= input.historyLimit))
      return;
    await condition(allHandlersFinished);
    await Promise.all(outbox);
    const carried: CarriedState = {
      progress,
      ...(pending ? { pending } : {}),
      ...(reprocessScope === null ? { reprocessScope } : {}),
      nextReminderAt,
    };
    await continueAsNew<typeof periodClose>({ ...input, carried });
  }

  function requireDecision(message: DecisionMessage, action: DecisionAction, stages: CloseStage[]) {
    if (!Number.isSafeInteger(message?.decisionId) || message.decisionId <= 0) {
      throw new Error('a decision id recorded by the Monthend API is required');
    }
    if (deciding || pending)
      throw new Error(`cannot ${action}: another decision (${deciding ?? pending?.action}) is pending`);
    if (!stages.includes(progress.stage)) throw new Error(`cannot ${action} while ${progress.stage}`);
  }

  async function record(entry: Omit<CloseEvent, 'id' | 'at'>) {
    const recorded = event(entry);
    progress.events.push(recorded);
    await recordCloseEvent({ periodId: periodIdOf(progress), ...recorded });
  }

  /** Sends a notification without waiting for it; a failure after bounded retries is recorded. */
  function send(kind: string, detail?: string) {
    const periodId = periodIdOf(progress);
    const key = uuid4();
    outbox.push(
      notifications.notify({ periodId, key, event: kind, ...(detail ? { detail } : {}) }).catch((failure) =>
        recordCloseEvent({
          periodId,
          id: uuid4(),
          at: now(),
          by: 'monthend',
          action: 'notification_failed',
          detail: `${kind} (${key}): ${(failure as Error).cause instanceof Error ? (failure.cause as Error).message : String(failure)}`,
        }),
      ),
    );
  }

  async function compute(rules?: RuleVersion[]) {
    await computePeriod(input, progress, rules);
    send('awaiting_approval', progress.preview ? 'preview' : undefined);
  }
}

/** Generate, apply rules and price every shard, then roll up: from scratch, so a rerun is identical. */
async function computePeriod(
  input: PeriodCloseInput,
  progress: CloseProgress,
  rules?: RuleVersion[],
): Promise<void> {
  const periodId = periodIdOf(progress);
  enter(progress, 'generating');
  // Workflow time: computed before the end, the figures may still change, so they are a preview.
  progress.preview = Date.now() < Date.parse(progress.endsAt ?? '');
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
}

async function computeShard(periodId: number, shard: Shard, progress: CloseProgress): Promise<void> {
  await stages.computeShard({ periodId, shard });
  progress.shardsDone += 1;
}

/** A reminder duration written like `3 days`; `ms()` answers NaN for nonsense, which must not become a timer. */
function duration(field: string, value: string): number {
  const parsed = REMINDER_DURATION.test(value) ? ms(value as StringValue) : Number.NaN;
  if (!Number.isFinite(parsed) || parsed <= 0) {
    throw ApplicationFailure.create({
      type: 'BadData',
      message: `${field} must be a positive duration like '3 days', not '${value}'`,
      nonRetryable: true,
    });
  }
  return parsed;
}

function event(entry: Omit<CloseEvent, 'id' | 'at'>): CloseEvent {
  return { id: uuid4(), at: now(), ...entry };
}

function enter(progress: CloseProgress, stage: CloseStage) {
  progress.stage = stage;
  upsertSearchAttributes([{ key: STAGE_ATTRIBUTE, value: stage }]);
}

function periodIdOf(progress: CloseProgress): number {
  if (progress.periodId === undefined) throw ApplicationFailure.nonRetryable('the period was never opened');
  return progress.periodId;
}

function now(): string {
  // Date.now() is deterministic inside a workflow: it is the time of the current workflow task.
  return new Date(Date.now()).toISOString();
}
