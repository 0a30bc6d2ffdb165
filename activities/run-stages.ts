import type postgres from 'postgres';
import { ITEMS_PER_SHARD } from '../workflows/shared.js';
import { computeShard } from './compute-shard.js';
import { preparePeriod } from './prepare-period.js';
import { type PeriodTotals, rollUp } from './roll-up.js';
import { invoiceToReachedByRules, type RuleVersion } from './rule-reach.js';

/**
 * The computing stages of a close as the periodClose workflow runs them, without Temporal: for
 * engine tests and benchmarks, which measure the SQL and not the orchestration. Shards run
 * `concurrency` at a time, as the workflow runs them (SHARD_CONCURRENCY).
 */
export async function runStages(
  sql: postgres.Sql,
  periodId: number,
  itemsPerShard = ITEMS_PER_SHARD,
  concurrency = 1,
): Promise<PeriodTotals> {
  const { shards } = await preparePeriod(sql, { periodId, itemsPerShard });
  for (let next = 0; next < shards.length; next += concurrency) {
    await Promise.all(
      shards.slice(next, next + concurrency).map((shard) => computeShard(sql, { periodId, shard })),
    );
  }
  return rollUp(sql, { periodId });
}

/**
 * A reprocess after rule edits, as the workflow runs one: only the invoice-to customers the rules
 * reach are computed again (one shard each), unless they are most of the period.
 */
export async function reprocessRules(
  sql: postgres.Sql,
  periodId: number,
  rules: RuleVersion[],
  concurrency = 1,
): Promise<PeriodTotals> {
  const reached = await invoiceToReachedByRules(sql, { periodId, rules });
  if (reached === null) return runStages(sql, periodId, ITEMS_PER_SHARD, concurrency);
  for (let next = 0; next < reached.length; next += concurrency) {
    await Promise.all(
      reached
        .slice(next, next + concurrency)
        .map((id) => computeShard(sql, { periodId, shard: { from: id, to: id } })),
    );
  }
  return rollUp(sql, { periodId });
}
