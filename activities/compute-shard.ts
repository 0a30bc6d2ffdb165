import type postgres from 'postgres';
import { applyRules } from './apply-rules.js';
import { generateItems } from './generate-items.js';
import { loadUnlockedPeriod, type Shard } from './period-context.js';
import { priceItems } from './price-items.js';

/**
 * Computes one shard's items from scratch in one transaction: generate (elements, usage,
 * adjustments), apply the rules, price. The first two work on `staged_items`, a temporary table
 * emptied at commit (no WAL, no indexes), so each item is written to `items` once, priced: a third
 * of the writes of generating, splitting and updating in place. Deleting the shard's items first
 * makes a retry or a reprocess write exactly the same rows, never twice.
 */
export async function computeShard(
  sql: postgres.Sql,
  input: { periodId: number; shard: Shard },
  /** Seconds spent per step, added to when given (benchmarks). */
  timings?: Record<'generate' | 'rules' | 'price', number>,
): Promise<{ items: number }> {
  const timed = async <T>(step: 'generate' | 'rules' | 'price', run: () => Promise<T>) => {
    const started = performance.now();
    const value = await run();
    if (timings) timings[step] += (performance.now() - started) / 1000;
    return value;
  };
  return sql.begin((tx) => computeShardIn(tx, input, timed));
}

/**
 * The same, inside a transaction the caller owns: a rule preview computes shards this way and
 * rolls the whole transaction back, so it shows exactly what a reprocess would write.
 */
export async function computeShardIn(
  tx: postgres.TransactionSql,
  input: { periodId: number; shard: Shard },
  timed: <T>(step: 'generate' | 'rules' | 'price', run: () => Promise<T>) => Promise<T> = (_step, run) =>
    run(),
): Promise<{ items: number }> {
  {
    const period = await loadUnlockedPeriod(tx, input.periodId);
    const { from, to } = input.shard;
    // A shard's aggregates and joins then hash in memory instead of sorting to disk.
    await tx`set local work_mem = '64MB'`;
    await timed('generate', async () => {
      await stageTables(tx);
      const staged = await generateItems(tx, period, input.shard);
      // A fresh table has no statistics: without them the rule and price joins plan blind. A small
      // one plans well enough on the planner's defaults, and tests run thousands of tiny shards.
      if (staged > 5_000) await tx`analyze staged_items`;
    });
    await timed('rules', () => applyRules(tx, period, input.shard));
    const items = await timed('price', async () => {
      await tx`delete from items where period_id = ${period.periodId} and invoice_to_id between ${from} and ${to}`;
      return priceItems(tx, period);
    });
    return { items };
  }
}

/**
 * The session's temporary tables, made on its first shard and emptied at every commit: creating and
 * dropping them per shard filled the catalogs with churn that slowed every statement after it. They
 * follow items' columns as they were when the session began; the worker migrates before it connects.
 */
async function stageTables(tx: postgres.TransactionSql) {
  await tx`
    do $$ begin
      if to_regclass('pg_temp.staged_items') is null then
        create temporary table staged_items (like items including defaults) on commit delete rows;
        alter table staged_items alter column id add generated always as identity;
      end if;
      if to_regclass('pg_temp.rule_matches') is null then
        create temporary table rule_matches (item_id bigint, rule_id bigint, item_from date, item_to date,
          rule_from date, rule_to date) on commit delete rows;
      end if;
    end $$`;
}
