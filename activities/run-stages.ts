import type postgres from 'postgres';
import { applyRules } from './apply-rules.js';
import { generateItems } from './generate-items.js';
import { preparePeriod } from './prepare-period.js';
import { priceItems } from './price-items.js';
import { type PeriodTotals, rollUp } from './roll-up.js';

/**
 * The computing stages of a close in the order the periodClose workflow runs them, without
 * Temporal: for engine tests and benchmarks, which measure the SQL and not the orchestration.
 */
export async function runStages(
  sql: postgres.Sql,
  periodId: number,
  itemsPerShard = 50_000,
): Promise<PeriodTotals> {
  const { shards } = await preparePeriod(sql, { periodId, itemsPerShard });
  for (const shard of shards) {
    await generateItems(sql, { periodId, shard });
    await applyRules(sql, { periodId, shard });
    await priceItems(sql, { periodId, shard });
  }
  return rollUp(sql, { periodId });
}
