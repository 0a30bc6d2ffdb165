import type postgres from 'postgres';
import { computeShard } from './compute-shard.js';
import { preparePeriod } from './prepare-period.js';
import { type PeriodTotals, rollUp } from './roll-up.js';

/**
 * The computing stages of a close as the periodClose workflow runs them, without Temporal: for
 * engine tests and benchmarks, which measure the SQL and not the orchestration. Shards run
 * `concurrency` at a time, as the workflow runs them (SHARD_CONCURRENCY).
 */
export async function runStages(
  sql: postgres.Sql,
  periodId: number,
  itemsPerShard = 50_000,
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
