import type postgres from 'postgres';
import { applyRules } from './apply-rules.js';
import { generateItems } from './generate-items.js';
import { loadUnlockedPeriod, type Shard } from './period-context.js';
import { priceItems } from './price-items.js';

/**
 * Computes one shard's items from scratch in one transaction: generate (elements, usage,
 * adjustments), apply the rules, price. The first two work on `staged_items`, a temporary table
 * dropped at commit (no WAL, no indexes), so each item is written to `items` once, priced: a third
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
  return sql.begin(async (tx) => {
    const period = await loadUnlockedPeriod(tx, input.periodId);
    const { from, to } = input.shard;
    // A shard's aggregates and joins then hash in memory instead of sorting to disk.
    await tx`set local work_mem = '64MB'`;
    await timed('generate', async () => {
      await tx`create temporary table staged_items (like items including defaults) on commit drop`;
      await tx`alter table staged_items alter column id add generated always as identity`;
      await generateItems(tx, period, input.shard);
      // A fresh table has no statistics: without them the rule and price joins plan blind.
      await tx`analyze staged_items`;
    });
    await timed('rules', () => applyRules(tx, period, input.shard));
    const items = await timed('price', async () => {
      await tx`delete from items where period_id = ${period.periodId} and invoice_to_id between ${from} and ${to}`;
      return priceItems(tx, period);
    });
    return { items };
  });
}
