import { Context } from '@temporalio/activity';
import type { Connection } from '../db/connection.js';
import { computeShard } from './compute-shard.js';
import { consumeDecision, type DecisionCheck } from './decisions.js';
import { refusingBadConfig } from './errors.js';
import { exportPeriod } from './export-period.js';
import { type OpenPeriodInput, openPeriod } from './open-period.js';
import type { Shard } from './period-context.js';
import { periodEndedBefore } from './period-ended-before.js';
import { notify, recordCloseEvent, setPeriodStatus } from './period-status.js';
import { preparePeriod } from './prepare-period.js';
import { rollUp } from './roll-up.js';
import { invoiceToReachedByRules, type RuleVersion } from './rule-reach.js';

type ShardInput = { periodId: number; shard: Shard };

/**
 * The activities of the period close, bound to one database connection. The worker registers this
 * object; workflows import only its type.
 */
export function createActivities(database: Pick<Connection, 'sql'>) {
  const { sql } = database;
  return {
    openPeriod: (input: OpenPeriodInput) => refusingBadConfig(() => openPeriod(sql, input)),
    setPeriodStatus: (input: Parameters<typeof setPeriodStatus>[1]) => setPeriodStatus(sql, input),
    recordCloseEvent: (input: Parameters<typeof recordCloseEvent>[1]) => recordCloseEvent(sql, input),
    notify: (input: Parameters<typeof notify>[1]) => notify(sql, input),
    consumeDecision: (input: DecisionCheck) => consumeDecision(sql, input),
    periodEndedBefore: (input: { tenantId: string; firedAt: string }) =>
      refusingBadConfig(() => periodEndedBefore(sql, input)),
    preparePeriod: (input: { periodId: number; itemsPerShard: number }) =>
      heartbeating(() => preparePeriod(sql, input)),
    computeShard: (input: ShardInput) => heartbeating(() => computeShard(sql, input)),
    invoiceToReachedByRules: (input: { periodId: number; rules: RuleVersion[] }) =>
      heartbeating(() => invoiceToReachedByRules(sql, input)),
    rollUp: (input: { periodId: number }) => heartbeating(() => rollUp(sql, input)),
    exportPeriod: (input: { periodId: number }) => heartbeating(() => exportPeriod(sql, input)),
  };
}

export type Activities = ReturnType<typeof createActivities>;

/**
 * A stage is a few long statements (a shard's load, its COPY) with nothing to report midway;
 * heartbeating while it runs lets Temporal tell a slow stage from a dead worker within the heartbeat
 * timeout.
 */
async function heartbeating<T>(stage: () => Promise<T>): Promise<T> {
  const context = Context.current();
  const timer = setInterval(() => context.heartbeat(), 5_000);
  try {
    return await stage();
  } finally {
    clearInterval(timer);
  }
}
